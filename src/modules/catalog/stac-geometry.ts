import { BadRequestError } from '../../platform/errors.js';
import type { CqlGeometry } from './stac.service.js';

/** Enough for a detailed area of interest (thousands of vertices), bounded so one request cannot hold the database. */
export const MAX_POSITIONS = 100_000;

const fail = (message: string): never => {
  throw new BadRequestError(`Invalid geometry: ${message}`);
};

/**
 * A GeoJSON geometry checked before it reaches PostGIS: known type, positions of two or three
 * finite numbers, lines of two positions or more, closed rings of four or more, bounded in size.
 * PostGIS would otherwise answer a malformed one with an internal error.
 */
export function checkGeometry(geometry: unknown): asserts geometry is CqlGeometry {
  let positions = 0;
  const position = (value: unknown) => {
    if (!Array.isArray(value) || value.length < 2 || value.length > 3 || !value.every((n) => typeof n === 'number' && Number.isFinite(n))) fail('a position is two or three finite numbers');
    positions += 1;
    if (positions > MAX_POSITIONS) fail(`more than ${MAX_POSITIONS} positions`);
  };
  const list = (value: unknown, min: number, what: string): unknown[] => {
    if (!Array.isArray(value) || value.length < min) return fail(`${what} needs at least ${min} element(s)`);
    return value;
  };
  const line = (value: unknown) => list(value, 2, 'a line').forEach(position);
  const ring = (value: unknown) => {
    const points = list(value, 4, 'a polygon ring') as number[][];
    points.forEach(position);
    const [first, last] = [points[0]!, points[points.length - 1]!];
    if (first[0] !== last[0] || first[1] !== last[1]) fail('a polygon ring must end where it starts');
  };
  const polygon = (value: unknown) => list(value, 1, 'a polygon').forEach(ring);
  const check = (value: unknown, depth: number) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('expected a GeoJSON geometry object');
    const { type, coordinates, geometries } = value as { type?: unknown; coordinates?: unknown; geometries?: unknown };
    switch (type) {
      case 'Point':
        return position(coordinates);
      case 'MultiPoint':
        return list(coordinates, 1, 'a MultiPoint').forEach(position);
      case 'LineString':
        return line(coordinates);
      case 'MultiLineString':
        return list(coordinates, 1, 'a MultiLineString').forEach(line);
      case 'Polygon':
        return polygon(coordinates);
      case 'MultiPolygon':
        return list(coordinates, 1, 'a MultiPolygon').forEach(polygon);
      case 'GeometryCollection':
        if (depth > 1) fail('geometry collections cannot nest');
        return list(geometries, 1, 'a GeometryCollection').forEach((member) => check(member, depth + 1));
      default:
        return fail(`unknown geometry type ${JSON.stringify(type)?.slice(0, 40)}`);
    }
  };
  check(geometry, 0);
}
