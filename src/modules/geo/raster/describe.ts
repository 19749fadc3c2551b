import type { Raster } from './cog.js';
import { transformBetween, type Point } from './crs.js';

/** The largest level read whole to take the percentile from (pixels); a COG's coarsest overview is far smaller. */
const MAX_STATISTICS_PIXELS = 2048 * 2048;

/** The raster's bounding box in WGS 84, [west, south, east, north], from its densified edges. */
export function wgs84Bounds(raster: Raster): [number, number, number, number] {
  const toWgs84 = transformBetween(raster.epsg, 4326);
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const steps = 16;
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    for (const [col, row] of [[t * raster.width, 0], [t * raster.width, raster.height], [0, t * raster.height], [raster.width, t * raster.height]] as Point[]) {
      const [lon, lat] = toWgs84.forward([raster.originX + col * raster.resX, raster.originY + row * raster.resY]);
      box[0] = Math.min(box[0], lon);
      box[1] = Math.min(box[1], lat);
      box[2] = Math.max(box[2], lon);
      box[3] = Math.max(box[3], lat);
    }
  }
  return box.map((v) => Math.round(v * 1e7) / 1e7) as [number, number, number, number];
}

/**
 * The 99th percentile of the first band's valid samples, read from the coarsest level (the default
 * top of the colour scale: a plume's few hottest pixels do not wash out the rest). Null for integer
 * (RGB, mask) rasters, for rasters without any valid sample, and when no level is small enough to read.
 */
export async function percentile99(raster: Raster): Promise<number | null> {
  if (!raster.floating) return null;
  const level = raster.levels[raster.levels.length - 1]!;
  if (level.width * level.height > MAX_STATISTICS_PIXELS) return null;
  const [band] = (await level.image.readRasters({ samples: [0], interleave: false })) as unknown as ArrayLike<number>[];
  const values: number[] = [];
  for (let i = 0; i < band!.length; i++) {
    const value = band![i]!;
    if (Number.isFinite(value) && value !== raster.nodata) values.push(value);
  }
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.floor(0.99 * (sorted.length - 1))]!;
}
