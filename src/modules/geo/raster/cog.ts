import { GeoTIFF, type GeoTIFFImage } from 'geotiff';
import { isSupportedEpsg } from './crs.js';

/** Reads byte ranges of one file: the blob store's range reads, or a buffer in memory. */
export type RangeReader = (offset: number, length: number) => Promise<Uint8Array>;

/** One resolution level of a raster: the full image (factor 1) or one of its overviews. */
export interface Level {
  image: GeoTIFFImage;
  width: number;
  height: number;
  /** Full-resolution pixels per pixel of this level, along x and y. */
  factorX: number;
  factorY: number;
}

/** What rendering needs to know of a raster, read once from its header. */
export interface Raster {
  epsg: number;
  width: number;
  height: number;
  bands: number;
  /** Floating-point samples (concentrations) rather than integers (RGB, masks). */
  floating: boolean;
  nodata: number | null;
  /** The alpha band, 0-based, when the file has one (an RGBA image). */
  alphaBand: number | null;
  /** Full-resolution geotransform: x = originX + col × resX, y = originY + row × resY (resY < 0 for north-up). */
  originX: number;
  originY: number;
  resX: number;
  resY: number;
  /** Full resolution first, then the overviews from finest to coarsest. */
  levels: Level[];
  /** Whether the file is tiled (a COG) rather than a plain strip GeoTIFF. */
  tiled: boolean;
}

/** Why a file cannot be served as a raster layer: said to the uploader as it is. */
export class RasterFormatError extends Error {}

const MASK = 4;

function geotiffSource(read: RangeReader, size: number) {
  return {
    fileSize: size,
    async fetch(slices: { offset: number; length: number }[]) {
      return Promise.all(
        slices.map(async (slice) => {
          const length = Math.max(0, Math.min(slice.length, size - slice.offset));
          const bytes = length > 0 ? await read(slice.offset, length) : new Uint8Array(0);
          // geotiff reads headers past the end of small files: what is not there is zeros.
          const out = new Uint8Array(slice.length);
          out.set(bytes.subarray(0, slice.length));
          return out.buffer;
        }),
      );
    },
    async fetchSlice(slice: { offset: number; length: number }) {
      const [data] = await this.fetch([slice]);
      return { ...slice, data: data! };
    },
    async close() {},
  };
}

/** The EPSG code of a GeoTIFF's coordinate system, from its GeoKeys (projected first, then geographic). */
function epsgOf(image: GeoTIFFImage): number | undefined {
  const keys = image.getGeoKeys();
  const projected = keys?.ProjectedCSTypeGeoKey as number | undefined;
  if (projected && projected !== 32767) return projected;
  const geographic = keys?.GeographicTypeGeoKey as number | undefined;
  if (geographic && geographic !== 32767) return geographic;
  return undefined;
}

/** Opens a GeoTIFF through range reads and describes it; refuses what this server cannot render. */
export async function openRaster(read: RangeReader, size: number): Promise<Raster> {
  let tiff: GeoTIFF;
  let count: number;
  try {
    tiff = await GeoTIFF.fromSource(geotiffSource(read, size) as never);
    count = await tiff.getImageCount();
  } catch {
    throw new RasterFormatError('The file is not a readable TIFF.');
  }
  const images: GeoTIFFImage[] = [];
  for (let i = 0; i < count; i++) {
    const image = await tiff.getImage(i);
    const subfile = (image.fileDirectory.getValue('NewSubfileType') as number | undefined) ?? 0;
    if ((subfile & MASK) === 0) images.push(image);
  }
  const full = images[0];
  if (!full) throw new RasterFormatError('The TIFF holds no image.');
  let origin: number[];
  let resolution: number[];
  try {
    origin = full.getOrigin();
    resolution = full.getResolution();
  } catch {
    throw new RasterFormatError('The TIFF is not georeferenced (no tie point and pixel scale or transformation).');
  }
  const transformation = full.fileDirectory.getValue('ModelTransformation') as number[] | undefined;
  if (transformation && (transformation[1] !== 0 || transformation[4] !== 0)) throw new RasterFormatError('Rotated or sheared rasters are not supported.');
  const epsg = epsgOf(full);
  if (epsg === undefined) throw new RasterFormatError('The GeoTIFF names no EPSG coordinate system.');
  if (!isSupportedEpsg(epsg)) throw new RasterFormatError(`EPSG:${epsg} is not supported: use WGS 84 (4326), Web Mercator (3857) or a UTM zone (326xx, 327xx, 269xx, 258xx).`);
  const width = full.getWidth();
  const height = full.getHeight();
  const bands = full.getSamplesPerPixel();
  const format = full.getSampleFormat(0);
  const extra = full.fileDirectory.getValue('ExtraSamples') as number[] | number | undefined;
  const hasAlpha = bands >= 4 && extra !== undefined && [1, 2].includes(Array.isArray(extra) ? extra[extra.length - 1]! : extra);
  const levels = images
    .map((image) => ({ image, width: image.getWidth(), height: image.getHeight(), factorX: width / image.getWidth(), factorY: height / image.getHeight() }))
    .filter((level) => level.factorX >= 1 && level.factorY >= 1)
    .sort((a, b) => a.factorX - b.factorX);
  return {
    epsg,
    width,
    height,
    bands,
    floating: format === 3,
    nodata: full.getGDALNoData(),
    alphaBand: hasAlpha ? bands - 1 : null,
    originX: origin[0]!,
    originY: origin[1]!,
    resX: resolution[0]!,
    resY: resolution[1]!,
    levels,
    tiled: full.isTiled,
  };
}

/** A raster read from a buffer in memory (imports validate what they were sent before storing it). */
export function openRasterBuffer(data: Uint8Array) {
  return openRaster(async (offset, length) => data.subarray(offset, offset + length), data.length);
}
