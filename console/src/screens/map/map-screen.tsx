import { useEffect, useState } from 'preact/hooks';
import { api, dataOf } from '../../api/client.js';
import { isSignedIn, session } from '../../api/session.js';
import { setQuery, usePlace } from '../../router.js';
import { useStore } from '../../store.js';
import { describe } from '../../ui/use-async.js';
import { useAreaOutline } from './area-outline.js';
import type { Box } from './box-draw.js';
import { FilterPanel } from './filter-panel.js';
import { filtersOf, sourceQuery } from './filters.js';
import { MapView, type View } from './map-view.js';
import { PlumePanel } from './plume-panel.js';
import { SourcePanel } from './source-panel.js';
import { SummaryBar } from './summary-bar.js';
import type { Plume } from './types.js';

/** `at=zoom/lat/lon` in the address; the Permian Basin and the US Gulf Coast by default. */
function viewOf(at: string | null): { center: [number, number]; zoom: number } {
  const [zoom, lat, lon] = (at ?? '').split('/').map(Number);
  if (zoom !== undefined && lat !== undefined && lon !== undefined && [zoom, lat, lon].every(Number.isFinite)) return { center: [lon, lat], zoom };
  return { center: [-98, 33], zoom: 3 };
}

/** When the first plume was drawn, in ms since the page's navigation began (read by the browser tests). */
function recordFirstPlume() {
  document.documentElement.dataset.firstPlumeMs = String(Math.round(performance.mark('map:first-plume').startTime));
}

export default function MapScreen() {
  const { query } = usePlace();
  const who = useStore(session);
  const filters = filtersOf(query);
  const [initialView] = useState(() => viewOf(query.get('at')));
  const [view, setView] = useState<View | null>(null);
  const [sourcesInView, setSourcesInView] = useState<number | null>(null);
  const [overlay, setOverlay] = useState<{ sceneId: string; product: string; bounds: number[] } | null>(null);
  const [panelsOpen, setPanelsOpen] = useState(true);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [drawing, setDrawing] = useState(false);
  // A shared link with an area but no view opens fitted to the area (once); a pick fits the map to it.
  const [fitOnLoad] = useState(() => !query.get('at') && ['bbox', 'area', 'aoi'].some((key) => query.has(key)));
  const [fit, setFit] = useState<{ bounds: Box; key: number } | null>(null);
  const fitTo = (bounds: Box) => setFit((previous) => ({ bounds, key: (previous?.key ?? 0) + 1 }));
  const signedIn = isSignedIn(who);
  const area = useAreaOutline(filters, signedIn);
  const areaBounds = area.bounds?.join(',');
  useEffect(() => {
    if (fitOnLoad && area.bounds && !fit) fitTo(area.bounds);
  }, [areaBounds]);
  const plume = query.get('plume');
  const source = query.get('source');
  const persistence = Math.min(100, Math.max(0, Number(filters.persistence ?? 0) || 0)) / 100;
  const viewerKey = who.kind === 'anonymous' ? 'anonymous' : `${who.kind}:${who.organizationId ?? ''}`;

  const openSourceOfPlume = async (plumeId: string) => {
    try {
      const found = await dataOf(api.GET('/api/v1/catalog/source/plume/{plume_uuid}', { params: { path: { plume_uuid: plumeId }, query: { eps: sourceQuery(filters).eps } } }));
      setQuery({ source: found.source_name }, { replace: false });
    } catch (error) {
      const announcer = document.getElementById('announcer');
      if (announcer) announcer.textContent = describe(error);
    }
  };
  const showPlumeRaster = (found: Plume | null) =>
    setOverlay(found && found.plume_bounds.length === 4 && found.plume_tif ? { sceneId: found.scene_id, product: found.gas.toLowerCase(), bounds: found.plume_bounds } : null);

  return (
    <div class={`map-screen${filtersOpen ? ' filters-open' : ''}`}>
      <div class="map-toolbar">
        <button type="button" class="filters-toggle" aria-expanded={filtersOpen} aria-controls="map-filters" onClick={() => setFiltersOpen(!filtersOpen)}>
          Filters
        </button>
      </div>
      <div id="map-filters" class="map-filters">
        <FilterPanel
          filters={filters}
          viewBounds={view?.bounds ?? null}
          signedIn={signedIn}
          area={{
            viewerKey,
            drawing,
            onDraw: (on) => {
              setDrawing(on);
              // On a phone the filters cover the map: fold them so the map can be drawn on.
              if (on) setFiltersOpen(false);
            },
            onFit: fitTo,
          }}
        />
      </div>
      <div class="map-area">
        <MapView
          filters={filters}
          persistence={persistence}
          initialView={initialView}
          viewerKey={viewerKey}
          selectedPlume={plume}
          overlay={plume ? overlay : null}
          onView={(next) => {
            setView(next);
            setSourcesInView(next.sources);
            setQuery({ at: `${next.zoom.toFixed(2)}/${next.center[1].toFixed(4)}/${next.center[0].toFixed(4)}` });
          }}
          onPlume={(id) => {
            setPanelsOpen(true);
            setQuery({ plume: id }, { replace: false });
          }}
          onSource={(name) => {
            setPanelsOpen(true);
            setQuery({ source: name }, { replace: false });
          }}
          onFirstPlume={recordFirstPlume}
          area={area.shape}
          fit={fit}
          drawing={drawing}
          onDrawn={(box) => {
            setDrawing(false);
            if (box) setQuery({ bbox: box.join(','), area: null, aoi: null });
          }}
        />
        {drawing && (
          // Over the map, so it shows on a phone too (where the filters fold away while drawing).
          <div class="drawing-banner" role="status" data-testid="drawing-hint">
            Drag on the map to draw the box; Escape cancels.
            <button type="button" onClick={() => setDrawing(false)}>
              Cancel
            </button>
          </div>
        )}
        {panelsOpen && (plume || source) && (
          <div class="panels">
            {plume && <PlumePanel id={plume} onClose={() => setQuery({ plume: null })} onSource={openSourceOfPlume} onLoaded={showPlumeRaster} />}
            {source && <SourcePanel name={source} eps={filters.eps} onClose={() => setQuery({ source: null })} onPlume={(id) => setQuery({ plume: id }, { replace: false })} />}
          </div>
        )}
      </div>
      <SummaryBar filters={filters} bounds={view?.bounds ?? null} sourcesInView={sourcesInView} />
    </div>
  );
}
