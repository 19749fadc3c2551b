import { Readable } from 'node:stream';
import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { FIXTURE_CSV } from '../catalog/catalog.fixture.js';
import { importPlumeCsv } from '../catalog/plume-import.js';

/*
 * STAC API Aggregation over the catalog fixture (Acme's plumes: six published, one unpublished)
 * and one published RGB scene with a footprint and cloud cover. Expected figures are computed
 * from what /search answers for the same filters, so aggregation and search are held to agree.
 */
let ctx: TestContext;
let analyst: string; // Acme, catalog:write + stac:read: also sees Acme's unpublished plume
let rival: string; // another organization's analyst
let reader: string; // catalog:read only: no stac:read

type Bucket = { key: string; data_type: string; frequency: number; from?: number; to?: number };
type Aggregation = { name: string; data_type: string; value?: number | string | null; buckets?: Bucket[]; overflow?: number };
type Item = { id: string; collection: string; properties: Record<string, unknown> };

const get = (url: string, key?: string) => ctx.request({ method: 'GET', url: `/api/v1/stac${url}`, ...(key ? { key } : {}) });
const post = (url: string, payload: object, key?: string) => ctx.request({ method: 'POST', url: `/api/v1/stac${url}`, payload, ...(key ? { key } : {}) });

async function aggregate(query: string, key?: string): Promise<Record<string, Aggregation>> {
  const response = await get(`/aggregate?${query}`, key);
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json() as { type: string; aggregations: Aggregation[]; links: { rel: string }[] };
  expect(body.type).toBe('AggregationCollection');
  expect(body.links.map((link) => link.rel)).toEqual(expect.arrayContaining(['root', 'self']));
  return Object.fromEntries(body.aggregations.map((aggregation) => [aggregation.name, aggregation]));
}

async function items(query: string, key?: string): Promise<Item[]> {
  const response = await get(`/search?limit=1000&${query}`, key);
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { features: Item[] }).features;
}

function frequencies(values: (string | null | undefined)[]) {
  const counts = new Map<string, number>();
  for (const value of values) if (value != null) counts.set(value, (counts.get(value) ?? 0) + 1);
  return Object.fromEntries([...counts].sort());
}
const asMap = (buckets: Bucket[] = []) => Object.fromEntries(buckets.map((bucket) => [bucket.key, bucket.frequency]).sort());
const expectBad = (response: { statusCode: number; json(): unknown }, description: RegExp) => {
  expect(response.statusCode).toBe(400);
  const body = response.json() as { code: string; description: string };
  expect(body.code).toBe('InvalidParameterValue');
  expect(body.description).toMatch(description);
};

beforeAll(async () => {
  ctx = await createTestContext();
  const acme = await ctx.organization('Acme');
  analyst = await acme.key(['catalog:read', 'catalog:write', 'stac:read']);
  reader = await acme.key(['catalog:read']);
  rival = await (await ctx.organization('Rival')).key(['catalog:read', 'catalog:write', 'stac:read']);
  await importPlumeCsv(ctx.db, Readable.from([FIXTURE_CSV]), acme.id);
  await ctx.db.query(sql`
    INSERT INTO scenes (name, instrument, platform, "timestamp", footprint, cloud_cover, status)
    VALUES ('GAO20220301t100000p0000', 'GAO', 'GAO', '2022-03-01T10:00:00Z', ST_MakeEnvelope(-100, 30, -99, 31, 4326), 12.5, 'published')`);
});

afterAll(async () => {
  await ctx?.close();
});

