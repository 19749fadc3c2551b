import { Readable } from 'node:stream';
import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { asUser, signedInUser } from '../../../test/support/accounts.js';
import { FIXTURE_CSV } from '../catalog/catalog.fixture.js';
import { importPlumeCsv } from '../catalog/plume-import.js';
import { stacValidator } from './stac-validator.js';

/*
 * The fixture (catalog.fixture.ts), owned by Acme: published CH4 plumes GAO…-A (bounds, assets
 * plumes/a.tif|png, 500 kg/h), GAO…-B (80), emi20230815…-A (Permian, 1500, v2), tan…-A (New York
 * landfill, 300, v2), emi20240601…-A (120, v2), a published CO2 plume av3…-A (20000, v1), and an
 * unpublished ang…-A (50, no sector). Plus one published scene with a footprint, and a paging
 * collection of 25 plumes (v9) sharing five acquisition times.
 */
let ctx: TestContext;
let acmeId: string;
let analyst: string; // Acme, catalog:write + stac:read: sees Acme's unpublished plume
let reader: string; // Acme, catalog:read only: no stac:read
let rival: string; // another organization's analyst
const validate = stacValidator();

const URL_BASE = 'http://localhost:80';
const get = (url: string, key?: string, headers: Record<string, string> = {}) => ctx.request({ method: 'GET', url: `/api/v1/stac${url}`, ...(key ? { key } : {}), headers });
const post = (url: string, payload: object, key?: string) => ctx.request({ method: 'POST', url: `/api/v1/stac${url}`, payload, ...(key ? { key } : {}) });
const relative = (href: string) => href.replace(/^https?:\/\/[^/]+/, '');

type Item = { id: string; collection: string; geometry: { type: string; coordinates: unknown } | null; bbox?: number[]; properties: Record<string, unknown>; assets: Record<string, { href: string; type: string; roles: string[] }>; links: { rel: string; href: string; type?: string }[] };
type Page = { features: Item[]; links: { rel: string; href: string; method?: string; body?: Record<string, unknown>; type?: string; merge?: boolean }[]; numberMatched: number; numberReturned: number; numberMatchedExact: boolean; context: { limit: number } };

async function page(url: string, key?: string): Promise<Page> {
  const response = await get(url, key);
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/geo\+json/);
  return response.json();
}
const ids = async (url: string, key?: string) => (await page(url, key)).features.map((item) => item.id).sort();
const postIds = async (payload: object, key?: string) => {
  const response = await post('/search', payload, key);
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as Page).features.map((item) => item.id).sort();
};
const expectStacError = (response: { statusCode: number; json(): unknown }, status: number, description: RegExp) => {
  expect(response.statusCode).toBe(status);
  const body = response.json() as { code: string; description: string };
  expect(Object.keys(body).sort()).toEqual(['code', 'description']);
  expect(body.description).toMatch(description);
};

const A = 'GAO20230628t191011p0000-A';
const B = 'GAO20230628t191011p0000-B';
const PERMIAN = 'emi20230815t101500p0001-A';
const LANDFILL = 'tan20240301t120000p0000-A';
const EMI2 = 'emi20240601t090000p0002-A';
const CO2 = 'av320240402t083000p0000-A';
const UNPUBLISHED = 'ang20240510t160000p0000-A';
const SCENE = 'GAO20220301t100000p0000';
const PUBLISHED_PLUMES = [A, B, CO2, EMI2, LANDFILL, PERMIAN].sort();

beforeAll(async () => {
  ctx = await createTestContext();
  const acme = await ctx.organization('Acme');
  acmeId = acme.id;
  analyst = await acme.key(['catalog:read', 'catalog:write', 'stac:read']);
  reader = await acme.key(['catalog:read']);
  rival = await (await ctx.organization('Rival')).key(['catalog:read', 'catalog:write', 'stac:read']);
  await importPlumeCsv(ctx.db, Readable.from([FIXTURE_CSV]), acme.id);
  await ctx.db.query(sql`
    INSERT INTO scenes (name, instrument, platform, "timestamp", footprint, cloud_cover, status)
    VALUES (${SCENE}, 'GAO', 'GAO', '2022-03-01T10:00:00Z', ST_MakeEnvelope(-100, 30, -99, 31, 4326), 12.5, 'published')`);
  // 25 plumes of one paging collection (l3a-ch4-mfa-v9): five at each of five times, so ties are the rule.
  await ctx.db.query(sql`
    INSERT INTO scenes (name, instrument, "timestamp", status) VALUES ('GAO20220101t000000p0000', 'GAO', '2022-01-01T00:00:00Z', 'valid')`);
  await ctx.db.query(sql`
    INSERT INTO plumes (plume_id, scene_id, scene_name, instrument, "datetime", organization_id, gas, geometry, status, emission_cmf_type, emission_version, emission_auto)
    SELECT 'GAO20220101t000000p0000-' || chr(65 + i / 26) || chr(65 + i % 26), s.id, s.name, 'GAO',
      '2022-01-01T00:00:00Z'::timestamptz + (i % 5) * interval '1 hour', ${acme.id}::uuid, 'CH4',
      ST_SetSRID(ST_MakePoint(10 + i * 0.01, 45), 4326), 'published', 'mfa', 'v9', 100 + (i % 3)
    FROM generate_series(0, 24) i, scenes s WHERE s.name = 'GAO20220101t000000p0000'`);
});
afterAll(() => ctx?.close());

