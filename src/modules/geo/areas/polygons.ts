/**
 * Polygon geometry as clients and data files give it, checked and tidied before PostGIS sees it:
 * every position two finite numbers within ±180/±90 (a third, height, is dropped), rings closed,
 * repeated consecutive positions removed, and rings left with fewer than four positions (a point
 * or a line, not an area) dropped with the polygons they bound. PostGIS then makes the result
 * valid (ST_MakeValid, method=structure). Degenerate rings are removed here because the embedded
 * database's GEOS cannot survive them in ST_MakeValid.
 */
export type Position = [number, number];
export type Ring = Position[];
export type PolygonCoordinates = Ring[];

export class PolygonError extends Error {
  override name = 'PolygonError';
}

export interface PolygonLimits {
  maxVertices: number;
}

type Geometry = { type?: unknown; coordinates?: unknown; geometries?: unknown };

function position(value: unknown): Position {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) throw new PolygonError('Every position must be [longitude, latitude].');
  const [lon, lat] = value as unknown[];
  if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) throw new PolygonError('Coordinates must be finite numbers.');
  if (Math.abs(lon) > 180 || Math.abs(lat) > 90) throw new PolygonError('Longitudes must lie within ±180 and latitudes within ±90 (WGS 84 degrees).');
  return [lon, lat];
}

function ring(value: unknown, counter: { vertices: number; max: number }): Ring | undefined {
  if (!Array.isArray(value)) throw new PolygonError('A polygon ring must be an array of positions.');
  counter.vertices += value.length;
  if (counter.vertices > counter.max) throw new PolygonError(`Too many vertices: at most ${counter.max} in one area.`);
  const tidy: Ring = [];
  for (const item of value) {
    const p = position(item);
    const last = tidy[tidy.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) tidy.push(p);
  }
  const first = tidy[0];
  const last = tidy[tidy.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) tidy.push([first[0], first[1]]);
  return tidy.length >= 4 ? tidy : undefined;
}

function polygon(value: unknown, counter: { vertices: number; max: number }): PolygonCoordinates | undefined {
  if (!Array.isArray(value)) throw new PolygonError('A polygon must be an array of rings.');
  const [outer, ...holes] = value.map((r) => ring(r, counter));
  if (!outer) return undefined;
  return [outer, ...holes.filter((h): h is Ring => h !== undefined)];
}

const NOT_AN_AREA = 'Only areas can be used: Polygon or MultiPolygon geometries (points and lines have no area).';

/** The polygons of one geometry (Polygon, MultiPolygon, or a GeometryCollection of them). */
export function polygonsOf(geometry: unknown, counter: { vertices: number; max: number }): PolygonCoordinates[] {
  if (!geometry || typeof geometry !== 'object') throw new PolygonError('Expected a GeoJSON geometry.');
  const { type, coordinates, geometries } = geometry as Geometry;
  switch (type) {
    case 'Polygon': {
      const one = polygon(coordinates, counter);
      return one ? [one] : [];
    }
    case 'MultiPolygon':
      if (!Array.isArray(coordinates)) throw new PolygonError('A MultiPolygon needs coordinates.');
      return coordinates.map((c) => polygon(c, counter)).filter((p): p is PolygonCoordinates => p !== undefined);
    case 'GeometryCollection':
      if (!Array.isArray(geometries)) throw new PolygonError('A GeometryCollection needs geometries.');
      return geometries.flatMap((g) => polygonsOf(g, counter));
    case 'Point':
    case 'MultiPoint':
    case 'LineString':
    case 'MultiLineString':
      throw new PolygonError(`${NOT_AN_AREA} This one is a ${type}.`);
    default:
      throw new PolygonError(`Unknown geometry type ${JSON.stringify(type)}: expected Polygon or MultiPolygon.`);
  }
}

/** Geometries as one MultiPolygon (parts not yet unioned: PostGIS makes it valid); refuses when nothing with an area is left. */
export function toMultiPolygon(geometries: unknown[], limits: PolygonLimits): { type: 'MultiPolygon'; coordinates: PolygonCoordinates[] } {
  const counter = { vertices: 0, max: limits.maxVertices };
  const coordinates = geometries.flatMap((g) => polygonsOf(g, counter));
  if (!coordinates.length) throw new PolygonError('The geometry encloses no area (every ring has fewer than three distinct positions).');
  return { type: 'MultiPolygon', coordinates };
}
