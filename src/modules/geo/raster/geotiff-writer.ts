import { writeArrayBuffer } from 'geotiff';

/** Pixels of a north-up raster in `epsg`, its origin at the top-left corner. */
export interface GeoTiffPixels {
  width: number;
  height: number;
  epsg: number;
  originX: number;
  originY: number;
  pixelSize: number;
  /** One array per band, row-major. */
  bands: (Float32Array | Uint8Array)[];
  nodata?: number;
}

/** A plain (strip, uncompressed) GeoTIFF written with geotiff's writer (the reader handles it; imports make it a COG). */
export function writeGeoTiff(options: GeoTiffPixels): Uint8Array {
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