describe('landing page, conformance, collections', () => {
  it('answers a valid STAC catalog with the relations and media types clients follow', async () => {
    const response = await get('/');
    expect(response.statusCode).toBe(200);
    const landing = response.json();
    expect(validate(landing, 'catalog')).toEqual([]);
    const rel = (name: string) => landing.links.filter((link: { rel: string }) => link.rel === name);
    expect(rel('self')[0]).toMatchObject({ href: `${URL_BASE}/api/v1/stac/`, type: 'application/json' });
    expect(rel('root')[0]).toMatchObject({ type: 'application/json' });
    expect(rel('conformance')[0]).toMatchObject({ href: `${URL_BASE}/api/v1/stac/conformance` });
    expect(rel('data')[0]).toMatchObject({ href: `${URL_BASE}/api/v1/stac/collections`, type: 'application/json' });
    expect(rel('search').map((link: { method: string }) => link.method).sort()).toEqual(['GET', 'POST']);
    expect(rel('service-desc')[0]).toMatchObject({ href: `${URL_BASE}/openapi.json`, type: 'application/vnd.oai.openapi+json;version=3.0' });
    expect(rel('service-doc')[0]).toMatchObject({ href: `${URL_BASE}/docs`, type: 'text/html' });
    expect(rel('http://www.opengis.net/def/rel/ogc/1.0/queryables')[0]).toMatchObject({ type: 'application/schema+json' });
    expect(rel('child').map((link: { href: string }) => link.href.split('/').pop()).sort()).toEqual(['l1b-rgb-v1', 'l3a-ch4-mfa-v1', 'l3a-ch4-mfa-v2', 'l3a-ch4-mfa-v9', 'l3a-co2-mfa-v1']);
    const openapi = await ctx.request({ method: 'GET', url: '/openapi.json' });
    expect(openapi.statusCode).toBe(200);
    expect(Object.keys(openapi.json().paths)).toEqual(expect.arrayContaining(['/api/v1/stac/search', '/api/v1/stac/collections/{collection_id}/items/{feature_id}']));
    expect((await get('/conformance')).json().conformsTo).toEqual(landing.conformsTo);
    expect(landing.conformsTo).toEqual(expect.arrayContaining(['https://api.stacspec.org/v1.0.0/core', 'https://api.stacspec.org/v1.0.0/item-search#filter', 'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text']));
  });

  it('lists the collections a caller can see, each a valid STAC collection with items and queryables links', async () => {
    const response = await get('/collections');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.collections.map((c: { id: string }) => c.id)).toEqual(['l1b-rgb-v1', 'l3a-ch4-mfa-v1', 'l3a-ch4-mfa-v2', 'l3a-ch4-mfa-v9', 'l3a-co2-mfa-v1']);
    for (const collection of body.collections) {
      expect(validate(collection, 'collection'), collection.id).toEqual([]);
      expect(collection.links.find((link: { rel: string }) => link.rel === 'items')).toMatchObject({ type: 'application/geo+json', href: `${URL_BASE}/api/v1/stac/collections/${collection.id}/items` });
    }
    const v2 = (await get('/collections/l3a-ch4-mfa-v2')).json();
    expect(v2.extent.temporal.interval).toEqual([['2023-08-15T10:15:00.000Z', '2024-06-01T09:00:00.000Z']]);
    // Acme's analyst also sees the collection of its unpublished plume's product; nobody else does.
    expect((await get('/collections/l3a-ch4-mfa-v1', analyst)).json().extent.temporal.interval[0][1]).toBe('2024-05-10T16:00:00.000Z');
    expect((await get('/collections/l3a-ch4-mfa-v1')).json().extent.temporal.interval[0][1]).toBe('2023-06-28T19:10:11.000Z');
  });

  it('answers an unknown collection, item or route with 404 {code, description}', async () => {
    expectStacError(await get('/collections/l3a-ch4-mfa-v7'), 404, /l3a-ch4-mfa-v7/);
    expectStacError(await get('/collections/nope/items'), 404, /nope/);
    expectStacError(await get('/collections/l3a-ch4-mfa-v1/items/nope-A'), 404, /nope-A/);
    expectStacError(await get('/collections/l3a-ch4-mfa-v2/items/' + A), 404, /not found/);
    expectStacError(await get('/nowhere'), 404, /not found/);
  });

  it('searches collections by free text and datetime (collection search)', async () => {
    const byText = (await get('/collections?q=co2')).json();
    expect(byText.collections.map((c: { id: string }) => c.id)).toEqual(['l3a-co2-mfa-v1']);
    const byTime = (await get('/collections?datetime=2024-01-01T00:00:00Z/..')).json();
    expect(byTime.collections.map((c: { id: string }) => c.id)).toEqual(['l1b-rgb-v1', 'l3a-ch4-mfa-v2', 'l3a-co2-mfa-v1']);
  });

  it('serves queryables as JSON Schema whose $id is where it is served', async () => {
    const global = await get('/queryables');
    expect(global.headers['content-type']).toMatch(/^application\/schema\+json/);
    expect(global.json().$id).toBe(`${URL_BASE}/api/v1/stac/queryables`);
    expect(Object.keys(global.json().properties)).toEqual(expect.arrayContaining(['cm:emission', 'cm:gas', 'cm:sector', 'datetime', 'geometry', 'eo:cloud_cover']));
    const scenes = (await get('/collections/l1b-rgb-v1/queryables')).json();
    expect(scenes.$id).toBe(`${URL_BASE}/api/v1/stac/collections/l1b-rgb-v1/queryables`);
    expect(scenes.properties['cm:emission']).toBeUndefined();
    expect(scenes.properties['eo:cloud_cover']).toMatchObject({ type: 'number' });
  });
});

