import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { api, dataOf } from '../../api/client.js';
import { useAsync } from '../../ui/use-async.js';
import { boxFeature, boxIn, type Box } from './box-draw.js';
import type { Filters } from './filters.js';

/** The chosen area as drawn on the map: the box, the administrative area, the AOI (whichever are set). */
export type AreaShape = FeatureCollection<Polygon | MultiPolygon>;

/** The stored geometry as the geo endpoints return it (administrative area and AOI alike). */
interface AreaGeometry extends MultiPolygon {
  bbox: Box;
}

export const EMPTY_SHAPE: AreaShape = { type: 'FeatureCollection', features: [] };

/**
 * The outline of the area filters in the address: the box at once, the administrative area and the
 * AOI from their geojson endpoints. `bounds` is the whole outline's box (to fit the map to it).
 */
export function useAreaOutline(filters: Filters, signedIn: boolean): { shape: AreaShape; bounds: Box | null; error: string | null } {
  const aoi = signedIn ? filters.aoi : undefined;
  const loaded = useAsync(async (signal) => {
    const found: Array<{ kind: string; id: string; geometry: AreaGeometry }> = [];
    if (filters.area) {
      const geometry = await dataOf(api.GET('/api/v1/common/administrative-area/{gadm_composite_id}/geojson', { params: { path: { gadm_composite_id: filters.area } }, signal }));
      found.push({ kind: 'area', id: filters.area, geometry: geometry as AreaGeometry });
    }
    if (aoi) {
      const geometry = await dataOf(api.GET('/api/v1/layers/aoi/{aoi_id}/geojson', { params: { path: { aoi_id: aoi } }, signal }));
      found.push({ kind: 'aoi', id: aoi, geometry: geometry as AreaGeometry });
    }
    return found;
  }, [filters.area, aoi]);
  const box = boxIn(filters);
  // The previous answer stays while the next loads: only outlines of the areas chosen now are drawn.
  const areas = (loaded.data ?? []).filter(({ kind, id }) => (kind === 'area' ? id === filters.area : id === aoi));
  const features: AreaShape['features'] = [
    ...(box ? [boxFeature(box)] : []),
    ...areas.map(({ kind, geometry }): Feature<MultiPolygon> => ({ type: 'Feature', properties: { kind }, geometry: { type: 'MultiPolygon', coordinates: geometry.coordinates } })),
  ];
  const boxes = [...(box ? [box] : []), ...areas.map(({ geometry }) => geometry.bbox)];
  const bounds = boxes.length ? union(boxes) : null;
  return { shape: { type: 'FeatureCollection', features }, bounds, error: filters.area || aoi ? loaded.error : null };
}

function union(boxes: Box[]): Box {
  return boxes.reduce((all, box) => [Math.min(all[0], box[0]), Math.min(all[1], box[1]), Math.max(all[2], box[2]), Math.max(all[3], box[3])]);
}

/** The area's layers: a faint fill under the sources and plumes, a dashed outline over everything. */
export function addAreaLayers(map: MapLibreMap): void {
  if (map.getSource('area')) return;
  map.addSource('area', { type: 'geojson', data: EMPTY_SHAPE });
  map.addLayer({ id: 'area-fill', type: 'fill', source: 'area', paint: { 'fill-color': '#1f5fa8', 'fill-opacity': 0.06 } }, map.getLayer('sources') ? 'sources' : undefined);
  map.addLayer({ id: 'area-line', type: 'line', source: 'area', paint: { 'line-color': '#1f5fa8', 'line-width': 2, 'line-dasharray': [3, 2] } });
}

export function showAreaShape(map: MapLibreMap, shape: AreaShape): void {
  (map.getSource('area') as GeoJSONSource | undefined)?.setData(shape);
}
