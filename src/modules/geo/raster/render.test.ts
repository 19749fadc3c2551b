import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRasterBuffer, RasterFormatError, type Raster } from './cog.js';
import { colormapTables } from './colormaps.js';
import { transformBetween } from './crs.js';
import { percentile99, wgs84Bounds } from './describe.js';
import { pixelInTile, plainGeoTiff, tileOf } from './raster.fixture.js';
import { chooseLevel, renderTile } from './render.js';

/*
 * A 200 × 100 px raster of 10 m pixels in UTM zone 11N: 250 on its left half, 1000 on its right
 * half but for a 20 × 20 px nodata (-9999) square at columns 140–159, rows 40–59. Placed in the
 * middle of one zoom-12 tile, so that the whole raster is drawn in that tile.
 */
const W = 200;
const H = 100;
const EPSG = 32611;
const tile = tileOf(-119.2, 35.4, 12);
const [tileCenterX, tileCenterY] = (() => {
  const size = (2 * 20037508.342789244) / 2 ** tile.z;
  return transformBetween(3857, EPSG).forward([-20037508.342789244 + (tile.x + 0.5) * size, 20037508.342789244 - (tile.y + 0.5) * size]);
})();
const originX = Math.round(tileCenterX / 10) * 10 - 1000;
const originY = Math.round(tileCenterY / 10) * 10 + 500;
const valueAt = (col: number, row: number) => (col < 100 ? 250 : row >= 40 && row < 60 && col >= 140 && col < 160 ? -9999 : 1000);
const band = new Float32Array(W * H);
for (let row = 0; row < H; row++) for (let col = 0; col < W; col++) band[row * W + col] = valueAt(col, row);
const plain = plainGeoTiff({ width: W, height: H, epsg: EPSG, originX, originY, pixelSize: 10, bands: [band], nodata: -9999 });

/** The output pixel (x, y) where the raster's (col, row) falls. */
const at = (col: number, row: number, size: number): [number, number] => {
  const [x, y] = pixelInTile(EPSG, [originX + col * 10, originY - row * 10], tile, size);
  return [Math.floor(x), Math.floor(y)];
};
const rgba = (pixels: Uint8Array, size: number, [x, y]: [number, number]) => Array.from(pixels.subarray((y * size + x) * 4, (y * size + x) * 4 + 4));
const viridis = (index: number) => [...colormapTables.viridis.subarray(index * 3, index * 3 + 3), 255];

const work = mkdtempSync(path.join(os.tmpdir(), 'raster-render-'));
let gdal = true;
try {
  execFileSync('gdal_translate', ['--version']);
} catch {
  gdal = false;
}

