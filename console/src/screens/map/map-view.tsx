import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { Map as MapLibreMap, NavigationControl, prewarm, setWorkerUrl, type LayerSpecification, type StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { authHeaders } from '../../api/session.js';
import { addAreaLayers, showAreaShape, type AreaShape } from './area-outline.js';
import { boxFeature, drawBox, type Box } from './box-draw.js';
import { BACKGROUND, basemapLayers, hiddenUntilFirstView, PLUME_HIGHLIGHT, showAfterFirstView, sourceLayers } from './map-layers.js';
import type { Filters } from './filters.js';
import { applyFilters, applySourceFilters, applyTileFilters, plumeTileJsonUrl, sceneTileJsonUrl, withUrl } from './map-sources.js';
import { mapStyle } from './preload.js';

setWorkerUrl(workerUrl);
// The worker starts loading now, while the style is still on its way (it is otherwise made with the map).
prewarm();

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
  /** The chosen area's outline (drawn box, administrative area, AOI). */
  area: AreaShape;
  /** Fit the map to these bounds whenever `key` changes (a picked area). */
  fit: { bounds: Box; key: number } | null;
  /** While true, a drag on the map draws a box instead of panning. */
  drawing: boolean;
  /** The drawn box, or null when drawing was cancelled. */
  onDrawn(box: Box | null): void;
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
    void mapStyle().then((serverStyle) => {
      if (disposed || !container.current) return;
      const style: StyleSpecification = {
        ...serverStyle,
        // The filtered TileJSON URLs from the start: swapping them in at 'load' would fetch every tile twice.
        sources: {
          ...serverStyle.sources,
          ...withUrl(serverStyle, 'plumes', plumeTileJsonUrl(latest.current.filters)),
          ...withUrl(serverStyle, 'scenes', sceneTileJsonUrl(latest.current.filters)),
          sources: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
        },
        // Sources under the plumes, so a plume dot on a source ring stays clickable.
        layers: [BACKGROUND, ...serverStyle.layers.filter((layer) => layer.id !== 'plumes').map(hiddenUntilFirstView), ...sourceLayers(), ...serverStyle.layers.filter((layer) => layer.id === 'plumes').map(largestOnTop), PLUME_HIGHLIGHT],
      };
      const created = new MapLibreMap({
        container: container.current,
        style,
        center: latest.current.initialView.center,
        zoom: latest.current.initialView.zoom,
        attributionControl: { compact: true, customAttribution: 'Natural Earth · US Census' },
        // Same-origin requests carry the credential, so a signed-in map shows the organization's plumes.
        transformRequest: (url) => (new URL(url, location.href).origin === location.origin ? { url, headers: authHeaders() } : { url }),
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
        ready.add(created);
        // Filters changed while the style loaded: only then does this fetch anything.
        applyTileFilters(created, latest.current.filters);
        addAreaLayers(created);
        showAreaShape(created, latest.current.area);
        if (latest.current.fit) fitTo(created, latest.current.fit.bounds);
        showOverlay(created, latest.current.overlay);
        report();
      });
      // The basemap and the sources join once the plumes are drawn: on the embedded database (one
      // connection) their queries would otherwise queue ahead of the plume tiles of the first view.
      created.once('idle', () => {
        applySourceFilters(created, latest.current.filters);
        addBasemap(created);
        showAfterFirstView(created);
      });
      // After the move and again once the new data is drawn (the source count needs the drawn features).
      created.on('moveend', report);
      created.on('idle', report);
      const firstPlume = () => {
        if (!created.getLayer('plumes') || created.queryRenderedFeatures({ layers: ['plumes'] }).length === 0) return;
        created.off('idle', firstPlume);
        created.off('render', firstPlume);
        latest.current.onFirstPlume();
      };
      created.on('render', firstPlume);
      created.on('click', 'plumes', (event) => {
        // Plumes of one source overlap: the click opens the largest, the one drawn on top.
        const id = largestFirst(event.features ?? [])[0]?.properties.id;
        if (typeof id === 'string') latest.current.onPlume(id);
        // A low-zoom cell (a count of plumes, not one plume): zoom in towards its plumes.
        else if (event.features?.some((feature) => 'plume_count' in feature.properties)) created.easeTo({ center: event.lngLat, zoom: Math.min(created.getZoom() + 2, 8) });
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
    if (current && ready.has(current)) applyFilters(current, props.filters);
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

  const areaKey = JSON.stringify(props.area);
  useEffect(() => {
    if (map.current && ready.has(map.current)) showAreaShape(map.current, props.area);
  }, [areaKey]);

  useEffect(() => {
    if (map.current && props.fit) fitTo(map.current, props.fit.bounds);
  }, [props.fit?.key]);

  // A layout effect: the drawing's listeners (Escape among them) are in place before the banner
  // saying "Escape cancels" is painted; with useEffect a key pressed as it appeared could be lost.
  useLayoutEffect(() => {
    const current = map.current;
    if (!props.drawing || !current) return;
    // The live box replaces the outline while the pointer moves; the address then brings the final one.
    return drawBox(current, {
      onChange: (box) => showAreaShape(current, { type: 'FeatureCollection', features: [boxFeature(box)] }),
      onDone: (box) => {
        if (!box) showAreaShape(current, latest.current.area);
        latest.current.onDrawn(box);
      },
    });
  }, [props.drawing, map.current]);

  useEffect(() => showOverlay(map.current, props.overlay), [props.overlay?.sceneId, props.overlay?.product, map.current]);

  return <div class="map-canvas" ref={container} role="region" aria-label="Map of plumes and sources. Arrow keys pan, + and - zoom." tabIndex={0} />;
}

/**
 * Maps whose style has loaded (their 'load' fired). Not `map.loaded()`: that is false whenever a tile
 * is on its way, and a filter changed then would never reach the map.
 */
const ready = new WeakSet<MapLibreMap>();

/** The map fitted to a box with room around it; a box that wraps or is empty is left alone. */
function fitTo(map: MapLibreMap, [west, south, east, north]: Box): void {
  if (!(east > west && north > south)) return;
  map.fitBounds([west, south, east, north], { padding: 40, maxZoom: 12, duration: 0 });
}

function emissionOf(feature: { properties: Record<string, unknown> }): number {
  const value = feature.properties.emission_auto;
  return typeof value === 'number' && Number.isFinite(value) ? value : -1;
}

function largestFirst<T extends { properties: Record<string, unknown> }>(features: T[]): T[] {
  return [...features].sort((a, b) => emissionOf(b) - emissionOf(a));
}

/** Circles with a larger emission (a cell: a larger emission sum) drawn over smaller ones (higher sort keys are drawn last). */
function largestOnTop(layer: LayerSpecification): LayerSpecification {
  return layer.type === 'circle' ? { ...layer, layout: { ...layer.layout, 'circle-sort-key': ['coalesce', ['get', 'emission_auto'], ['get', 'emission_sum'], -1] } } : layer;
}

function addBasemap(map: MapLibreMap): void {
  if (map.getSource('basemap')) return;
  map.addSource('basemap', { type: 'vector', url: `${location.origin}/api/v1/common/basemap/tilejson.json` });
  const below = map.getStyle().layers.find((layer) => layer.id !== 'background')?.id;
  for (const layer of basemapLayers()) map.addLayer(layer, below);
}

/** The plume's scene raster over the map (its gas's concentration product), while its panel is open. */
function showOverlay(map: MapLibreMap | null, overlay: MapViewProps['overlay']): void {
  if (!map || !ready.has(map)) return;
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
