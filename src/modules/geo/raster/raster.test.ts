import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../../test/support/test-app.js';
import { localBlobStore } from '../../../platform/storage/blob-store.js';
import { openRasterBuffer } from './cog.js';
import { colormapTables, type ColormapName } from './colormaps.js';
import { transformBetween } from './crs.js';
import { pixelInTile, plainGeoTiff, tileOf } from './raster.fixture.js';

/*
 * The hand-made raster: 200 × 100 px of 10 m in UTM zone 11N, 250 on the left half, 1000 on the
 * right half but for a nodata square (columns 140–159, rows 40–59). Its 99th percentile is 1000.
 */
const W = 200;
const H = 100;
const EPSG = 32611;
const tile = tileOf(-119.2, 35.4, 12);
const [cx, cy] = (() => {
  const size = (2 * 20037508.342789244) / 2 ** tile.z;
  return transformBetween(3857, EPSG).forward([-20037508.342789244 + (tile.x + 0.5) * size, 20037508.342789244 - (tile.y + 0.5) * size]);
})();
const originX = Math.round(cx / 10) * 10 - 1000;
const originY = Math.round(cy / 10) * 10 + 500;
const concentration = (scaleBy = 1) => {
  const band = new Float32Array(W * H);
  for (let row = 0; row < H; row++) {
    for (let col = 0; col < W; col++) band[row * W + col] = col < 100 ? 250 * scaleBy : row >= 40 && row < 60 && col >= 140 && col < 160 ? -9999 : 1000 * scaleBy;
  }
  return plainGeoTiff({ width: W, height: H, epsg: EPSG, originX, originY, pixelSize: 10, bands: [band], nodata: -9999 });
};

const tileUrl = (base: string, suffix = '.png', t = tile) => `${base}/${t.z}/${t.x}/${t.y}${suffix}`;
const at = (col: number, row: number, size = 256): [number, number] => {
  const [x, y] = pixelInTile(EPSG, [originX + col * 10, originY - row * 10], tile, size);
  return [Math.floor(x), Math.floor(y)];
};
const colour = (name: ColormapName, index: number) => [...colormapTables[name].subarray(index * 3, index * 3 + 3), 255];

async function decode(body: Buffer) {
  const { data, info } = await sharp(body).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { info, rgba: ([x, y]: [number, number]) => Array.from(data.subarray((y * info.width + x) * 4, (y * info.width + x) * 4 + 4)), alphas: () => data.filter((_, i) => i % 4 === 3) };
}

