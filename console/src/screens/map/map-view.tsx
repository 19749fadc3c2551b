import { useEffect, useRef } from 'preact/hooks';
import { Map as MapLibreMap, NavigationControl, setWorkerUrl, type GeoJSONSource, type StyleSpecification, type VectorTileSource } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { request, urlOf } from '../../api/client.js';
import { authHeaders } from '../../api/session.js';
import { basemapLayers, PLUME_HIGHLIGHT, sourceLayers } from './map-layers.js';
import { plumeQuery, queryString, sceneQuery, sourceQuery, type Filters } from './filters.js';

setWorkerUrl(workerUrl);

export interface View {
  /** west, south, east, north */
  bounds: [number, number, number, number];
  zoom: number;
  center: [number, number];
  /** Sources drawn in the view (after the persistence filter). */
  sources: number;
}

export interface MapViewProps {
  filters: Filters;
  /** Sources with at least this persistence (0–1) are drawn. */
  persistence: number;
  initialView: { center: [number, number]; zoom: number };
  /** Changes with the signed-in credential and organization, so tiles are fetched again as that viewer. */
  viewerKey: string;
  selectedPlume: string | null;
  overlay: { sceneId: string; product: string; bounds: number[] } | null;
  onView(view: View): void;
  onPlume(id: string): void;
  onSource(name: string): void;
  /** Called once, when the first plume is drawn (the budget the console is measured against). */
  onFirstPlume(): void;
}

/**
 * The MapLibre map: the server's own style (plume and scene tiles, from its TileJSON), under it the
 * offline basemap, over it the sources. Filters change the TileJSON URLs; MapLibre refetches.
 */
export function MapView(props: MapViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibreMap | null>(null);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    let disposed = false;
    void request<StyleSpecification>('/api/v1/layers/style.json').then((serverStyle) => {
      if (disposed || !container.current) return;
      const style: StyleSpecification = {
        ...serverStyle,
        sources: {
          basemap: { type: 'vector', url: `${location.origin}/api/v1/common/basemap/tilejson.json` },
          ...serverStyle.sources,
          sources: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
        },
        // Sources under the plumes, so a plume dot on a source ring stays clickable.
        layers: [...basemapLayers(), ...serverStyle.layers.filter((layer) => layer.id !== 'plumes'), ...sourceLayers(), ...serverStyle.layers.filter((layer) => layer.id === 'plumes'), PLUME_HIGHLIGHT],
      };
      const created = new MapLibreMap({
        container: container.current,
        style,
        center: latest.current.initialView.center,
        zoom: latest.current.initialView.zoom,
        attributionControl: { compact: true, customAttribution: 'Natural Earth · US Census' },
        // Same-origin requests carry the credential, so a signed-in map shows the organization's plumes.
        transformRequest: (url) => (url.startsWith(location.origin) ? { url, headers: authHeaders() } : { url }),
      });
      created.addControl(new NavigationControl({ showCompass: false }), 'top-right');
      created.keyboard.enable();
      map.current = created;
      const report = () => {
        const bounds = created.getBounds();
        const center = created.getCenter();
        const names = new Set(created.getLayer('sources') ? created.queryRenderedFeatures({ layers: ['sources'] }).map((feature) => feature.properties.source_name) : []);
        const next: View = { bounds: [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()], zoom: created.getZoom(), center: [center.lng, center.lat], sources: names.size };
        if (JSON.stringify(next) !== reported) latest.current.onView(next);
        reported = JSON.stringify(next);
      };
      let reported = '';
      created.on('load', () => {
        applyFilters(created, latest.current.filters);
        report();
      });
      // After the move and again once the new data is drawn (the source count needs the drawn features).
      created.on('moveend', report);
      created.on('idle', report);
      const firstPlume = () => {
        if (created.queryRenderedFeatures({ layers: ['plumes'] }).length === 0) return;
        created.off('idle', firstPlume);
        created.off('render', firstPlume);
        latest.current.onFirstPlume();
      };
      created.on('render', firstPlume);
      created.on('click', 'plumes', (event) => {
        const id = event.features?.[0]?.properties.id;
        if (typeof id === 'string') latest.current.onPlume(id);
      });
      created.on('click', 'sources', (event) => {
        if (created.queryRenderedFeatures(event.point, { layers: ['plumes'] }).length) return;
        const name = event.features?.[0]?.properties.source_name;
        if (typeof name === 'string') latest.current.onSource(name);
      });
      for (const layer of ['plumes', 'sources']) {
        created.on('mouseenter', layer, () => (created.getCanvas().style.cursor = 'pointer'));
        created.on('mouseleave', layer, () => (created.getCanvas().style.cursor = ''));
      }
    });
    return () => {
      disposed = true;
      map.current?.remove();
      map.current = null;
    };
  }, []);

  const filterKey = JSON.stringify(props.filters) + props.viewerKey;
  useEffect(() => {
    const current = map.current;
    if (current?.loaded()) applyFilters(current, props.filters);
  }, [filterKey]);

  useEffect(() => {
    const current = map.current;
    if (!current?.getLayer('sources')) return;
    current.setFilter('sources', ['>=', ['coalesce', ['get', 'persistence'], 0], props.persistence]);
  }, [props.persistence, map.current]);

  useEffect(() => {
    const current = map.current;
    if (!current?.getLayer('plume-selected')) return;
    current.setFilter('plume-selected', ['==', ['get', 'id'], props.selectedPlume ?? '']);
  }, [props.selectedPlume, map.current]);

  useEffect(() => showOverlay(map.current, props.overlay), [props.overlay?.sceneId, props.overlay?.product, map.current]);

  return <div class="map-canvas" ref={container} role="region" aria-label="Map of plumes and sources. Arrow keys pan, + and - zoom." tabIndex={0} />;
}

function applyFilters(map: MapLibreMap, filters: Filters): void {
  const plumes = queryString(plumeQuery(filters));
  const scenes = queryString(sceneQuery(filters));
  (map.getSource('plumes') as VectorTileSource | undefined)?.setUrl(`${location.origin}/api/v1/layers/plumes/tilejson.json${plumes ? `?${plumes}` : ''}`);
  (map.getSource('scenes') as VectorTileSource | undefined)?.setUrl(`${location.origin}/api/v1/layers/scenes/tilejson.json${scenes ? `?${scenes}` : ''}`);
  const { bbox: _box, ...withoutBox } = sourceQuery(filters);
  (map.getSource('sources') as GeoJSONSource | undefined)?.setData(`${location.origin}${urlOf('/api/v1/catalog/sources.geojson', filters.bbox ? sourceQuery(filters) : withoutBox)}`);
}

/** The plume's scene raster over the map (its gas's concentration product), while its panel is open. */
function showOverlay(map: MapLibreMap | null, overlay: MapViewProps['overlay']): void {
  if (!map?.loaded()) return;
  if (map.getLayer('overlay')) map.removeLayer('overlay');
  if (map.getSource('overlay')) map.removeSource('overlay');
  if (!overlay) return;
  const [west, south, east, north] = overlay.bounds;
  map.addSource('overlay', {
    type: 'raster',
    tiles: [`${location.origin}/api/v1/layers/scene/${overlay.sceneId}/${overlay.product}/{z}/{x}/{y}.png`],
    tileSize: 256,
    ...(west !== undefined && south !== undefined && east !== undefined && north !== undefined ? { bounds: [west, south, east, north] as [number, number, number, number] } : {}),
  });
  map.addLayer({ id: 'overlay', type: 'raster', source: 'overlay', paint: { 'raster-opacity': 0.8 } }, 'plumes');
}
