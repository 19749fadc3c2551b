import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import fastJsonStringify from 'fast-json-stringify';
import sql from 'sql-template-tag';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { FIXTURE_CSV } from '../catalog/catalog.fixture.js';
import { importPlumeCsv } from '../catalog/plume-import.js';
import { ItemCollection } from './stac.schemas.js';
import { stacValidator } from './stac-validator.js';

/*
 * A search page is written as bytes by the route (decision 0038: the features are encoded while the
 * count runs). These hold those bytes to what the declared response schema's serializer writes, and
 * the page's items to the item route's documents. The fixture (catalog.fixture.ts), owned by Acme:
 * six published plumes and an unpublished one.
 */
let ctx: TestContext;
let analyst: string; // Acme, sees its unpublished plume too
const validate = stacValidator();
const serializeItemCollection = fastJsonStringify(ItemCollection as object);
const SEARCH = '/api/v1/stac/search?limit=3&collections=l3a-ch4-mfa-v1,l3a-ch4-mfa-v2,l3a-co2-mfa-v1';
/** Every plume of the three collections in one page: no next link. */
const WHOLE = SEARCH.replace('limit=3', 'limit=10');
const UNPUBLISHED = 'ang20240510t160000p0000-A';

type Page = { features: { id: string; collection: string; properties: Record<string, unknown>; links: { rel: string; href: string }[] }[]; links: { rel: string; href: string }[]; numberMatched: number };

beforeAll(async () => {
  ctx = await createTestContext();
  const acme = await ctx.organization('Acme');
  analyst = await acme.key(['catalog:read', 'catalog:write', 'stac:read']);
  await importPlumeCsv(ctx.db, Readable.from([FIXTURE_CSV]), acme.id);
});
afterAll(() => ctx?.close());
afterEach(() => vi.restoreAllMocks());

const search = (url: string, headers: Record<string, string> = {}, key?: string) => ctx.request({ method: 'GET', url, headers, ...(key ? { key } : {}) });

describe('search pages written as bytes', () => {
  it('are exactly what the StacItemCollection serializer writes, for GET and POST, with valid items', async () => {
    const get = await search(SEARCH, {}, analyst);
    expect(get.statusCode).toBe(200);
    expect(get.headers['content-type']).toBe('application/geo+json; charset=utf-8');
    const page = get.json() as Page;
    expect(page.features).toHaveLength(3);
    expect(page.numberMatched).toBe(7);
    expect(get.body).toBe(serializeItemCollection(page));
    for (const item of page.features) expect(validate(item, 'item')).toEqual([]);
    // Key order as the serializer's: the schema's required keys, its optional ones, then the context.
    expect(Object.keys(page)).toEqual(['type', 'features', 'links', 'numberReturned', 'numberMatched', 'numberMatchedExact', 'context']);

    const items = await search('/api/v1/stac/collections/l3a-ch4-mfa-v2/items?limit=2', {}, analyst);
    expect(items.statusCode).toBe(200);
    expect((items.json() as Page).features.map((item) => item.collection)).toEqual(['l3a-ch4-mfa-v2', 'l3a-ch4-mfa-v2']);
    expect(items.body).toBe(serializeItemCollection(items.json()));

    const post = await ctx.request({ method: 'POST', url: '/api/v1/stac/search', payload: { limit: 2, ids: [UNPUBLISHED] }, key: analyst });
    expect(post.statusCode).toBe(200);
    expect(post.headers.etag).toBeUndefined();
    expect(post.body).toBe(serializeItemCollection(post.json()));
    expect((post.json() as Page).features.map((item) => item.id)).toEqual([UNPUBLISHED]);
  });

  it('hold the same item documents as the item route, common fields without a value left out and cm: fields null', async () => {
    const page = (await search(WHOLE, {}, analyst)).json() as Page;
    expect(page.features).toHaveLength(7);
    for (const item of page.features) {
      const alone = await search(`/api/v1/stac/collections/${item.collection}/items/${item.id}`, {}, analyst);
      expect(alone.statusCode).toBe(200);
      expect(alone.json()).toEqual(item);
    }
    const unpublished = page.features.find((item) => item.id === UNPUBLISHED)!;
    expect(unpublished.properties).toHaveProperty('cm:published_at', null);
    const text = (await search(WHOLE, {}, analyst)).body;
    for (const field of ['platform', 'instruments', 'gsd']) expect(text).not.toContain(`"${field}":null`);
  });

  it('carry a tag of their bytes: 304 while nothing changes, another tag once the page does, gzip when asked', async () => {
    // Signed asset links carry their expiry, to the second: the clock stands still while the bytes
    // are compared. A page with a next link never repeats its bytes (its token is sealed afresh).
    vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-12-06T08:00:00Z'));
    const first = await search(WHOLE, {}, analyst);
    const tag = first.headers.etag as string;
    expect(tag).toMatch(/^W\/"[\w-]{27}"$/);
    expect((await search(WHOLE, {}, analyst)).headers.etag).toBe(tag);
    const unchanged = await search(WHOLE, { 'if-none-match': tag }, analyst);
    expect(unchanged.statusCode).toBe(304);
    expect(unchanged.body).toBe('');

    const gzipped = await search(WHOLE, { 'accept-encoding': 'gzip' }, analyst);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.etag).toBe(tag);
    expect(gunzipSync(gzipped.rawPayload).toString('utf8')).toBe(first.body);

    // HEAD answers GET's headers: the same tag and length, no body.
    const head = await ctx.request({ method: 'HEAD', url: WHOLE, key: analyst });
    expect(head.statusCode).toBe(200);
    expect(head.headers.etag).toBe(tag);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(first.body)));
    expect(head.body).toBe('');

    // Another viewer's page (anonymous: published only) has another count, so another tag.
    const anonymous = await search(WHOLE);
    expect((anonymous.json() as Page).numberMatched).toBe(6);
    expect(anonymous.headers.etag).not.toBe(tag);

    await ctx.db.query(sql`UPDATE plumes SET emission_auto = emission_auto + 1 WHERE plume_id = ${(first.json() as Page).features[0]!.id}`);
    const changed = await search(WHOLE, { 'if-none-match': tag }, analyst);
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(tag);
    expect(changed.body).toBe(serializeItemCollection(changed.json()));
  });
});