describe('items', () => {
  it('answers plume and scene items that validate against STAC 1.0 and their declared extensions', async () => {
    const all = await page('/search?limit=1000', analyst);
    expect(all.numberMatched).toBe(6 + 1 + 1 + 25 + 7); // plumes, unpublished plume, scene with footprint, paging plumes, scenes of the import
    for (const item of all.features) expect(validate(item as never, 'item'), item.id).toEqual([]);
    const scene = all.features.find((item) => item.id === SCENE)!;
    expect(scene).toMatchObject({ collection: 'l1b-rgb-v1', geometry: { type: 'Polygon' }, bbox: [-100, 30, -99, 31], properties: { 'eo:cloud_cover': 12.5, datetime: '2022-03-01T10:00:00.000Z' } });
  });

  it('gives a plume its bounds as geometry, its figures as cm: properties and signed asset links', async () => {
    const response = await get(`/collections/l3a-ch4-mfa-v1/items/${A}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/geo\+json/);
    const item: Item = response.json();
    expect(item).toMatchObject({
      id: A,
      collection: 'l3a-ch4-mfa-v1',
      geometry: { type: 'Polygon' },
      bbox: [-119.1, 35.49, -119.08, 35.5],
      properties: {
        datetime: '2023-06-28T19:10:11.000Z', start_datetime: '2023-06-28T19:10:11.000Z', end_datetime: '2023-06-28T19:10:11.000Z',
        'cm:emission': 500, 'cm:emission_uncertainty': 100, 'cm:sector': '1B2', 'cm:gas': 'CH4', 'cm:instrument': 'GAO', 'cm:platform': 'GAO', 'cm:status': 'published',
        instruments: ['GAO'], gsd: 3.2, 'proj:epsg': 4326,
      },
    });
    expect(item.links.map((link) => link.rel).sort()).toEqual(['collection', 'parent', 'root', 'self', 'via']);
    expect(item.assets.plume_tif).toMatchObject({ type: 'image/tiff; application=geotiff; profile=cloud-optimized', roles: ['data'] });
    expect(item.assets.plume_png).toMatchObject({ type: 'image/png', roles: ['visual'] });
    const href = relative(item.assets.plume_tif!.href);
    expect(href).toMatch(/^\/api\/v1\/catalog\/asset\/plumes\/a\.tif\?expires=\d+&signature=[\w-]+$/);
    // The signature is the catalog's: accepted (the demo store holds no file, so 404), and refused when altered.
    expect((await ctx.request({ method: 'GET', url: href })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'GET', url: href.replace(/signature=[\w-]+/, 'signature=tampered') })).statusCode).toBe(403);
    // By UUID too.
    expect((await get(`/collections/l3a-ch4-mfa-v1/items/${item.properties['cm:plume_uuid']}`)).json().id).toBe(A);
  });
});

describe('visibility and credentials', () => {
  it("shows published items to everyone, an organization's unpublished ones to its analysts only", async () => {
    const plumes = '/search?limit=100&collections=l3a-ch4-mfa-v1,l3a-ch4-mfa-v2,l3a-co2-mfa-v1';
    expect(await ids(plumes)).toEqual(PUBLISHED_PLUMES);
    expect(await ids(plumes, analyst)).toEqual([...PUBLISHED_PLUMES, UNPUBLISHED].sort());
    expect(await ids(plumes, rival)).toEqual(PUBLISHED_PLUMES);
    expectStacError(await get(`/collections/l3a-ch4-mfa-v1/items/${UNPUBLISHED}`, rival), 404, /not found/);
    expect((await get(`/collections/l3a-ch4-mfa-v1/items/${UNPUBLISHED}`, analyst)).statusCode).toBe(200);
  });

  it('accepts STAC tokens, which read published data only, and refuses keys without stac:read', async () => {
    const owner = await signedInUser(ctx, 'stac-owner@example.com', { organization: { id: acmeId, role: 'owner' } });
    const created = await ctx.request({ method: 'POST', url: '/api/v1/account/tokens/create-stac', headers: asUser(owner.access), payload: { name: 'QGIS' } });
    expect(created.statusCode, created.body).toBe(200);
    const token: string = created.json().token_value;
    const response = await get('/search?limit=100&collections=l3a-ch4-mfa-v1', undefined, { authorization: `Bearer ${token}` });
    expect(response.statusCode).toBe(200);
    expect(response.json().features.map((item: Item) => item.id).sort()).toEqual([A, B]);
    expectStacError(await get('/search', reader), 403, /stac:read/);
    expectStacError(await get('/search', 'not-a-key'), 401, /./);
  });

  it('follows the catalog at once: hidden, published and deleted plumes through the catalog API', async () => {
    const patch = (name: string, status: string) => ctx.request({ method: 'PATCH', url: `/api/v1/catalog/plume/${name}`, key: analyst, payload: { status } });
    expect((await patch(B, 'hidden')).statusCode).toBe(200);
    expect(await ids('/collections/l3a-ch4-mfa-v1/items')).toEqual([A]);
    expect((await patch(UNPUBLISHED, 'publish_ready')).statusCode).toBe(200);
    expect((await patch(UNPUBLISHED, 'published')).statusCode).toBe(200);
    expect(await ids('/collections/l3a-ch4-mfa-v1/items')).toEqual([A, UNPUBLISHED]);
    expect((await patch(B, 'deleted')).statusCode).toBe(200);
    expect(await ids('/collections/l3a-ch4-mfa-v1/items', analyst)).toEqual([A, UNPUBLISHED]);
  });
});

describe('search parameters', () => {
  it('reads datetimes as instants, with lowercase t/z, offsets and open intervals', async () => {
    const plumes = '&collections=l3a-ch4-mfa-v2,l3a-co2-mfa-v1';
    expect(await ids(`/search?datetime=2024-03-01T12:00:00Z${plumes}`)).toEqual([LANDFILL]);
    expect(await ids(`/search?datetime=2024-03-01t12:00:00z${plumes}`)).toEqual([LANDFILL]);
    expect(await ids(`/search?datetime=${encodeURIComponent('2024-03-01T13:00:00+01:00')}${plumes}`)).toEqual([LANDFILL]);
    expect(await ids(`/search?datetime=../2024-01-01T00:00:00Z${plumes}`)).toEqual([PERMIAN]);
    expect(await ids(`/search?datetime=2024-01-01T00:00:00Z/..${plumes}`)).toEqual([CO2, EMI2, LANDFILL].sort());
    expect(await ids(`/search?datetime=/2024-01-01T00:00:00Z${plumes}`)).toEqual([PERMIAN]);
    expect(await ids(`/search?datetime=2024-03-01T12:00:00Z/2024-04-02T08:30:00Z${plumes}`)).toEqual([CO2, LANDFILL].sort());
    for (const bad of ['2024-01-01', '../..', '/', 'yesterday', '2024-04-02T08:30:00Z/2024-03-01T12:00:00Z', '2024-01-01T00:00:00Z/2024-02-01T00:00:00Z/2024-03-01T00:00:00Z', '1985-04-12T23:20:50,52Z', '1985-12-12T23:20:50.52+23:60']) {
      expectStacError(await get(`/search?datetime=${encodeURIComponent(bad)}`), 400, /datetime/);
    }
    expectStacError(await post('/search', { datetime: '2024-13-01T00:00:00Z' }), 400, /datetime/);
  });

  it('checks bbox arity and latitudes, and refuses bbox with intersects', async () => {
    expectStacError(await get('/search?bbox=1,2,3'), 400, /4 \(west, south, east, north\) or 6/);
    expectStacError(await get('/search?bbox=0,10,1,5'), 400, /south latitude above its north/);
    expectStacError(await post('/search', { bbox: [0, 10, 1, 5] }), 400, /south latitude/);
    expectStacError(await post('/search', { bbox: [1, 2, 3, 4, 5] }), 400, /4 \(west/);
    expectStacError(await post('/search', { bbox: [-120, 30, -100, 40], intersects: { type: 'Point', coordinates: [0, 0] } }), 400, /bbox and intersects/);
    expectStacError(await get('/search?bbox=a,b,c,d'), 400, /bbox/);
    // A box touching plume A's bounds but not its point finds it: items intersect through their geometry.
    expect(await ids('/search?bbox=-119.095,35.495,-119.09,35.499')).toEqual([A]);
    expect(await ids('/search?bbox=-119.095,35.495,0,-119.09,35.499,100')).toEqual([A]);
    expect(await ids('/search?bbox=-103.5,31.5,-101.5,32.5&collections=l3a-ch4-mfa-v2')).toEqual([EMI2, PERMIAN].sort());
  });

  it('filters by a large intersects polygon (thousands of vertices), returning only items that intersect it', async () => {
    // A circle of 5,000 vertices around the Permian plumes (centre -102.5, 32, radius 1°).
    const ring = Array.from({ length: 5000 }, (_, i) => [-102.5 + Math.cos((2 * Math.PI * i) / 5000), 32 + Math.sin((2 * Math.PI * i) / 5000)]);
    ring.push(ring[0]!);
    const response = await post('/search', { intersects: { type: 'Polygon', coordinates: [ring] }, limit: 100 });
    expect(response.statusCode, response.body).toBe(200);
    const found: Item[] = response.json().features;
    // (The imported scenes have no footprint, so only the plumes meet it.)
    expect(found.map((item) => item.id).sort()).toEqual([EMI2, PERMIAN].sort());
    for (const item of found.filter((i) => i.geometry)) {
      const [x, y] = item.geometry!.coordinates as number[];
      expect(Math.hypot(x! + 102.5, y! - 32)).toBeLessThanOrEqual(1);
    }
    // GET takes the geometry as JSON text; a malformed one is a 400, not a database error.
    expect(await ids(`/search?intersects=${encodeURIComponent(JSON.stringify({ type: 'Point', coordinates: [-102.1, 31.9] }))}&collections=l3a-ch4-mfa-v2`)).toEqual([PERMIAN]);
    expectStacError(await post('/search', { intersects: { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [0, 0]]] } }), 400, /ring/);
    expectStacError(await post('/search', { intersects: { type: 'Blob', coordinates: [] } }), 400, /geometry type/);
    expectStacError(await get('/search?intersects=%7Bnope'), 400, /intersects/);
  });

  it("answers the page's own filters: ids, collections, cmf, gas, instruments, sector, version, created_daterange, query, offset, default limit 10", async () => {
    expect(await ids(`/search?ids=${A},${CO2}`)).toEqual([A, CO2].sort());
    expect(await ids(`/search?ids=${A}&ids=${CO2}`)).toEqual([A, CO2].sort());
    expect(await postIds({ ids: [A, PERMIAN] })).toEqual([A, PERMIAN].sort());
    expect(await ids('/search?gas=CO2')).toEqual([CO2]);
    expect(await ids('/search?instruments=emi&collections=l3a-ch4-mfa-v2')).toEqual([EMI2, PERMIAN].sort());
    expect(await ids('/search?sector=6A')).toEqual([LANDFILL]);
    expect(await ids('/search?cmf=mfa&version=v1&gas=CH4', analyst)).toEqual([A, UNPUBLISHED]);
    expect(await postIds({ version: ['v2'], limit: 100 })).toEqual([EMI2, LANDFILL, PERMIAN].sort());
    await ctx.db.query(sql`UPDATE plumes SET emission_version = NULL WHERE plume_id = ${CO2}`);
    expect(await ids('/search?version=v2&version_include_nulls=True&limit=100')).toEqual([CO2, EMI2, LANDFILL, PERMIAN].sort());
    await ctx.db.query(sql`UPDATE plumes SET emission_version = 'v1' WHERE plume_id = ${CO2}`);
    expect((await page('/search?created_daterange=2000-01-01T00:00:00Z/..')).numberMatched).toBeGreaterThan(30);
    expect((await page('/search?created_daterange=../2000-01-01T00:00:00Z')).numberMatched).toBe(0);
    expect(await ids(`/search?query=${encodeURIComponent('{"cm:emission":{"gt":400},"gas":{"eq":"CH4"}}')}`)).toEqual([A, PERMIAN].sort());
    expect(await postIds({ query: { 'cm:emission': { gte: 20000 } } })).toEqual([CO2]);
    expect(await postIds({ query: { 'cm:instrument': { in: ['tan', 'av3'] } }, collections: ['l3a-ch4-mfa-v2', 'l3a-co2-mfa-v1'] })).toEqual([CO2, LANDFILL].sort());
    expectStacError(await post('/search', { query: { nope: { eq: 1 } } }), 400, /unknown property "nope"/);
    expectStacError(await post('/search', { query: { gas: { approx: 'CH4' } } }), 400, /unknown operator/);
    const first = await page('/search');
    expect(first.numberReturned).toBe(10);
    expect(first.context.limit).toBe(10);
    const byOffset = await page('/search?limit=2&offset=2');
    expect(byOffset.features.map((item) => item.id)).toEqual(first.features.slice(2, 4).map((item) => item.id));
    expect(relative(byOffset.links.find((link) => link.rel === 'next')!.href)).toMatch(/offset=4/);
    expect(relative(byOffset.links.find((link) => link.rel === 'prev')!.href)).toMatch(/offset=0|[?&](?!offset)/);
  });

  it('searches free text with q', async () => {
    expect(await ids('/search?q=tan20240301')).toEqual(['tan20240301t120000p0000', LANDFILL].sort());
    expect(await postIds({ q: ['av320240402', 'tan20240301t120000p0000-A'], collections: ['l3a-ch4-mfa-v2', 'l3a-co2-mfa-v1'] })).toEqual([CO2, LANDFILL].sort());
  });

  it('returns the fields asked for (fields extension)', async () => {
    const trimmed = (await page(`/search?ids=${A}&fields=id,properties.cm:emission,-links`)).features[0]!;
    expect(Object.keys(trimmed).sort()).toEqual(['collection', 'id', 'links', 'properties', 'stac_version', 'type']);
    expect(trimmed.properties).toEqual({ 'cm:emission': 500 });
    const without = (await post('/search', { ids: [A], fields: { exclude: ['assets', 'properties.cm:sector'] } })).json().features[0];
    expect(without.assets).toBeUndefined();
    expect(without.properties['cm:sector']).toBeUndefined();
    expect(without.properties['cm:emission']).toBe(500);
  });
});

describe('CQL2 filter', () => {
  const text = (filter: string, key?: string) => ids(`/search?limit=100&filter=${encodeURIComponent(filter)}`, key);
  const json = (filter: object) => ids(`/search?limit=100&filter-lang=cql2-json&filter=${encodeURIComponent(JSON.stringify(filter))}`);

  it('applies CQL2 text and JSON on GET (never ignored) and POST', async () => {
    expect(await text("cm:emission > 400 AND cm:gas = 'CH4'")).toEqual([A, PERMIAN].sort());
    expect(await json({ op: 'and', args: [{ op: '>', args: [{ property: 'cm:emission' }, 400] }, { op: '=', args: [{ property: 'cm:gas' }, 'CH4'] }] })).toEqual([A, PERMIAN].sort());
    expect(await postIds({ filter: "cm:emission > 400 AND cm:gas = 'CH4'", 'filter-lang': 'cql2-text' })).toEqual([A, PERMIAN].sort());
    expect(await postIds({ filter: { op: '>=', args: [{ property: 'cm:emission' }, 20000] } })).toEqual([CO2]);
  });

  it("answers 400, never 500, for names every JavaScript object inherits, and for an IN list past 1,000 values", async () => {
    for (const name of ['constructor', '__proto__', 'toString']) {
      const filtered = await get(`/search?filter=${encodeURIComponent(`${name} IS NULL`)}`);
      expect(filtered.statusCode, filtered.body).toBe(400);
      expect(filtered.json().description).toContain('unknown queryable');
      expect((await get(`/search?sortby=${encodeURIComponent(name)}`)).statusCode).toBe(400);
      expect((await post('/search', { filter: { op: 'isNull', args: [{ property: name }] } })).statusCode).toBe(400);
    }
    const values = Array.from({ length: 1001 }, (_, i) => `id-${i}`);
    const tooMany = await post('/search', { filter: { op: 'in', args: [{ property: 'id' }, values] } });
    expect(tooMany.statusCode, tooMany.body).toBe(400);
    expect(tooMany.json().description).toContain('at most 1000');
    expect((await post('/search', { filter: { op: 'in', args: [{ property: 'id' }, values.slice(0, 1000)] } })).statusCode).toBe(200);
  });

  it('supports LIKE, IN, BETWEEN, IS NULL, NOT, CASEI and booleans', async () => {
    expect(await text("id LIKE 'emi2023%'")).toEqual([PERMIAN, 'emi20230815t101500p0001'].sort());
    expect(await text("cm:sector IN ('6A', '1A1')")).toEqual([CO2, LANDFILL].sort());
    expect(await text('cm:emission BETWEEN 100 AND 400 AND collection <> \'l3a-ch4-mfa-v9\'')).toEqual([EMI2, LANDFILL].sort());
    expect(await text("cm:sector IS NULL AND collection LIKE 'l3a-%' AND collection <> 'l3a-ch4-mfa-v9'", analyst)).toEqual([UNPUBLISHED]);
    expect(await text("NOT cm:gas = 'CH4' AND collection LIKE 'l3a%'")).toEqual([CO2]);
    expect(await text("CASEI(cm:gas) = CASEI('co2')")).toEqual([CO2]);
    expect(await text('cm:is_offshore = false AND cm:emission >= 1500')).toEqual([CO2, PERMIAN].sort());
  });

  it('supports spatial (S_INTERSECTS, S_WITHIN) and temporal (T_INTERSECTS, T_BEFORE) functions', async () => {
    expect(await text('S_INTERSECTS(geometry, POLYGON((-103.5 31.5, -101.5 31.5, -101.5 32.5, -103.5 32.5, -103.5 31.5))) AND collection = \'l3a-ch4-mfa-v2\'')).toEqual([EMI2, PERMIAN].sort());
    expect(await text('S_WITHIN(geometry, BBOX(-101, 29, -98, 32))')).toEqual([SCENE]);
    expect(await json({ op: 's_intersects', args: [{ property: 'geometry' }, { type: 'Point', coordinates: [-119.09, 35.495] }] })).toEqual([A]);
    expect(await text("T_INTERSECTS(datetime, INTERVAL('2024-03-01T00:00:00Z', '2024-04-30T00:00:00Z')) AND collection LIKE 'l3a%'")).toEqual([CO2, LANDFILL].sort());
    expect(await text("T_INTERSECTS(datetime, INTERVAL('2024-06-01T00:00:00Z', '..')) AND collection LIKE 'l3a%'")).toEqual([EMI2]);
    expect(await text("T_BEFORE(datetime, TIMESTAMP('2023-07-01T00:00:00Z')) AND collection = 'l3a-ch4-mfa-v1'")).toEqual([A]);
    expect(await text("datetime >= TIMESTAMP('2024-06-01T00:00:00Z') AND collection LIKE 'l3a%'")).toEqual([EMI2]);
  });

  it('refuses unparsable filters naming the position, unknown queryables and mismatched types, with 400', async () => {
    expectStacError(await get(`/search?filter=${encodeURIComponent("cm:emission > 100 AND (cm:gas = 'CH4'")}`), 400, /expected "\)" but found the end of the filter \(at position 37\)/);
    expectStacError(await get(`/search?filter=${encodeURIComponent('cm:emission >> 1')}`), 400, /position 13/);
    expectStacError(await post('/search', { filter: 'secret_column = 1' }), 400, /unknown queryable "secret_column"/);
    expectStacError(await get(`/search?filter=${encodeURIComponent("cm:emission = 'lots'")}`), 400, /compares a number with a string/);
    expectStacError(await post('/search', { filter: { op: 'frobnicate', args: [] } }), 400, /frobnicate/);
    expectStacError(await get('/search?filter-lang=cql2-json&filter=%7Bnope'), 400, /filter/);
    expectStacError(await get('/search?filter-lang=ecql&filter=a%3D1'), 400, /filter-lang/);
    expectStacError(await post('/search', { filter: "T_INTERSECTS(datetime, INTERVAL('nope', '..'))" }), 400, /RFC 3339/);
    // Hostile nesting is refused, not a stack overflow.
    expectStacError(await post('/search', { filter: `${'('.repeat(5000)}cm:emission > 1${')'.repeat(5000)}` }), 400, /nested more than 64/);
    let deep: object = { op: '=', args: [{ property: 'cm:gas' }, 'CH4'] };
    for (let i = 0; i < 200; i += 1) deep = { op: 'not', args: [deep] };
    expectStacError(await get(`/search?filter-lang=cql2-json&filter=${encodeURIComponent(JSON.stringify(deep))}`), 400, /nested more than/);
  });
});

describe('sorting and paging', () => {
  const V9 = '/collections/l3a-ch4-mfa-v9/items';
  const ALL_V9 = Array.from({ length: 25 }, (_, i) => `GAO20220101t000000p0000-${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}`).sort();

  async function walk(url: string): Promise<{ ids: string[]; pages: Page[] }> {
    const seen: string[] = [];
    const pages: Page[] = [];
    let next: string | undefined = url;
    while (next) {
      const current = await page(next);
      pages.push(current);
      seen.push(...current.features.map((item) => item.id));
      next = current.links.find((link) => link.rel === 'next')?.href;
      if (next) next = relative(next).replace('/api/v1/stac', '');
      expect(pages.length).toBeLessThan(20);
    }
    return { ids: seen, pages };
  }

  it('sorts by sortby, ties in a stable order, with next links that cover every item once', async () => {
    const byEmission = await page('/search?sortby=-cm:emission&collections=l3a-ch4-mfa-v2,l3a-co2-mfa-v1');
    expect(byEmission.features.map((item) => item.id)).toEqual([CO2, PERMIAN, LANDFILL, EMI2]);
    const { ids: walked, pages } = await walk(`${V9}?limit=4&sortby=datetime`);
    expect(pages.length).toBe(7);
    expect(walked.length).toBe(25);
    expect([...walked].sort()).toEqual(ALL_V9);
    const times = pages.flatMap((p) => p.features.map((item) => String(item.properties.datetime)));
    expect(times).toEqual([...times].sort());
    // The last page has no next link.
    expect(pages.at(-1)!.links.some((link) => link.rel === 'next')).toBe(false);
    // Two sort keys, mixed directions, walk the same set.
    expect([...(await walk(`${V9}?limit=3&sortby=-cm:emission,%2Bdatetime`)).ids].sort()).toEqual(ALL_V9);
  });

  it('pages POST searches with the body repeated and a token, never repeating an item', async () => {
    const seen: string[] = [];
    let body: Record<string, unknown> | undefined = { collections: ['l3a-ch4-mfa-v9'], limit: 6, sortby: [{ field: 'properties.datetime', direction: 'desc' }], filter: 'cm:emission >= 100' };
    let rounds = 0;
    while (body) {
      const response = await post('/search', body);
      expect(response.statusCode, response.body).toBe(200);
      const current: Page = response.json();
      seen.push(...current.features.map((item) => item.id));
      const next = current.links.find((link) => link.rel === 'next');
      if (next) {
        expect(next).toMatchObject({ method: 'POST', merge: false, type: 'application/geo+json' });
        expect(next.body).toMatchObject({ collections: ['l3a-ch4-mfa-v9'], limit: 6, filter: 'cm:emission >= 100' });
      }
      body = next?.body;
      rounds += 1;
      expect(rounds).toBeLessThan(10);
    }
    expect(seen.length).toBe(25);
    expect([...seen].sort()).toEqual(ALL_V9);
  });

  it('neither skips nor repeats an item when items are added and removed while paging, and prev goes back', async () => {
    const first = await page(`${V9}?limit=5`);
    const nextHref = relative(first.links.find((link) => link.rel === 'next')!.href).replace('/api/v1/stac', '');
    expect(first.links.some((link) => link.rel === 'prev')).toBe(false);
    // A newer plume (it sorts first) and the removal of an item already seen change nothing ahead.
    await ctx.db.query(sql`
      INSERT INTO plumes (plume_id, scene_id, scene_name, instrument, "datetime", organization_id, gas, geometry, status, emission_cmf_type, emission_version)
      SELECT 'GAO20220101t000000p0000-ZZ', s.id, s.name, 'GAO', '2022-01-02T00:00:00Z', ${acmeId}::uuid, 'CH4', ST_SetSRID(ST_MakePoint(10, 45), 4326), 'published', 'mfa', 'v9'
      FROM scenes s WHERE s.name = 'GAO20220101t000000p0000'`);
    await ctx.db.query(sql`UPDATE plumes SET status = 'deleted' WHERE plume_id = ${first.features[0]!.id}`);
    const second = await page(nextHref);
    const { ids: rest } = await walk(nextHref);
    expect(rest.length).toBe(20);
    expect(new Set([...first.features.map((item) => item.id), ...rest]).size).toBe(25);
    const back = await page(relative(second.links.find((link) => link.rel === 'prev')!.href).replace('/api/v1/stac', ''));
    // The page before the second one now starts with the new plume; nothing precedes it.
    expect(back.features.map((item) => item.id)).toEqual(['GAO20220101t000000p0000-ZZ', ...first.features.slice(1).map((item) => item.id)]);
    expect(back.links.some((link) => link.rel === 'next')).toBe(true);
    expect(back.links.some((link) => link.rel === 'prev')).toBe(false);
    await ctx.db.query(sql`UPDATE plumes SET status = 'published' WHERE plume_id = ${first.features[0]!.id}`);
    await ctx.db.query(sql`DELETE FROM plumes WHERE plume_id = 'GAO20220101t000000p0000-ZZ'`);
  });

  it('reports on later pages the numberMatched of the first page (carried in the token, not counted again), for the viewer it was counted for only', async () => {
    const first = await page(`${V9}?limit=5`);
    expect(first.numberMatched).toBe(25);
    const nextHref = relative(first.links.find((link) => link.rel === 'next')!.href).replace('/api/v1/stac', '');
    await ctx.db.query(sql`
      INSERT INTO plumes (plume_id, scene_id, scene_name, instrument, "datetime", organization_id, gas, geometry, status, emission_cmf_type, emission_version)
      SELECT 'GAO20220101t000000p0000-ZY', s.id, s.name, 'GAO', '2021-12-31T00:00:00Z', ${acmeId}::uuid, 'CH4', ST_SetSRID(ST_MakePoint(10, 45), 4326), 'published', 'mfa', 'v9'
      FROM scenes s WHERE s.name = 'GAO20220101t000000p0000'`);
    try {
      const second = await page(nextHref);
      expect(second).toMatchObject({ numberMatched: 25, numberMatchedExact: true, numberReturned: 5 });
      // The next token carries the same count on.
      const thirdHref = relative(second.links.find((link) => link.rel === 'next')!.href).replace('/api/v1/stac', '');
      expect((await page(thirdHref)).numberMatched).toBe(25);
      // A new search counts; so does another viewer following the same link (the count was not made for them).
      expect((await page(`${V9}?limit=5`)).numberMatched).toBe(26);
      expect((await page(nextHref, analyst)).numberMatched).toBe(26);
    } finally {
      await ctx.db.query(sql`DELETE FROM plumes WHERE plume_id = 'GAO20220101t000000p0000-ZY'`);
    }
  });

  it('refuses paging tokens that were altered or belong to another search', async () => {
    const first = await page(`${V9}?limit=5`);
    const next = new URL(first.links.find((link) => link.rel === 'next')!.href);
    const token = next.searchParams.get('token')!;
    expectStacError(await get(`${V9}?limit=5&token=${token.slice(0, -2)}xx`), 400, /token/);
    expectStacError(await get(`${V9}?limit=5&sortby=-datetime&token=${token}`), 400, /another search/);
    expectStacError(await get(`/search?limit=5&token=${token}`), 400, /another search/);
  });

  it('seals its paging tokens: a link read in a log shows neither the count it carries nor the item it points at', async () => {
    const first = await page(`${V9}?limit=5`);
    const last = first.features.at(-1)!;
    const token = new URL(first.links.find((link) => link.rel === 'next')!.href).searchParams.get('token')!;
    const readable = Buffer.from(token, 'base64url').toString('latin1') + Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('latin1');
    expect(readable).not.toContain('25');
    expect(readable).not.toContain(String(last.properties.datetime).slice(0, 10));
    expect(readable).not.toContain('"m"');
    // Two tokens for the same place differ (a fresh nonce each), and each still pages.
    const again = new URL((await page(`${V9}?limit=5`)).links.find((link) => link.rel === 'next')!.href).searchParams.get('token')!;
    expect(again).not.toBe(token);
    expect((await page(`${V9}?limit=5&token=${again}`)).features[0]!.id).toBe((await page(`${V9}?limit=5&token=${token}`)).features[0]!.id);
  });

  it('accepts limit up to 10,000, serving pages of 1,000 with a next link, and says when numberMatched is an estimate', async () => {
    await ctx.db.query(sql`
      INSERT INTO plumes (plume_id, scene_id, scene_name, instrument, "datetime", organization_id, gas, geometry, status, emission_cmf_type, emission_version)
      SELECT 'GAO20220101t000000p0000-' || chr(66 + i / 676) || chr(65 + (i / 26) % 26) || chr(65 + i % 26), s.id, s.name, 'GAO',
        '2021-01-01T00:00:00Z'::timestamptz + i * interval '1 minute', ${acmeId}::uuid, 'CH4', ST_SetSRID(ST_MakePoint(20, 45), 4326), 'published', 'mfa', 'v8'
      FROM generate_series(0, 10049) i, scenes s WHERE s.name = 'GAO20220101t000000p0000'`);
    // Before ANALYZE the planner expects few rows: the capped count runs and finds more than 10,000.
    const counted = await page('/collections/l3a-ch4-mfa-v8/items?limit=10000');
    expect(counted.numberReturned).toBe(1000);
    expect(counted.context.limit).toBe(1000);
    expect(counted.links.some((link) => link.rel === 'next')).toBe(true);
    expect(counted).toMatchObject({ numberMatched: 10_001, numberMatchedExact: false });
    // Across collections (plumes and scenes, each counted to 10,001) the sum still reads 10,001.
    expect(await page('/search?limit=5')).toMatchObject({ numberMatched: 10_001, numberMatchedExact: false });
    // With statistics the planner expects ~10,050: its estimate is given, nothing is counted.
    await ctx.db.query(sql`ANALYZE plumes`);
    const big = await page('/collections/l3a-ch4-mfa-v8/items?limit=10000');
    expect(big.numberReturned).toBe(1000);
    expect(big.numberMatchedExact).toBe(false);
    expect(big.numberMatched).toBeGreaterThan(10_000);
    expect(Math.abs(big.numberMatched - 10_050)).toBeLessThan(500);
    const small = await page('/collections/l3a-ch4-mfa-v8/items?limit=5&datetime=2021-01-01T00:00:00Z/2021-01-01T00:09:00Z');
    expect(small).toMatchObject({ numberMatched: 10, numberMatchedExact: true, numberReturned: 5 });
    expectStacError(await get('/search?limit=10001'), 400, /limit/);
    expectStacError(await get('/search?limit=0'), 400, /limit/);
  });
});
