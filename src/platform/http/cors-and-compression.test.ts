import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { loadDemoCatalog } from '../../modules/catalog/demo/demo.service.js';
import { allowedOrigins } from './cors-and-compression.js';
import { matchesEntityTag } from './conditional-get.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ CORS_ORIGINS: 'https://dashboard.example, https://notebook.example' });
  const org = await ctx.organization('Compression Org');
  await loadDemoCatalog(ctx.db, { plumes: 300, seed: 7, organizationId: org.id });
});
afterAll(() => ctx?.close());

describe('CORS_ORIGINS', () => {
  it('reads a comma-separated list, * for any, and nothing when unset', () => {
    expect(allowedOrigins(undefined)).toBe(false);
    expect(allowedOrigins('https://a.example, https://b.example')).toEqual(['https://a.example', 'https://b.example']);
    expect(allowedOrigins('*')).toBe(true);
  });

  it('answers a preflight from a listed origin with the methods and credential headers a client needs', async () => {
    const response = await ctx.request({
      method: 'OPTIONS',
      url: '/v1/facilities',
      headers: { origin: 'https://dashboard.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('https://dashboard.example');
    expect(String(response.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(response.headers['access-control-allow-headers'])).toContain('authorization');
  });

  it('gives an unlisted origin no CORS headers, so its pages cannot read answers', async () => {
    const response = await ctx.request({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('exposes the request id and rate-limit headers to a listed origin', async () => {
    const response = await ctx.request({ method: 'GET', url: '/healthz', headers: { origin: 'https://notebook.example' } });
    expect(response.headers['access-control-allow-origin']).toBe('https://notebook.example');
    expect(String(response.headers['access-control-expose-headers'])).toContain('x-request-id');
  });
});

describe('response compression', () => {
  it('gzips JSON when the client accepts it, to the same document', async () => {
    const plain = await ctx.request({ method: 'GET', url: '/openapi.json' });
    const zipped = await ctx.request({ method: 'GET', url: '/openapi.json', headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    const body = gunzipSync(zipped.rawPayload).toString('utf8');
    expect(JSON.parse(body)).toEqual(plain.json());
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 4);
  });

  // Up to 512 KiB in one synchronous call; above, through the app's own streams (64 KiB chunks).
  it.each([
    { size: 'between 8 and 512 KiB (one synchronous call)', limit: 100, inRange: (bytes: number) => bytes > 8 * 1024 && bytes < 512 * 1024 },
    { size: 'over 512 KiB (streamed)', limit: 300, inRange: (bytes: number) => bytes > 512 * 1024 },
  ])('compresses an answer $size to the same document, gzip and brotli', async ({ limit, inRange }) => {
    const url = `/api/v1/stac/search?limit=${limit}`;
    const plain = await ctx.request({ method: 'GET', url });
    expect(inRange(plain.rawPayload.length)).toBe(true);
    const gzipped = await ctx.request({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
    const brotli = await ctx.request({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect([gzipped.headers['content-encoding'], brotli.headers['content-encoding']]).toEqual(['gzip', 'br']);
    // Item ids, not whole documents: each answer signs its asset links with its own expiry.
    const itemIds = (page: { features: unknown[] }) => page.features.map((item) => (item as { id: string }).id);
    expect(itemIds(JSON.parse(gunzipSync(gzipped.rawPayload).toString('utf8')))).toEqual(itemIds(plain.json()));
    expect(itemIds(JSON.parse(brotliDecompressSync(brotli.rawPayload).toString('utf8')))).toEqual(itemIds(plain.json()));
    expect(itemIds(plain.json())).toHaveLength(limit);
    expect(brotli.rawPayload.length).toBeLessThan(plain.rawPayload.length / 4);
  });

  it('prefers brotli for a streamed CSV export and keeps every row', async () => {
    const plain = await ctx.request({ method: 'GET', url: '/api/v1/catalog/plume-csv?limit=1000' });
    const compressed = await ctx.request({ method: 'GET', url: '/api/v1/catalog/plume-csv?limit=1000', headers: { 'accept-encoding': 'br, gzip' } });
    expect(compressed.statusCode).toBe(200);
    expect(compressed.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(compressed.rawPayload).toString('utf8')).toBe(plain.body);
    expect(plain.body.trim().split('\n').length).toBeGreaterThan(100);
  });

  it('leaves small answers and clients that ask for nothing uncompressed', async () => {
    expect((await ctx.request({ method: 'GET', url: '/healthz', headers: { 'accept-encoding': 'gzip' } })).headers['content-encoding']).toBeUndefined();
    expect((await ctx.request({ method: 'GET', url: '/openapi.json' })).headers['content-encoding']).toBeUndefined();
  });
});

describe('conditional GET', () => {
  it('tags a JSON answer and answers 304 without a body to a client that holds it, also compressed', async () => {
    const org = await ctx.organization('ETag Org');
    const key = await org.key();
    const first = await ctx.request({ method: 'GET', url: '/v1/facilities', key });
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^W\/".+"$/);
    const again = await ctx.request({ method: 'GET', url: '/v1/facilities', key, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const zipped = await ctx.request({ method: 'GET', url: '/openapi.json', headers: { 'accept-encoding': 'gzip' } });
    const zippedAgain = await ctx.request({ method: 'GET', url: '/openapi.json', headers: { 'accept-encoding': 'gzip', 'if-none-match': String(zipped.headers.etag) } });
    expect(zippedAgain.statusCode).toBe(304);
  });

  it('answers in full when the data changed, and never 304s a write', async () => {
    const org = await ctx.organization('ETag Writer');
    const key = await org.key();
    const before = await ctx.request({ method: 'GET', url: '/v1/facilities', key });
    const created = await ctx.request({
      method: 'POST',
      url: '/v1/facilities',
      key,
      headers: { 'if-none-match': String(before.headers.etag) },
      payload: { name: 'Tagged', type: 'warehouse', country: 'ES', categories: ['electricity'] },
    });
    expect(created.statusCode).toBe(201);
    const after = await ctx.request({ method: 'GET', url: '/v1/facilities', key, headers: { 'if-none-match': String(before.headers.etag) } });
    expect(after.statusCode).toBe(200);
    expect(after.json().total).toBe(1);
  });

  it('compares weak and strong forms and lists, as RFC 9110 asks', () => {
    expect(matchesEntityTag('"abc"', 'W/"abc"')).toBe(true);
    expect(matchesEntityTag('W/"x", W/"abc"', 'W/"abc"')).toBe(true);
    expect(matchesEntityTag('*', 'W/"abc"')).toBe(true);
    expect(matchesEntityTag('"abd"', 'W/"abc"')).toBe(false);
    expect(matchesEntityTag(undefined, 'W/"abc"')).toBe(false);
  });
});
