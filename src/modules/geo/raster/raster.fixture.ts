import { writeArrayBuffer } from 'geotiff';
import { transformBetween, MERCATOR_EXTENT } from './crs.js';

/** A plain (strip, uncompressed) GeoTIFF written with geotiff's writer: north-up, `epsg`, origin at the top-left corner. */
export function plainGeoTiff(options: {
  width: number;
  height: number;
  epsg: number;
  originX: number;
  originY: number;
  pixelSize: number;
  /** One array per band, row-major. */
  bands: (Float32Array | Uint8Array)[];
  nodata?: number;
}): Uint8Array {
  const { width, height, bands } = options;
  const floating = bands[0] instanceof Float32Array;
  // geotiff's writer takes pixel-interleaved values for several bands.
  const values = floating ? new Float32Array(width * height * bands.length) : new Uint8Array(width * height * bands.length);
  for (let i = 0; i < width * height; i++) for (let b = 0; b < bands.length; b++) values[i * bands.length + b] = bands[b]![i]!;
  const projected = options.epsg !== 4326;
  const metadata = {
    width,
    height,
    SamplesPerPixel: bands.length,
    BitsPerSample: bands.map(() => (floating ? 32 : 8)),
    SampleFormat: bands.map(() => (floating ? 3 : 1)),
    PhotometricInterpretation: bands.length >= 3 ? 2 : 1,
    ModelPixelScale: [options.pixelSize, options.pixelSize, 0],
    ModelTiepoint: [0, 0, 0, options.originX, options.originY, 0],
    GTModelTypeGeoKey: projected ? 1 : 2,
    GTRasterTypeGeoKey: 1,
    ...(projected ? { ProjectedCSTypeGeoKey: options.epsg } : { GeographicTypeGeoKey: 4326 }),
    ...(options.nodata !== undefined ? { GDAL_NODATA: `${options.nodata}\u0000` } : {}),
  };
  return new Uint8Array(writeArrayBuffer(values as never, metadata));
}

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
