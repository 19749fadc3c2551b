import Point from '@mapbox/point-geometry';
import { fromVectorTileJs, type VectorTileFeatureLike, type VectorTileLayerLike } from '@maplibre/vt-pbf';
import { EXTENT } from './tile-math.js';

/** A feature as a tile query returns it for the JavaScript encoder: GeoJSON in tile units, and its properties. */
export interface TileFeatureRow {
  /** GeoJSON geometry text in tile units (ST_AsGeoJSON), or null when nothing of it is in the tile. */
  geom: string | null;
  /** The MVT feature id (a non-negative integer), when the layer has one. */
  fid?: number | string | null;
  [property: string]: unknown;
}

type Position = number[];
interface Geometry {
  type: string;
  coordinates?: unknown;
  geometries?: Geometry[];
}

/** MVT geometry type and command rings of a GeoJSON geometry; MVT keeps one type per feature. */
function rings(geometry: Geometry): { type: 1 | 2 | 3; rings: Position[][] } | undefined {
  const c = geometry.coordinates;
  switch (geometry.type) {
    case 'Point':
      return { type: 1, rings: [[c as Position]] };
    case 'MultiPoint':
      return { type: 1, rings: [c as Position[]] };
    case 'LineString':
      return { type: 2, rings: [c as Position[]] };
    case 'MultiLineString':
      return { type: 2, rings: c as Position[][] };
    case 'Polygon':
      return { type: 3, rings: c as Position[][] };
    case 'MultiPolygon':
      return { type: 3, rings: (c as Position[][][]).flat() };
    default:
      return undefined;
  }
}

/** Properties as MVT values: nulls left out (as ST_AsMVT does), objects as their JSON text. */
function properties(row: TileFeatureRow): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === 'geom' || key === 'fid' || value === null || value === undefined) continue;
    if (key === 'properties' && typeof value === 'object' && !Array.isArray(value)) {
      for (const [name, inner] of Object.entries(value as Record<string, unknown>)) {
        if (inner === null || inner === undefined) continue;
        out[name] = typeof inner === 'object' ? JSON.stringify(inner) : (inner as string | number | boolean);
      }
      continue;
    }
    out[key] = typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/**
 * One MVT 2.1 layer from rows whose geometry PostGIS already put on the tile grid (clipped,
 * simplified, snapped, wound): encoded with @maplibre/vt-pbf. A `properties` column (jsonb) is
 * spread into the feature's properties, as ST_AsMVT spreads a jsonb column. An empty layer gives
 * an empty buffer, as ST_AsMVT does.
 */
export function encodeLayer(name: string, rows: TileFeatureRow[]): Uint8Array {
  const features: VectorTileFeatureLike[] = [];
  for (const row of rows) {
    if (!row.geom) continue;
    const shape = rings(JSON.parse(row.geom) as Geometry);
    if (!shape || shape.rings.length === 0) continue;
    const id = row.fid === null || row.fid === undefined ? undefined : Number(row.fid);
    const geometry = shape.rings.map((ring) => ring.map(([x, y]) => new Point(x!, y!)));
    features.push({ type: shape.type, id: id !== undefined && Number.isSafeInteger(id) && id >= 0 ? id : undefined, properties: properties(row), extent: EXTENT, loadGeometry: () => geometry });
  }
  if (features.length === 0) return new Uint8Array(0);
  const layer: VectorTileLayerLike = { version: 2, name, extent: EXTENT, length: features.length, feature: (i: number) => features[i]! };
  return fromVectorTileJs({ layers: { [name]: layer } });
}
