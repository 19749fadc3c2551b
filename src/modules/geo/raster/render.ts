import type { Raster, Level } from './cog.js';
import { transformBetween, tileBounds, type Point } from './crs.js';

/** How a tile is coloured: one band through a colour table scaled 0..vMax, or the image's own RGB. */
export type Style = { kind: 'scalar'; table: Uint8Array; vMax: number } | { kind: 'rgb' };

/** How the source is sampled: bilinear for continuous quantities, nearest for RGB and masks (see docs/geo-raster.md). */
export type Resampling = 'bilinear' | 'nearest';

/** Asked for a zoom the file has no overview for: reading it would mean decoding too much of it. */
export class TooCoarseError extends Error {}

/** The largest window of one level read for one tile (pixels): a 768 px tile needs at most ~1,600². */
const MAX_WINDOW_PIXELS = 4096 * 4096;
/** The reprojection is exact at a grid of knots this many output pixels apart and linear between them. */
const KNOT_SPACING = 16;

const footprints = new WeakMap<Raster, [number, number, number, number]>();

/** The raster's bounding box in Web Mercator, from its densified edges (computed once per opened raster). */
export function mercatorFootprint(raster: Raster): [number, number, number, number] {
  let box = footprints.get(raster);
  if (!box) {
    const toMercator = transformBetween(raster.epsg, 3857);
    box = [Infinity, Infinity, -Infinity, -Infinity];
    const steps = 32;
    for (let i = 0; i <= steps; i++) {
      const t = i / steps;
      for (const [col, row] of [[t * raster.width, 0], [t * raster.width, raster.height], [0, t * raster.height], [raster.width, t * raster.height]] as Point[]) {
        const [mx, my] = toMercator.forward([raster.originX + col * raster.resX, raster.originY + row * raster.resY]);
        box = [Math.min(box[0], mx), Math.min(box[1], my), Math.max(box[2], mx), Math.max(box[3], my)];
      }
    }
    footprints.set(raster, box);
  }
  return box;
}

/** Whether the tile overlaps the raster's footprint at all. */
export function tileTouches(raster: Raster, z: number, x: number, y: number): boolean {
  const [west, south, east, north] = tileBounds(z, x, y);
  const [fw, fs, fe, fn] = mercatorFootprint(raster);
  return west < fe && east > fw && south < fn && north > fs;
}

/** Full-resolution pixel coordinates (col, row; pixel edges at integers) of the tile's knots, row-major. */
function knotGrid(raster: Raster, z: number, x: number, y: number, size: number) {
  const [west, south, east, north] = tileBounds(z, x, y);
  const toRaster = transformBetween(3857, raster.epsg);
  const cells = Math.max(1, Math.ceil(size / KNOT_SPACING));
  const cols = new Float64Array((cells + 1) ** 2);
  const rows = new Float64Array((cells + 1) ** 2);
  for (let j = 0; j <= cells; j++) {
    for (let i = 0; i <= cells; i++) {
      // Knot (i, j) sits at output position (i, j) × size / cells, in pixel-edge units.
      const [sx, sy] = toRaster.forward([west + ((east - west) * i) / cells, north - ((north - south) * j) / cells]);
      cols[j * (cells + 1) + i] = (sx - raster.originX) / raster.resX;
      rows[j * (cells + 1) + i] = (sy - raster.originY) / raster.resY;
    }
  }
  return { cells, cols, rows };
}

/** The coarsest level whose pixels are still no larger than the output's (GDAL's overview choice). */
export function chooseLevel(raster: Raster, sourcePerOutput: number): Level {
  let chosen = raster.levels[0]!;
  for (const level of raster.levels) if (Math.min(level.factorX, level.factorY) <= sourcePerOutput * 1.0001) chosen = level;
  return chosen;
}

/**
 * Renders one XYZ tile of `size` px as RGBA pixels, or null when the tile does not touch the raster.
 * Each output pixel centre is taken to the raster's CRS (exactly at the knots, linearly between),
 * sampled from the chosen level's window, and coloured; nodata, NaN and outside are transparent.
 */
