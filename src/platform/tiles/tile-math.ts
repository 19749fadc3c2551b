import { BadRequestError } from '../errors.js';

/** One tile of the Web Mercator (EPSG:3857) XYZ pyramid: x from the antimeridian eastwards, y from the north. */
export interface Tile {
  z: number;
  x: number;
  y: number;
}

/** Mapbox Vector Tile 2.1 grid: 4096 units a side, 64 units of buffer around it (as ST_AsMVTGeom's defaults). */
export const EXTENT = 4096;
export const BUFFER = 64;
export const MIN_ZOOM = 0;
export const MAX_ZOOM = 22;

/** Half the width of the Web Mercator world, metres (the bounds of ST_TileEnvelope). */
export const WORLD = 20037508.342789244;
const EARTH_RADIUS = 6378137;
/** The latitude where Web Mercator ends, degrees. */
export const MAX_LATITUDE = 85.0511287798066;

/** A tile that exists: z within MIN_ZOOM..MAX_ZOOM and x, y within 0..2^z-1, else 400. */
export function checkedTile(z: number, x: number, y: number): Tile {
  if (z < MIN_ZOOM || z > MAX_ZOOM) throw new BadRequestError(`Zoom ${z} is not served: tiles exist from zoom ${MIN_ZOOM} to ${MAX_ZOOM}.`);
  const size = 2 ** z;
  if (x >= size || y >= size) throw new BadRequestError(`Tile ${z}/${x}/${y} does not exist: at zoom ${z}, x and y go from 0 to ${size - 1}.`);
  return { z, x, y };
}

/** [xmin, ymin, xmax, ymax] of the tile in EPSG:3857 metres, as ST_TileEnvelope computes it. */
export function tileBounds3857(tile: Tile): [number, number, number, number] {
  const size = (2 * WORLD) / 2 ** tile.z;
  return [-WORLD + size * tile.x, WORLD - size * (tile.y + 1), -WORLD + size * (tile.x + 1), WORLD - size * tile.y];
}

const toLongitude = (x: number) => (x / EARTH_RADIUS) * (180 / Math.PI);
const toLatitude = (y: number) => (2 * Math.atan(Math.exp(y / EARTH_RADIUS)) - Math.PI / 2) * (180 / Math.PI);

/**
 * [west, south, east, north] in degrees covering the tile and its buffer (plus one pixel, so that
 * nothing the encoder would keep is left out): the box an index scan selects candidates with.
 * Latitudes stop where Web Mercator does; longitudes do not wrap, so a tile at the antimeridian
 * never holds features from the other side of it (its buffer shows nothing beyond ±180°).
 */
export function searchBox4326(tile: Tile): [number, number, number, number] {
  const [xmin, ymin, xmax, ymax] = tileBounds3857(tile);
  const margin = ((xmax - xmin) * (BUFFER + 1)) / EXTENT;
  const clampY = (y: number) => Math.max(-WORLD, Math.min(WORLD, y));
  return [toLongitude(xmin - margin), toLatitude(clampY(ymin - margin)), toLongitude(xmax + margin), toLatitude(clampY(ymax + margin))];
}

/** Half a pixel of the tile's grid in metres: the tolerance lines and polygons are simplified with. */
export function halfPixelMetres(tile: Tile): number {
  return (2 * WORLD) / 2 ** tile.z / EXTENT / 2;
}
