import { ValidationError } from '../../platform/errors.js';

/** Query parameters shared by the plume and scene filters, checked and parsed. */

/** `{"type":"Point","coordinates":[lon,lat]}`, or the page's example form `coordinates=<lon>,<lat>`. */
export function pointParam(text: string): [number, number] {
  let coordinates: unknown;
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const geometry = JSON.parse(trimmed) as { type?: unknown; coordinates?: unknown };
      if (geometry.type !== 'Point') throw new Error();
      coordinates = geometry.coordinates;
    } catch {
      throw ValidationError.field('query', ['intersects'], 'Must be a GeoJSON Point');
    }
  } else {
    coordinates = trimmed.replace(/^coordinates=/, '').split(/[&]/)[0]!.split(',').map(Number);
  }
  const [lon, lat] = Array.isArray(coordinates) ? (coordinates as number[]) : [];
  if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
    throw ValidationError.field('query', ['intersects'], 'Must be a GeoJSON Point with a longitude and a latitude');
  }
  return [lon, lat];
}

/** `bbox` as four repeated keys: west, south, east, north, in degrees. */
export function bboxParam(values: number[] | undefined): [number, number, number, number] | undefined {
  if (!values) return undefined;
  const [west, south, east, north] = values as [number, number, number, number];
  if (west > east || south > north || Math.abs(west) > 180 || Math.abs(east) > 180 || Math.abs(south) > 90 || Math.abs(north) > 90) {
    throw ValidationError.field('query', ['bbox'], 'Must be west, south, east, north in degrees, west ≤ east and south ≤ north');
  }
  return [west, south, east, north];
}

/** The parsed filter without the parameters that were not given. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
