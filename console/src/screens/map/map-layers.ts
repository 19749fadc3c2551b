import type { LayerSpecification, Map } from 'maplibre-gl';

/** Land, borders and coastlines from the basemap's `areas` layer; no labels (no glyph server offline). */
export const BACKGROUND: LayerSpecification = { id: 'background', type: 'background', paint: { 'background-color': '#dfe9ee' } };

export function basemapLayers(): LayerSpecification[] {
  return [
    { id: 'land', type: 'fill', source: 'basemap', 'source-layer': 'areas', filter: ['==', ['get', 'level'], 0], paint: { 'fill-color': '#f7f6f2' } },
    { id: 'counties', type: 'line', source: 'basemap', 'source-layer': 'areas', filter: ['==', ['get', 'level'], 2], paint: { 'line-color': '#d9d4c7', 'line-width': 0.5 } },
    { id: 'states', type: 'line', source: 'basemap', 'source-layer': 'areas', filter: ['==', ['get', 'level'], 1], paint: { 'line-color': '#b9b2a1', 'line-width': 0.8 } },
    { id: 'countries', type: 'line', source: 'basemap', 'source-layer': 'areas', filter: ['==', ['get', 'level'], 0], paint: { 'line-color': '#8c8777', 'line-width': 1 } },
  ];
}

/** A ring around the plume whose panel is open. */
export const PLUME_HIGHLIGHT: LayerSpecification = {
  id: 'plume-selected',
  type: 'circle',
  source: 'plumes',
  'source-layer': 'plumes',
  filter: ['==', ['get', 'id'], ''],
  paint: { 'circle-radius': 11, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#111', 'circle-stroke-width': 2.5 },
};

/** Sources as rings sized by their emission rate, under the plumes' dots. */
export function sourceLayers(): LayerSpecification[] {
  return [
    {
      id: 'sources',
      type: 'circle',
      source: 'sources',
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['coalesce', ['get', 'emission_auto'], 0], 0, 6, 1000, 10, 10000, 18],
        'circle-color': 'rgba(11,110,79,0.12)',
        'circle-stroke-color': '#0b6e4f',
        'circle-stroke-width': 1.5,
      },
    },
  ];
}

/**
 * Scene footprints wait for the first plumes: hidden, their tiles are not asked, and on the
 * embedded database (one connection) their queries would otherwise run ahead of the plume tiles of
 * the first view (measured: 7 scene tiles before the 6 plume tiles, ~1 s of the 2 s budget).
 */
export function hiddenUntilFirstView(layer: LayerSpecification): LayerSpecification {
  return 'source' in layer && layer.source === 'scenes' ? { ...layer, layout: { ...layer.layout, visibility: 'none' } } : layer;
}

export function showAfterFirstView(map: Map): void {
  for (const layer of map.getStyle().layers) if ('source' in layer && layer.source === 'scenes') map.setLayoutProperty(layer.id, 'visibility', 'visible');
}
