import type { Geometry, Position } from 'geojson';
import { featureError } from './vector-upload-error.js';

/** A coordinate transform into WGS 84 longitude/latitude (proj4's `forward`). */
export type ToWgs84 = (position: [number, number]) => number[];

const TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);
const MAX_COORDINATES = 1_000_000;

/**
 * Checks one feature's geometry and returns it in 2D WGS 84: every position two finite numbers
 * within longitude/latitude range (after `toWgs84`), lines of two positions or more, polygon rings
 * closed (an open ring is closed; one of fewer than three positions is refused). Topology (self-
 * intersections, overlapping parts) is left to ST_MakeValid when stored.
 */
export function normalizeGeometry(geometry: unknown, index: number, toWgs84?: ToWgs84): Geometry {
  let coordinates = 0;
  const position = (value: unknown): Position => {
    if (!Array.isArray(value) || value.length < 2 || typeof value[0] !== 'number' || typeof value[1] !== 'number' || !Number.isFinite(value[0]) || !Number.isFinite(value[1])) {
      throw featureError(index, 'a position is not a pair of finite numbers.');
    }
    if (++coordinates > MAX_COORDINATES) throw featureError(index, `more than ${MAX_COORDINATES} positions in one geometry.`);
    const [x, y] = toWgs84 ? toWgs84([value[0], value[1]]) : [value[0], value[1]];
    if (!Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x!) > 180 || Math.abs(y!) > 90) {
      throw featureError(index, `position ${value[0]}, ${value[1]} is outside longitude/latitude range (is the file in a projection it does not declare?).`);
    }
    return [x!, y!];
  };
  const positions = (value: unknown, minimum: number, what: string): Position[] => {
    if (!Array.isArray(value)) throw featureError(index, `${what} is not an array of positions.`);
    const out = value.map(position);
    if (out.length < minimum) throw featureError(index, `${what} has ${out.length} positions, fewer than ${minimum}.`);
    return out;
  };
  const ring = (value: unknown): Position[] => {
    const out = positions(value, 3, 'a polygon ring');
    const [first, last] = [out[0]!, out[out.length - 1]!];
    if (first[0] !== last[0] || first[1] !== last[1]) out.push([first[0]!, first[1]!]);
    if (out.length < 4) throw featureError(index, 'a polygon ring has fewer than three distinct positions.');
    return out;
  };
  const list = (value: unknown, what: string): unknown[] => {
    if (!Array.isArray(value)) throw featureError(index, `${what} is not an array.`);
    return value;
  };
  const walk = (node: unknown): Geometry => {
    if (node === null || typeof node !== 'object') throw featureError(index, 'it has no geometry.');
    const { type, coordinates: c, geometries } = node as { type?: unknown; coordinates?: unknown; geometries?: unknown };
    if (typeof type !== 'string' || !TYPES.has(type)) throw featureError(index, `geometry type ${JSON.stringify(type)} is not a GeoJSON geometry type.`);
    switch (type) {
      case 'Point':
        return { type, coordinates: position(c) };
      case 'MultiPoint':
        return { type, coordinates: positions(c, 1, 'a multipoint') };
      case 'LineString':
        return { type, coordinates: positions(c, 2, 'a line') };
      case 'MultiLineString':
        return { type, coordinates: list(c, 'a multiline').map((line) => positions(line, 2, 'a line')) };
      case 'Polygon':
        return { type, coordinates: list(c, 'a polygon').map(ring) };
      case 'MultiPolygon':
        return { type, coordinates: list(c, 'a multipolygon').map((polygon) => list(polygon, 'a polygon').map(ring)) };
      default: {
        const parts = list(geometries, 'a geometry collection');
        if (parts.length === 0) throw featureError(index, 'its geometry collection is empty.');
        return { type: 'GeometryCollection', geometries: parts.map(walk) };
      }
    }
  };
  const result = walk(geometry);
  if ((result.type === 'Polygon' || result.type === 'MultiPolygon' || result.type === 'MultiLineString') && result.coordinates.length === 0) {
    throw featureError(index, 'its geometry is empty.');
  }
  return result;
}