const gdal = (() => {
  try {
    execFileSync('gdal_translate', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

let ctx: TestContext;
let acme: TestOrganization;
let other: TestOrganization;
let acmeKey: string;
let otherKey: string;
let publicScene: string;
let privateScene: string;
const publishedAsset = () => `${acme.id}/plumes/published.tif`;
const hiddenAsset = () => `${acme.id}/plumes/hidden.tif`;

async function insertScene(name: string, status: string, organizationId: string) {
  const [row] = await ctx.db.query<{ id: string }>(sql`
    INSERT INTO scenes (name, instrument, "timestamp", status, organization_id, footprint)
    VALUES (${name}, 'GAO', now(), ${status}, ${organizationId}::uuid, ST_MakeEnvelope(-119.3, 35.3, -119.1, 35.5, 4326)) RETURNING id`);
  return row!.id;
}

async function insertPlume(plumeId: string, sceneId: string, status: string, key: string) {
  await ctx.db.query(sql`
    INSERT INTO plumes (plume_id, scene_id, scene_name, instrument, "datetime", organization_id, gas, geometry, status, plume_tif)
    VALUES (${plumeId}, ${sceneId}::uuid, ${plumeId.split('-')[0]!}, 'GAO', now(), ${acme.id}::uuid, 'CH4', ST_SetSRID(ST_MakePoint(-119.2, 35.4), 4326), ${status}, ${key})`);
  await ctx.db.query(sql`INSERT INTO plume_assets (key, organization_id) VALUES (${key}, ${acme.id}::uuid)`);
}

const upload = (sceneId: string, product: string, body: Uint8Array | string, key: string | null = acmeKey) =>
  ctx.request({ method: 'PUT', url: `/api/v1/layers/scene/${sceneId}/${product}`, ...(key ? { key } : {}), payload: Buffer.from(body), headers: { 'content-type': 'image/tiff' } });

beforeAll(async () => {
  ctx = await createTestContext();
  acme = await ctx.organization('Raster Acme', 'enterprise');
  other = await ctx.organization('Raster Other', 'enterprise');
  acmeKey = await acme.key();
  otherKey = await other.key();
  publicScene = await insertScene('GAO20240101t101010p0001', 'published', acme.id);
  privateScene = await insertScene('GAO20240101t101010p0002', 'valid', acme.id);
  expect((await upload(publicScene, 'ch4', concentration())).statusCode).toBe(201);
  expect((await upload(privateScene, 'ch4', concentration())).statusCode).toBe(201);
  await insertPlume('GAO20240101t101010p0001-A', publicScene, 'published', publishedAsset());
  await insertPlume('GAO20240101t101010p0001-B', publicScene, 'valid', hiddenAsset());
  const store = localBlobStore(path.join(ctx.config.dataDir, 'assets'));
  await store.put(publishedAsset(), concentration());
  await store.put(hiddenAsset(), concentration());
});
afterAll(() => ctx?.close());

describe('scene product upload', () => {
  it('stores a small GeoTIFF as it is, under its sha256, and describes it', async () => {
    const response = await upload(publicScene, 'ch4', concentration());
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({ scene_id: publicScene, product: 'ch4', epsg: EPSG, width: W, height: H, bands: 1, v_max_default: 1000, converted: false });
    expect(body.key).toBe(`${acme.id}/rasters/scenes/${publicScene}/ch4-${body.sha256.slice(0, 16)}.tif`);
    expect(body.bounds[0]).toBeCloseTo(-119.21, 1);
  });

  it.runIf(gdal)('converts a larger plain GeoTIFF to a tiled COG with overviews', async () => {
    const band = new Float32Array(800 * 400).fill(300);
    const response = await upload(privateScene, 'co2', plainGeoTiff({ width: 800, height: 400, epsg: EPSG, originX, originY, pixelSize: 2, bands: [band], nodata: -9999 }));
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ product: 'co2', converted: true, width: 800, height: 400, v_max_default: 300 });
    const stored = await openRasterBuffer(new Uint8Array(await readFile(path.join(ctx.config.dataDir, 'assets', response.json().key))));
    expect(stored.tiled).toBe(true);
    expect(stored.levels.map((level) => level.factorX)).toEqual([1, 2, 4]);
  });

  it('refuses a file that is not a TIFF, the wrong bands for the product, and an empty body, saying why', async () => {
    const notTiff = await upload(publicScene, 'ch4', 'name,value\nx,1\n');
    expect(notTiff.statusCode).toBe(422);
    expect(notTiff.json().detail ?? notTiff.body).toMatch(/not a readable TIFF/);
    const corrupt = await upload(publicScene, 'ch4', concentration().subarray(0, 300));
    expect(corrupt.statusCode).toBe(422);
    const rgb = await upload(publicScene, 'rgb', concentration());
    expect(rgb.statusCode).toBe(422);
    expect(rgb.body).toMatch(/three 8-bit bands/);
    expect((await upload(publicScene, 'ch4', '')).statusCode).toBe(422);
    expect((await upload(publicScene, 'n2o', concentration())).statusCode).toBe(422);
  });

  it('is the scene owner’s alone', async () => {
    expect((await upload(publicScene, 'ch4', concentration(), null)).statusCode).toBe(401);
    expect((await upload(publicScene, 'ch4', concentration(), otherKey)).statusCode).toBe(403);
    expect((await upload(privateScene, 'ch4', concentration(), otherKey)).statusCode).toBe(404);
    expect((await upload(publicScene, 'ch4', concentration(), await acme.key(['catalog:read']))).statusCode).toBe(403);
  });
});

describe('scene tiles', () => {
  const base = () => `/api/v1/layers/scene/${publicScene}/ch4`;

  it('colours known pixels with magma up to the stored 99th percentile, nodata transparent', async () => {
    const response = await ctx.request({ method: 'GET', url: tileUrl(base()) });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    const png = await decode(response.rawPayload);
    expect(png.info).toMatchObject({ width: 256, height: 256 });
    // 250 / 1000 → entry floor(0.25 × 255) = 63; 1000 → entry 255.
    expect(png.rgba(at(40, 50))).toEqual(colour('magma', 63));
    expect(png.rgba(at(185, 80))).toEqual(colour('magma', 255));
    expect(png.rgba(at(150, 50))).toEqual([0, 0, 0, 0]);
    expect(png.rgba([1, 1])).toEqual([0, 0, 0, 0]);
  });

  it('takes colormap and v_max from the query', async () => {
    const png = await decode((await ctx.request({ method: 'GET', url: `${tileUrl(base())}?colormap=viridis_r&v_max=500` })).rawPayload);
    expect(png.rgba(at(40, 50))).toEqual(colour('viridis_r', 127));
    expect(png.rgba(at(185, 80))).toEqual(colour('viridis', 0));
  });

  it('scales @2x and @3x to 512 and 768 px, and refuses other scales with 400', async () => {
    for (const [scale, size] of [[1, 256], [2, 512], [3, 768]]) {
      const response = await ctx.request({ method: 'GET', url: tileUrl(base(), `@${scale}x.png`) });
      expect(response.statusCode).toBe(200);
      const png = await decode(response.rawPayload);
      expect(png.info.width).toBe(size);
      expect(png.rgba(at(40, 50, size))).toEqual(colour('magma', 63));
    }
    expect((await ctx.request({ method: 'GET', url: tileUrl(base(), '@4x.png') })).statusCode).toBe(400);
    expect((await ctx.request({ method: 'GET', url: tileUrl(base(), '@0x.png') })).statusCode).toBe(400);
  });

  it('answers a tile outside the raster with a transparent PNG', async () => {
    const response = await ctx.request({ method: 'GET', url: tileUrl(base(), '.png', { ...tile, x: tile.x + 3 }) });
    expect(response.statusCode).toBe(200);
    const png = await decode(response.rawPayload);
    expect(png.info.width).toBe(256);
    expect(png.alphas().every((alpha) => alpha === 0)).toBe(true);
  });

  it('refuses invalid tiles and styles with 422, and a product the scene lacks with 404', async () => {
    expect((await ctx.request({ method: 'GET', url: `${base()}/25/0/0.png` })).statusCode).toBe(422);
    expect((await ctx.request({ method: 'GET', url: `${base()}/3/8/0.png` })).statusCode).toBe(422);
    expect((await ctx.request({ method: 'GET', url: `${tileUrl(base())}?colormap=jet` })).statusCode).toBe(422);
    expect((await ctx.request({ method: 'GET', url: `${tileUrl(base())}?v_max=-1` })).statusCode).toBe(422);
    expect((await ctx.request({ method: 'GET', url: tileUrl(`/api/v1/layers/scene/${publicScene}/co2`) })).statusCode).toBe(404);
  });

  it('shows a private scene to its owner only: 404 for others and anonymous callers, privately cached', async () => {
    const url = tileUrl(`/api/v1/layers/scene/${privateScene}/ch4`);
    expect((await ctx.request({ method: 'GET', url })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'GET', url, key: otherKey })).statusCode).toBe(404);
    const own = await ctx.request({ method: 'GET', url, key: acmeKey });
    expect(own.statusCode).toBe(200);
    expect(own.headers['cache-control']).toBe('private, max-age=300');
    const published = await ctx.request({ method: 'GET', url: tileUrl(base()), key: otherKey });
    expect(published.statusCode).toBe(200);
    expect(published.headers['cache-control']).toBe('public, max-age=300');
    expect((await ctx.request({ method: 'GET', url: tileUrl('/api/v1/layers/scene/not-a-scene/ch4') })).statusCode).toBe(404);
  });

  it('answers 304 to its ETag, and a re-upload changes the ETag and the tile', async () => {
    const url = tileUrl(base());
    const first = await ctx.request({ method: 'GET', url });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]{32}"$/);
    const again = await ctx.request({ method: 'GET', url, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload).toHaveLength(0);
    // The same values doubled: the 99th percentile doubles too, so the colours stay; v_max fixed shows the change.
    expect((await upload(publicScene, 'ch4', concentration(2))).statusCode).toBe(201);
    const changed = await ctx.request({ method: 'GET', url: `${url}?v_max=1000`, headers: { 'if-none-match': etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect((await decode(changed.rawPayload)).rgba(at(40, 50))).toEqual(colour('magma', 127));
    expect((await ctx.request({ method: 'GET', url, headers: { 'if-none-match': etag } })).statusCode).toBe(200);
    await upload(publicScene, 'ch4', concentration());
  });
});

describe('tile budget', () => {
  it('spends the tiles budget (per address and per credential), not the anonymous or tier one, and skips the compression hook', async () => {
    const anonymous = await ctx.request({ method: 'GET', url: tileUrl(`/api/v1/layers/scene/${publicScene}/ch4`), headers: { 'accept-encoding': 'gzip, br' } });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.headers['x-ratelimit-limit']).toBe(String(ctx.config.RATE_LIMIT_TILES));
    expect(anonymous.headers['content-encoding']).toBeUndefined();
    const keyed = await ctx.request({ method: 'GET', url: tileUrl(`/api/v1/layers/asset/${encodeURIComponent(publishedAsset())}`), key: otherKey });
    expect(keyed.statusCode).toBe(200);
    expect(keyed.headers['x-ratelimit-limit']).toBe(String(ctx.config.RATE_LIMIT_TILES));
  });
});

describe('asset tiles', () => {
  const assetUrl = (key: string, suffix = '.png') => tileUrl(`/api/v1/layers/asset/${encodeURIComponent(key)}`, suffix);

  it('draws a plume GeoTIFF in gray by default and in the colormap asked for', async () => {
    const gray = await ctx.request({ method: 'GET', url: assetUrl(publishedAsset()), key: otherKey });
    expect(gray.statusCode, gray.body).toBe(200);
    expect((await decode(gray.rawPayload)).rgba(at(40, 50))).toEqual(colour('gray', 63));
    const turbo = await ctx.request({ method: 'GET', url: `${assetUrl(publishedAsset(), '@2x.png')}?colormap=turbo&v_max=250`, key: otherKey });
    const png = await decode(turbo.rawPayload);
    expect(png.info.width).toBe(512);
    expect(png.rgba(at(40, 50, 512))).toEqual(colour('turbo', 255));
    const scaled = await ctx.request({ method: 'GET', url: `${assetUrl(publishedAsset())}?scale=3&colormap=magma_r`, key: otherKey });
    expect((await decode(scaled.rawPayload)).info.width).toBe(768);
    expect((await ctx.request({ method: 'GET', url: `${assetUrl(publishedAsset())}?scale=5`, key: otherKey })).statusCode).toBe(400);
  });

  it('needs a key with catalog:read, and shows an unpublished plume’s asset to its owner only', async () => {
    expect((await ctx.request({ method: 'GET', url: assetUrl(publishedAsset()) })).statusCode).toBe(401);
    expect((await ctx.request({ method: 'GET', url: assetUrl(publishedAsset()), key: await other.key(['geo:read']) })).statusCode).toBe(403);
    expect((await ctx.request({ method: 'GET', url: assetUrl(hiddenAsset()), key: otherKey })).statusCode).toBe(404);
    const own = await ctx.request({ method: 'GET', url: assetUrl(hiddenAsset()), key: acmeKey });
    expect(own.statusCode).toBe(200);
    expect(own.headers['cache-control']).toBe('private, max-age=300');
    expect((await ctx.request({ method: 'GET', url: assetUrl(`${acme.id}/plumes/none.tif`), key: acmeKey })).statusCode).toBe(404);
  });

  it('describes a rewritten asset again: the ETag follows the file', async () => {
    const first = await ctx.request({ method: 'GET', url: assetUrl(publishedAsset()), key: otherKey });
    const [row] = await ctx.db.query<{ version: string; p99: number }>(sql`SELECT version, p99 FROM rasters WHERE key = ${publishedAsset()}`);
    expect(row!.p99).toBe(1000);
    expect(first.headers.etag).toBeTruthy();
  });
});
