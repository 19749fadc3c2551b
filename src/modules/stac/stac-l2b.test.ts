import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { writeGeoTiff } from '../geo/raster/scene-rasters.service.js';
import { stacValidator } from './stac-validator.js';

/*
 * L2B collections: scenes holding an uploaded concentration raster (geo/raster), one item per
 * scene and product, with the raster as a signed COG asset. Acme owns a published scene (CH4 and
 * RGB uploaded) and an unpublished one (CH4 uploaded), and a published scene with no raster.
 */
let ctx: TestContext;
let acmeKey: string; // catalog:write + stac:read: Acme's own unpublished scene too
let rivalKey: string;
let readerKey: string; // catalog:read only: no stac:read
const validate = stacValidator();

const PUBLIC = 'GAO20240101t101010p0001';
const PRIVATE = 'GAO20240101t101010p0002';
const BARE = 'GAO20240101t101010p0003';
const W = 32;

const get = (url: string, key?: string) => ctx.request({ method: 'GET', url: `/api/v1/stac${url}`, ...(key ? { key } : {}) });
const relative = (href: string) => href.replace(/^https?:\/\/[^/]+/, '');
type Item = { id: string; collection: string; geometry: unknown; bbox?: number[]; properties: Record<string, unknown>; assets: Record<string, { href: string; type: string; roles: string[]; 'raster:bands'?: { nodata: number }[] }>; links: { rel: string; href: string }[] };

function concentration() {
  const band = new Float32Array(W * W).map((_, index) => (index % 7 === 0 ? -9999 : 100 + index));
  return writeGeoTiff({ width: W, height: W, epsg: 4326, originX: -119.3, originY: 35.5, pixelSize: 0.2 / W, bands: [band], nodata: -9999 });
}
function rgb() {
  const band = () => new Uint8Array(W * W).fill(128);
  return writeGeoTiff({ width: W, height: W, epsg: 4326, originX: -119.3, originY: 35.5, pixelSize: 0.2 / W, bands: [band(), band(), band()] });
}

async function insertScene(name: string, status: string, organizationId: string) {
  const [row] = await ctx.db.query<{ id: string }>(sql`
    INSERT INTO scenes (name, instrument, platform, "timestamp", status, organization_id, footprint)
    VALUES (${name}, 'GAO', 'GAO', '2024-01-01T10:10:10Z', ${status}, ${organizationId}::uuid, ST_MakeEnvelope(-119.3, 35.3, -119.1, 35.5, 4326)) RETURNING id`);
  return row!.id;
}

async function upload(sceneId: string, product: string, body: Uint8Array) {
  const response = await ctx.request({ method: 'PUT', url: `/api/v1/layers/scene/${sceneId}/${product}`, key: acmeKey, payload: Buffer.from(body), headers: { 'content-type': 'image/tiff' } });
  expect(response.statusCode, response.body).toBe(201);
}

async function features(url: string, key?: string): Promise<Item[]> {
  const response = await get(url, key);
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { features: Item[] }).features;
}

beforeAll(async () => {
  ctx = await createTestContext();
  const acme = await ctx.organization('Acme', 'enterprise');
  acmeKey = await acme.key(['catalog:read', 'catalog:write', 'stac:read']);
  readerKey = await acme.key(['catalog:read']);
  rivalKey = await (await ctx.organization('Rival')).key(['catalog:read', 'catalog:write', 'stac:read']);
  const published = await insertScene(PUBLIC, 'published', acme.id);
  const hidden = await insertScene(PRIVATE, 'valid', acme.id);
  await insertScene(BARE, 'published', acme.id);
  await upload(published, 'ch4', concentration());
  await upload(published, 'rgb', rgb());
  await upload(hidden, 'ch4', concentration());
});

afterAll(async () => {
  await ctx?.close();
});