describe('raster tile rendering', () => {
  let raster: Raster;
  beforeAll(async () => {
    raster = await openRasterBuffer(plain);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('reads the CRS, size, geotransform and nodata of a GeoTIFF', () => {
    expect(raster).toMatchObject({ epsg: EPSG, width: W, height: H, bands: 1, floating: true, nodata: -9999, originX, originY, resX: 10, resY: -10 });
    const [west, south, east, north] = wgs84Bounds(raster);
    expect(west).toBeLessThan(-119.19);
    expect(east).toBeGreaterThan(west + 0.02);
    expect(north).toBeGreaterThan(south + 0.008);
  });

  it('takes the 99th percentile of the valid samples as the default top of the scale', async () => {
    expect(await percentile99(raster)).toBe(1000);
  });

  it('colours known pixels with the colormap scaled to v_max, and leaves nodata and the outside transparent', async () => {
    const pixels = (await renderTile(raster, tile.z, tile.x, tile.y, 256, { kind: 'scalar', table: colormapTables.viridis, vMax: 500 }, 'bilinear'))!;
    expect(pixels).toHaveLength(256 * 256 * 4);
    // 250 / 500 → entry floor(0.5 × 255) = 127; 1000 is above v_max → the last entry.
    expect(rgba(pixels, 256, at(30, 50, 256))).toEqual(viridis(127));
    expect(rgba(pixels, 256, at(60, 20, 256))).toEqual(viridis(127));
    expect(rgba(pixels, 256, at(185, 80, 256))).toEqual(viridis(255));
    expect(viridis(127)).toEqual([32, 143, 140, 255]); // matplotlib: (0.128729, 0.563265, 0.551229) × 255, truncated
    expect(viridis(255)).toEqual([253, 231, 36, 255]);
    expect(rgba(pixels, 256, at(150, 50, 256))).toEqual([0, 0, 0, 0]);
    expect(rgba(pixels, 256, [2, 2])).toEqual([0, 0, 0, 0]);
  });

  it('puts the raster’s four corners where Web Mercator says, to within a pixel, at 2× too', async () => {
    for (const size of [256, 512]) {
      const pixels = (await renderTile(raster, tile.z, tile.x, tile.y, size, { kind: 'scalar', table: colormapTables.gray, vMax: 1000 }, 'nearest'))!;
      for (const [col, row] of [[0, 0], [W, 0], [0, H], [W, H]] as const) {
        const [x, y] = pixelInTile(EPSG, [originX + col * 10, originY - row * 10], tile, size);
        const inward = [col === 0 ? 1 : -1, row === 0 ? 1 : -1];
        const inside: [number, number] = [Math.floor(x + inward[0]! * 1.2), Math.floor(y + inward[1]! * 1.2)];
        const outside: [number, number] = [Math.floor(x - inward[0]! * 1.2), Math.floor(y - inward[1]! * 1.2)];
        expect(rgba(pixels, size, inside)[3], `corner ${col},${row} inside at ${size}px`).toBe(255);
        expect(rgba(pixels, size, outside)[3], `corner ${col},${row} outside at ${size}px`).toBe(0);
      }
    }
  });

  it('answers null for a tile that does not touch the raster', async () => {
    expect(await renderTile(raster, tile.z, tile.x + 1, tile.y, 256, { kind: 'scalar', table: colormapTables.gray, vMax: 1 }, 'bilinear')).toBeNull();
    expect(await renderTile(raster, 3, 0, 0, 256, { kind: 'scalar', table: colormapTables.gray, vMax: 1 }, 'bilinear')).toBeNull();
  });

  it('draws an RGB image with its own colours, nodata transparent', async () => {
    const red = new Uint8Array(W * H).fill(200);
    const green = new Uint8Array(W * H).fill(120);
    const blue = new Uint8Array(W * H).fill(40);
    for (let row = 0; row < 10; row++) for (let col = 0; col < W; col++) red[row * W + col] = green[row * W + col] = blue[row * W + col] = 0;
    const image = await openRasterBuffer(plainGeoTiff({ width: W, height: H, epsg: EPSG, originX, originY, pixelSize: 10, bands: [red, green, blue], nodata: 0 }));
    const pixels = (await renderTile(image, tile.z, tile.x, tile.y, 256, { kind: 'rgb' }, 'nearest'))!;
    expect(rgba(pixels, 256, at(100, 50, 256))).toEqual([200, 120, 40, 255]);
    expect(rgba(pixels, 256, at(100, 3, 256))).toEqual([0, 0, 0, 0]);
  });

  it('refuses a file that is not a TIFF, and a TIFF without a supported CRS', async () => {
    await expect(openRasterBuffer(new TextEncoder().encode('not a tiff at all'))).rejects.toThrow(RasterFormatError);
    const geographicOdd = plainGeoTiff({ width: 4, height: 4, epsg: 2154, originX: 0, originY: 0, pixelSize: 1, bands: [new Float32Array(16)] });
    await expect(openRasterBuffer(geographicOdd)).rejects.toThrow(/EPSG:2154 is not supported/);
  });

  it.runIf(gdal)('reads a COG from the overview that fits the zoom, with the same colours', async () => {
    // 2000 × 1000 px of 10 m: overviews 2×, 4×, 8×; at zoom 10 an output pixel covers ~12 source pixels.
    const big = new Float32Array(2000 * 1000).fill(250);
    writeFileSync(path.join(work, 'big.tif'), plainGeoTiff({ width: 2000, height: 1000, epsg: EPSG, originX, originY, pixelSize: 10, bands: [big], nodata: -9999 }));
    execFileSync('gdal_translate', ['-q', '-of', 'COG', '-co', 'BLOCKSIZE=256', '-co', 'COMPRESS=DEFLATE', path.join(work, 'big.tif'), path.join(work, 'cog.tif')]);
    const cog = await openRasterBuffer(new Uint8Array(readFileSync(path.join(work, 'cog.tif'))));
    expect(cog.tiled).toBe(true);
    expect(cog.levels.map((level) => level.factorX)).toEqual([1, 2, 4, 8]);
    expect(chooseLevel(cog, 12).factorX).toBe(8);
    expect(chooseLevel(cog, 3).factorX).toBe(2);
    expect(chooseLevel(cog, 0.5).factorX).toBe(1);
    const [lon, lat] = transformBetween(EPSG, 4326).forward([originX + 10_000, originY - 5_000]);
    const low = tileOf(lon, lat, 10);
    const pixels = (await renderTile(cog, low.z, low.x, low.y, 256, { kind: 'scalar', table: colormapTables.viridis, vMax: 500 }, 'bilinear'))!;
    const [x, y] = pixelInTile(EPSG, [originX + 10_000, originY - 5_000], low, 256);
    expect(rgba(pixels, 256, [Math.floor(x), Math.floor(y)])).toEqual(viridis(127));
  });
});