export async function renderTile(raster: Raster, z: number, x: number, y: number, size: number, style: Style, resampling: Resampling): Promise<Uint8Array | null> {
  if (!tileTouches(raster, z, x, y)) return null;
  const { cells, cols, rows } = knotGrid(raster, z, x, y, size);
  let minCol = Infinity, maxCol = -Infinity, minRow = Infinity, maxRow = -Infinity;
  for (let k = 0; k < cols.length; k++) {
    minCol = Math.min(minCol, cols[k]!);
    maxCol = Math.max(maxCol, cols[k]!);
    minRow = Math.min(minRow, rows[k]!);
    maxRow = Math.max(maxRow, rows[k]!);
  }
  if (!(maxCol > 0 && minCol < raster.width && maxRow > 0 && minRow < raster.height)) return null;

  const level = chooseLevel(raster, Math.min(maxCol - minCol, maxRow - minRow) / size);
  const fx = level.factorX;
  const fy = level.factorY;
  const x0 = Math.max(0, Math.floor(Math.max(0, minCol) / fx) - 1);
  const y0 = Math.max(0, Math.floor(Math.max(0, minRow) / fy) - 1);
  const x1 = Math.min(level.width, Math.ceil(Math.min(raster.width, maxCol) / fx) + 1);
  const y1 = Math.min(level.height, Math.ceil(Math.min(raster.height, maxRow) / fy) + 1);
  const ww = x1 - x0;
  const wh = y1 - y0;
  if (ww <= 0 || wh <= 0) return null;
  if (ww * wh > MAX_WINDOW_PIXELS) throw new TooCoarseError('The raster has no overview coarse enough for this zoom level; import it as a Cloud-Optimized GeoTIFF.');

  const samples = style.kind === 'rgb' ? [0, 1, 2, ...(raster.alphaBand !== null ? [raster.alphaBand] : [])] : [0];
  const bands = (await level.image.readRasters({ window: [x0, y0, x1, y1], samples, interleave: false })) as unknown as ArrayLike<number>[];
  const nodata = raster.nodata;
  const valid = (value: number) => value === value && value !== nodata;
  const out = new Uint8Array(size * size * 4);
  const step = size / cells;
  const stride = cells + 1;

  for (let py = 0; py < size; py++) {
    const gy = (py + 0.5) / step;
    const j = Math.min(cells - 1, Math.floor(gy));
    const ty = gy - j;
    for (let px = 0; px < size; px++) {
      const gx = (px + 0.5) / step;
      const i = Math.min(cells - 1, Math.floor(gx));
      const tx = gx - i;
      const k = j * stride + i;
      const col = (cols[k]! * (1 - tx) + cols[k + 1]! * tx) * (1 - ty) + (cols[k + stride]! * (1 - tx) + cols[k + stride + 1]! * tx) * ty;
      const row = (rows[k]! * (1 - tx) + rows[k + 1]! * tx) * (1 - ty) + (rows[k + stride]! * (1 - tx) + rows[k + stride + 1]! * tx) * ty;
      if (col < 0 || row < 0 || col >= raster.width || row >= raster.height) continue;
      const lc = col / fx - x0;
      const lr = row / fy - y0;
      const o = (py * size + px) * 4;
      if (style.kind === 'rgb') {
        const index = Math.min(wh - 1, Math.floor(lr)) * ww + Math.min(ww - 1, Math.floor(lc));
        const r = bands[0]![index]!, g = bands[1]![index]!, b = bands[2]![index]!;
        if (nodata !== null && r === nodata && g === nodata && b === nodata) continue;
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
        out[o + 3] = samples.length === 4 ? bands[3]![index]! : 255;
        continue;
      }
      const data = bands[0]!;
      let value: number;
      if (resampling === 'nearest') {
        value = data[Math.min(wh - 1, Math.floor(lr)) * ww + Math.min(ww - 1, Math.floor(lc))]!;
        if (!valid(value)) continue;
      } else {
        // Where the nearest pixel is nodata the tile is transparent (the mask stays where nearest puts it);
        // elsewhere pixel centres are at +0.5, neighbours past the edge repeat it, nodata neighbours are left out.
        if (!valid(data[Math.min(wh - 1, Math.floor(lr)) * ww + Math.min(ww - 1, Math.floor(lc))]!)) continue;
        const u = Math.min(Math.max(lc - 0.5, 0), ww - 1);
        const v = Math.min(Math.max(lr - 0.5, 0), wh - 1);
        const i0 = Math.floor(u), j0 = Math.floor(v);
        const i1 = Math.min(i0 + 1, ww - 1), j1 = Math.min(j0 + 1, wh - 1);
        const fu = u - i0, fv = v - j0;
        let sum = 0, weight = 0;
        const add = (index: number, w: number) => {
          const sample = data[index]!;
          if (w > 0 && valid(sample)) {
            sum += sample * w;
            weight += w;
          }
        };
        add(j0 * ww + i0, (1 - fu) * (1 - fv));
        add(j0 * ww + i1, fu * (1 - fv));
        add(j1 * ww + i0, (1 - fu) * fv);
        add(j1 * ww + i1, fu * fv);
        if (weight === 0) continue;
        value = sum / weight;
      }
      const entry = Math.floor(Math.min(Math.max(value / style.vMax, 0), 1) * 255) * 3;
      out[o] = style.table[entry]!;
      out[o + 1] = style.table[entry + 1]!;
      out[o + 2] = style.table[entry + 2]!;
      out[o + 3] = 255;
    }
  }
  return out;
}