describe('STAC aggregation', () => {
  it('advertises the aggregation class and the aggregate/aggregations links on the landing page and collections', async () => {
    const conformance = (await get('/conformance')).json() as { conformsTo: string[] };
    expect(conformance.conformsTo).toEqual(expect.arrayContaining(['https://api.stacspec.org/v0.3.0/aggregation', 'https://api.stacspec.org/v0.3.0/aggregation#filter']));
    const landing = (await get('/')).json() as { links: { rel: string; href: string; method?: string }[] };
    const aggregateLinks = landing.links.filter((link) => link.rel === 'aggregate');
    expect(aggregateLinks.map((link) => link.method).sort()).toEqual(['GET', 'POST']);
    expect(landing.links.find((link) => link.rel === 'aggregations')?.href).toMatch(/\/api\/v1\/stac\/aggregations$/);
    const collection = (await get('/collections/l3a-ch4-mfa-v1')).json() as { links: { rel: string; href: string }[] };
    expect(collection.links.find((link) => link.rel === 'aggregate')?.href).toMatch(/\/collections\/l3a-ch4-mfa-v1\/aggregate$/);
  });

  it('lists the aggregations, and per collection only those that apply to it', async () => {
    const all = (await get('/aggregations')).json() as { type: string; aggregations: { name: string; data_type: string }[] };
    expect(all.type).toBe('AggregationCollection');
    expect(all.aggregations.map((a) => a.name)).toEqual(expect.arrayContaining(['total_count', 'collection_frequency', 'datetime_frequency', 'emission_frequency', 'grid_geohash_frequency', 'grid_geotile_frequency']));
    const plumes = ((await get('/collections/l3a-ch4-mfa-v1/aggregations')).json() as typeof all).aggregations.map((a) => a.name);
    expect(plumes).toContain('emission_frequency');
    expect(plumes).not.toContain('cloud_cover_frequency');
    const scenes = ((await get('/collections/l1b-rgb-v1/aggregations')).json() as typeof all).aggregations.map((a) => a.name);
    expect(scenes).toContain('cloud_cover_frequency');
    expect(scenes).not.toContain('emission_frequency');
    expect((await get('/collections/l3a-ch4-nope-v1/aggregations')).statusCode).toBe(404);
  });

  it('counts what search matches, per collection, by default', async () => {
    const found = await items('');
    const result = await aggregate('');
    expect(Object.keys(result).sort()).toEqual(['collection_frequency', 'datetime_max', 'datetime_min', 'total_count']);
    expect(result.total_count).toMatchObject({ data_type: 'integer', value: found.length });
    expect(asMap(result.collection_frequency!.buckets)).toEqual(frequencies(found.map((item) => item.collection)));
    expect(result.collection_frequency!.overflow).toBe(0);
    const times = found.map((item) => String(item.properties.datetime)).sort();
    expect(result.datetime_min!.value).toBe(times[0]);
    expect(result.datetime_max!.value).toBe(times[times.length - 1]);
  });

  it('answers datetime, sector, instrument and emission distributions equal to the matched items', async () => {
    const filter = 'collections=l3a-ch4-mfa-v1,l3a-ch4-mfa-v2,l1b-rgb-v1';
    const found = await items(filter);
    const result = await aggregate(`${filter}&aggregations=total_count,datetime_frequency,sector_frequency,instrument_frequency,emission_frequency&datetime_frequency_interval=year`);
    expect(result.total_count!.value).toBe(found.length);
    expect(asMap(result.datetime_frequency!.buckets)).toEqual(frequencies(found.map((item) => `${String(item.properties.datetime).slice(0, 4)}-01-01T00:00:00Z`)));
    expect(result.datetime_frequency!.buckets!.every((bucket) => bucket.data_type === 'datetime')).toBe(true);
    expect(asMap(result.sector_frequency!.buckets)).toEqual(frequencies(found.map((item) => item.properties['cm:sector'] as string | null)));
    expect(asMap(result.instrument_frequency!.buckets)).toEqual(frequencies(found.map((item) => item.properties['cm:instrument'] as string)));
    // Ranges: every range listed (empty ones too), [from, to); the scene (no emission) is overflow.
    const emission = result.emission_frequency!;
    expect(emission.buckets!.map((bucket) => bucket.key)).toEqual(['*-100', '100-500', '500-1000', '1000-5000', '5000-10000', '10000-*']);
    const emissions = found.map((item) => item.properties['cm:emission']).filter((value): value is number => typeof value === 'number');
    for (const bucket of emission.buckets!) {
      expect(bucket.frequency, bucket.key).toBe(emissions.filter((value) => (bucket.from === undefined || value >= bucket.from) && (bucket.to === undefined || value < bucket.to)).length);
    }
    expect(emission.overflow).toBe(found.length - emissions.length);
    expect(emission.overflow).toBeGreaterThan(0);
  });

  it('grids items by geohash and Web Mercator tile of their point', async () => {
    const found = await items('collections=l3a-ch4-mfa-v1,l3a-ch4-mfa-v2,l3a-co2-mfa-v1');
    const result = await aggregate('collections=l3a-ch4-mfa-v1,l3a-ch4-mfa-v2,l3a-co2-mfa-v1&aggregations=grid_geotile_frequency,grid_geohash_frequency&grid_geohash_frequency_precision=2&grid_geotile_frequency_precision=1');
    const tiles = found.map((item) => {
      const [lon, lat] = [item.properties['cm:plume_longitude'] as number, item.properties['cm:plume_latitude'] as number];
      return `1/${lon < 0 ? 0 : 1}/${lat > 0 ? 0 : 1}`;
    });
    expect(asMap(result.grid_geotile_frequency!.buckets)).toEqual(frequencies(tiles));
    const geohash = result.grid_geohash_frequency!;
    expect(geohash.buckets!.every((bucket) => /^[0-9b-hjkmnp-z]{2}$/.test(bucket.key))).toBe(true);
    expect(geohash.buckets!.reduce((sum, bucket) => sum + bucket.frequency, 0) + geohash.overflow!).toBe(found.length);
  });

  it('applies the search filters (bbox, datetime, CQL2 text on GET, CQL2 JSON on POST) as search does', async () => {
    const query = `bbox=-120,31,-101,36&datetime=${encodeURIComponent('2023-01-01T00:00:00Z/..')}&filter=${encodeURIComponent('cm:emission >= 500')}`;
    const found = await items(query);
    expect(found.length).toBeGreaterThan(0);
    expect((await aggregate(`${query}&aggregations=total_count`)).total_count!.value).toBe(found.length);
    const response = await post('/aggregate', {
      bbox: [-120, 31, -101, 36],
      datetime: '2023-01-01T00:00:00Z/..',
      filter: { op: '>=', args: [{ property: 'cm:emission' }, 500] },
      aggregations: ['total_count', 'collection_frequency'],
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as { aggregations: Aggregation[]; links: { rel: string; method?: string }[] };
    expect(body.aggregations.find((a) => a.name === 'total_count')!.value).toBe(found.length);
    expect(body.links.find((link) => link.rel === 'self')?.method).toBe('POST');
  });

  it("restricts a collection's aggregate to that collection", async () => {
    const found = await items('collections=l3a-ch4-mfa-v1');
    const response = await get('/collections/l3a-ch4-mfa-v1/aggregate?aggregations=total_count,collection_frequency');
    expect(response.statusCode, response.body).toBe(200);
    const result = Object.fromEntries((response.json() as { aggregations: Aggregation[] }).aggregations.map((a) => [a.name, a]));
    expect(result.total_count!.value).toBe(found.length);
    expect(asMap(result.collection_frequency!.buckets)).toEqual({ 'l3a-ch4-mfa-v1': found.length });
  });

  it('refuses unknown aggregations, ones a collection does not offer, bad parameters, and bbox with intersects (400)', async () => {
    expectBad(await get('/aggregate?aggregations=total_count,nonsense'), /unknown aggregation "nonsense"/);
    expectBad(await get('/aggregate?aggregations=constructor'), /unknown aggregation/);
    expectBad(await get('/collections/l3a-ch4-mfa-v1/aggregate?aggregations=cloud_cover_frequency'), /not offered by collection l3a-ch4-mfa-v1/);
    expectBad(await get('/aggregate?aggregations=datetime_frequency&datetime_frequency_interval=fortnight'), /datetime_frequency_interval/);
    expectBad(await get('/aggregate?aggregations=grid_geohash_frequency&grid_geohash_frequency_precision=40'), /grid_geohash_frequency_precision/);
    expectBad(await get('/aggregate?datetime=yesterday'), /datetime/);
    expectBad(await post('/aggregate', { bbox: [-120, 31, -101, 36], intersects: { type: 'Point', coordinates: [0, 0] } }), /bbox and intersects/);
    expectBad(await get(`/aggregate?filter=${encodeURIComponent('cm:emission >')}`), /position|character/);
    expect((await get('/collections/l3a-ch4-nope-v1/aggregate')).statusCode).toBe(404);
  });

  it("follows the catalog's visibility: an organization's analyst counts its unpublished plume, another organization's does not", async () => {
    const anonymous = (await aggregate('aggregations=total_count')).total_count!.value as number;
    const own = (await aggregate('aggregations=total_count', analyst)).total_count!.value as number;
    const other = (await aggregate('aggregations=total_count', rival)).total_count!.value as number;
    // Its unpublished plume, and the unpublished scene that plume was imported with.
    expect(own).toBe(anonymous + 2);
    expect(other).toBe(anonymous);
    expect(own).toBe((await items('', analyst)).length);
  });

  it('refuses a credential without stac:read (403) and a bad one (401)', async () => {
    expect((await get('/aggregate', reader)).statusCode).toBe(403);
    expect((await get('/aggregations', reader)).statusCode).toBe(403);
    expect((await get('/aggregate', 'sk_live_not_a_key')).statusCode).toBe(401);
  });
});
