export { writeGeoTiff as plainGeoTiff } from './geotiff-writer.js';
import { transformBetween, MERCATOR_EXTENT } from './crs.js';

/** The XYZ tile holding a WGS 84 point at zoom z. */
export function tileOf(lon: number, lat: number, z: number) {
  const [mx, my] = transformBetween(4326, 3857).forward([lon, lat]);
  const size = (2 * MERCATOR_EXTENT) / 2 ** z;
  return { z, x: Math.floor((mx + MERCATOR_EXTENT) / size), y: Math.floor((MERCATOR_EXTENT - my) / size) };
}

/** Where a point of the raster's CRS falls in a tile of `size` px, in pixel units (pixel edges at integers). */
export function pixelInTile(epsg: number, point: [number, number], tile: { z: number; x: number; y: number }, size: number): [number, number] {
  const [mx, my] = transformBetween(epsg, 3857).forward(point);
  const span = (2 * MERCATOR_EXTENT) / 2 ** tile.z;
  return [((mx + MERCATOR_EXTENT) / span - tile.x) * size, ((MERCATOR_EXTENT - my) / span - tile.y) * size];
}
