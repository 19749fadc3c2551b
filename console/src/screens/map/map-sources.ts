import type { GeoJSONSource, Map as MapLibreMap, StyleSpecification, VectorTileSource } from 'maplibre-gl';
import { urlOf } from '../../api/client.js';
import { plumeQuery, queryString, sceneQuery, sourceQuery, type Filters } from './filters.js';

/* The map's data sources as the filters choose them: the plume and scene TileJSON URLs (their tiles
 * carry the query string) and the sources GeoJSON. */

export function plumeTileJsonUrl(filters: Filters): string {
  const plumes = queryString(plumeQuery(filters));
  return `${location.origin}/api/v1/layers/plumes/tilejson.json${plumes ? `?${plumes}` : ''}`;
}

export function sceneTileJsonUrl(filters: Filters): string {
  const scenes = queryString(sceneQuery(filters));
  return `${location.origin}/api/v1/layers/scenes/tilejson.json${scenes ? `?${scenes}` : ''}`;
}

function sourcesDataUrl(filters: Filters): string {
  const { bbox: _box, ...withoutBox } = sourceQuery(filters);
  return `${location.origin}${urlOf('/api/v1/catalog/sources.geojson', filters.bbox ? sourceQuery(filters) : withoutBox)}`;
}

/** The server's source `name` with its TileJSON URL replaced (absent from the style: nothing). */
export function withUrl(style: StyleSpecification, name: string, url: string): StyleSpecification['sources'] {
  const source = style.sources[name];
  return source && source.type === 'vector' ? { [name]: { ...source, url } } : {};
}

/** setUrl reloads every tile even for the same URL, so it is called only when the URL changes. */
function setTileJsonUrl(map: MapLibreMap, name: string, url: string): void {
  const source = map.getSource(name) as VectorTileSource | undefined;
  if (source && source.url !== url) source.setUrl(url);
}

/** The URL each map's sources layer was last given (GeoJSONSource does not say). */
const sourcesShown = new WeakMap<MapLibreMap, string>();

export function applyTileFilters(map: MapLibreMap, filters: Filters): void {
  setTileJsonUrl(map, 'plumes', plumeTileJsonUrl(filters));
  setTileJsonUrl(map, 'scenes', sceneTileJsonUrl(filters));
}

export function applySourceFilters(map: MapLibreMap, filters: Filters): void {
  const url = sourcesDataUrl(filters);
  if (sourcesShown.get(map) === url) return;
  sourcesShown.set(map, url);
  (map.getSource('sources') as GeoJSONSource | undefined)?.setData(url);
}

export function applyFilters(map: MapLibreMap, filters: Filters): void {
  applyTileFilters(map, filters);
  applySourceFilters(map, filters);
}