describe('STAC l2b collections (scene concentration rasters)', () => {
  it('lists l2b-ch4-mfa-v1 while a visible scene holds a CH4 raster, and no CO2 collection without one', async () => {
    const response = await get('/collections');
    const collections = (response.json() as { collections: { id: string }[] }).collections;
    expect(collections.map((c) => c.id)).toEqual(expect.arrayContaining(['l2b-ch4-mfa-v1', 'l1b-rgb-v1']));
    expect(collections.map((c) => c.id)).not.toContain('l2b-co2-mfa-v1');
    const collection = (await get('/collections/l2b-ch4-mfa-v1')).json() as Record<string, unknown>;
    expect(validate(collection, 'collection')).toEqual([]);
    expect(collection).toMatchObject({ id: 'l2b-ch4-mfa-v1', summaries: { 'cm:gas': ['CH4'] }, extent: { temporal: { interval: [['2024-01-01T10:10:10.000Z', '2024-01-01T10:10:10.000Z']] } } });
    expect((await get('/collections/l2b-co2-mfa-v1')).statusCode).toBe(404);
    const queryables = (await get('/collections/l2b-ch4-mfa-v1/queryables')).json() as { properties: Record<string, { const?: string }> };
    expect(queryables.properties.collection!.const).toBe('l2b-ch4-mfa-v1');
    expect(queryables.properties['cm:emission']).toBeUndefined();
  });

  it('answers one item per scene with its raster as a signed COG asset that opens without credentials, validating against STAC 1.0 and its extensions', async () => {
    const items = await features('/collections/l2b-ch4-mfa-v1/items');
    expect(items.map((item) => item.id)).toEqual([PUBLIC]);
    const [item] = items;
    expect(validate(item as never, 'item')).toEqual([]);
    expect(item).toMatchObject({ collection: 'l2b-ch4-mfa-v1', geometry: { type: 'Polygon' }, properties: { datetime: '2024-01-01T10:10:10.000Z', 'cm:gas': 'CH4', 'proj:epsg': 4326, 'proj:shape': [W, W], instruments: ['GAO'] } });
    expect(item!.bbox!.map((v) => Math.round(v * 10) / 10)).toEqual([-119.3, 35.3, -119.1, 35.5]);
    expect(Object.keys(item!.assets).sort()).toEqual(['ch4_tif', 'rgb_tif']);
    expect(item!.assets.ch4_tif).toMatchObject({ type: 'image/tiff; application=geotiff; profile=cloud-optimized', roles: ['data'], 'raster:bands': [{ nodata: -9999 }] });
    const file = await ctx.request({ method: 'GET', url: relative(item!.assets.ch4_tif!.href) });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.subarray(0, 2).toString('latin1')).toMatch(/II|MM/);
    const tampered = item!.assets.ch4_tif!.href.replace(/signature=[^&]+/, 'signature=AAAA');
    expect((await ctx.request({ method: 'GET', url: relative(tampered) })).statusCode).toBe(403);
    const one = await get(`/collections/l2b-ch4-mfa-v1/items/${PUBLIC}`);
    expect(one.statusCode).toBe(200);
    expect((one.json() as Item).links.find((link) => link.rel === 'self')!.href).toMatch(new RegExp(`/collections/l2b-ch4-mfa-v1/items/${PUBLIC}$`));
  });

  it("shows an organization's unpublished scene product to its own analysts only (cross-tenant: 404)", async () => {
    expect((await features('/collections/l2b-ch4-mfa-v1/items', acmeKey)).map((item) => item.id).sort()).toEqual([PUBLIC, PRIVATE]);
    expect((await features('/collections/l2b-ch4-mfa-v1/items', rivalKey)).map((item) => item.id)).toEqual([PUBLIC]);
    expect((await get(`/collections/l2b-ch4-mfa-v1/items/${PRIVATE}`, rivalKey)).statusCode).toBe(404);
    expect((await get(`/collections/l2b-ch4-mfa-v1/items/${PRIVATE}`)).statusCode).toBe(404);
    expect((await get(`/collections/l2b-ch4-mfa-v1/items/${PRIVATE}`, acmeKey)).statusCode).toBe(200);
  });

  it('is searched with the others: by collection, gas, bbox and CQL2, and pages with the l1b item of the same scene', async () => {
    expect((await features('/search?collections=l2b-ch4-mfa-v1&gas=CO2')).length).toBe(0);
    expect((await features('/search?collections=l2b-ch4-mfa-v1,l1b-rgb-v1&gas=CH4')).map((item) => item.id)).toEqual([PUBLIC]);
    expect((await features('/search?collections=l2b-ch4-mfa-v1&bbox=0,0,1,1')).length).toBe(0);
    expect((await features(`/search?filter=${encodeURIComponent("collection = 'l2b-ch4-mfa-v1'")}`)).map((item) => item.id)).toEqual([PUBLIC]);
    // The same scene is an l1b and an l2b item: one per page, neither skipped nor repeated.
    const seen: string[] = [];
    let url: string | undefined = `/search?ids=${PUBLIC}&limit=1`;
    while (url) {
      const response = await get(url);
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json() as { features: Item[]; links: { rel: string; href: string }[] };
      seen.push(...body.features.map((item) => item.collection));
      const next = body.links.find((link) => link.rel === 'next');
      url = next ? relative(next.href).replace('/api/v1/stac', '') : undefined;
    }
    expect(seen.sort()).toEqual(['l1b-rgb-v1', 'l2b-ch4-mfa-v1']);
  });

  it('refuses bad input (400), a credential without stac:read (403) and an unknown product collection (404)', async () => {
    expect((await get('/collections/l2b-ch4-mfa-v1/items?bbox=1,2,3')).statusCode).toBe(400);
    expect((await get('/collections/l2b-ch4-mfa-v1/items', readerKey)).statusCode).toBe(403);
    expect((await get('/collections/l2b-n2o-mfa-v1/items')).statusCode).toBe(404);
  });
});
