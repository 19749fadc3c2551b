import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import SwaggerParser from '@apidevtools/swagger-parser';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ BODY_LIMIT_BYTES: '2048' });
});
afterAll(() => ctx?.close());

describe('operations endpoints', () => {
  it('answers /healthz and /readyz without credentials', async () => {
    expect((await ctx.request({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await ctx.request({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', database: process.env.DATABASE_URL ? 'postgres' : 'pglite' });
  });

  it('gives every response a request id, echoing a well-formed incoming one', async () => {
    const generated = await ctx.request({ method: 'GET', url: '/healthz' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await ctx.request({ method: 'GET', url: '/v1/whoami', headers: { 'x-request-id': 'trace-123' } });
    expect(echoed.headers['x-request-id']).toBe('trace-123');
    const unsafe = await ctx.request({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'a b\u00e9' } });
    expect(unsafe.headers['x-request-id']).not.toBe('a b\u00e9');
  });
});

describe('route schemas', () => {
  it('compile at first use, and every one of them compiles', async () => {
    const key = await (await ctx.organization('Schema compilation')).key();
    const first = await ctx.request({ method: 'GET', url: '/v1/facilities?page=1&size=2', key });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ items: [], total: 0 });
    const waiting = ctx.app.schemaCompilation.compileAll();
    // Hundreds of routes, each with validators (params, query, body) and a serializer per status.
    expect(waiting).toBeGreaterThan(500);
    expect(ctx.app.schemaCompilation.compileAll()).toBe(0);
    const refused = await ctx.request({ method: 'GET', url: '/v1/facilities?size=abc', key });
    expect(refused.statusCode).toBe(422);
  });
});

describe('OpenAPI', () => {
  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const response = await ctx.request({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/facilities', '/v1/facilities/{facility_id}', '/v1/whoami', '/v1/auth/token', '/v1/api-keys']));
    const list = document.paths['/v1/facilities'].get;
    expect(list.operationId).toBe('listFacilities');
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['page', 'size', 'name', 'country', 'type', 'status[]']));
    expect(list.parameters.filter((p: { required: boolean }) => p.required)).toEqual([]);
    expect(list.responses['200'].content['application/json'].schema.properties).toHaveProperty('total2');
    expect(document.paths['/v1/facilities/{facility_id}'].patch.requestBody.content['application/json'].schema.properties.cups_list).toBeDefined();
    expect(document.components.securitySchemes).toHaveProperty('apiKeyAuth');
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item as Record<string, { operationId?: string; tags?: string[] }>));
    for (const operation of operations) {
      expect(operation.operationId).toBeTruthy();
      expect(operation.tags?.length).toBeGreaterThan(0);
    }
  });

  it('serves the interactive reference at /docs without credentials, titled as Carbon Atlas', async () => {
    const response = await ctx.request({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('<title>Carbon Atlas API</title>');
  });

  it('is a valid document that generators accept: named shared schemas, declared and grouped tags, a server', async () => {
    const document = (await ctx.request({ method: 'GET', url: '/openapi.json' })).json();
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeTruthy();
    expect(JSON.stringify(document)).not.toMatch(/def-\d+/);
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['PlumeError']));
    expect(document.servers).toEqual([{ url: expect.stringMatching(/^http/), description: 'This server' }]);
    const operationIds = Object.values(document.paths).flatMap((item) => Object.values(item as Record<string, { operationId: string }>).map((operation) => operation.operationId));
    expect(operationIds.filter((id, index) => operationIds.indexOf(id) !== index)).toEqual([]);
    const declared = new Set(document.tags.map((tag: { name: string }) => tag.name));
    const grouped = new Set(document['x-tagGroups'].flatMap((group: { tags: string[] }) => group.tags));
    const used = Object.values(document.paths).flatMap((item) => Object.values(item as Record<string, { tags?: string[] }>).flatMap((operation) => operation.tags ?? []));
    for (const tag of used) {
      expect(declared.has(tag), `tag ${tag} is declared`).toBe(true);
      expect(grouped.has(tag), `tag ${tag} is in a group`).toBe(true);
    }
  });

  it('serves the same document as YAML', async () => {
    const response = await ctx.request({ method: 'GET', url: '/openapi.yaml' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/yaml');
    expect(response.body).toMatch(/^openapi: 3\.1\.0/);
  });
});

describe('malformed requests never produce a 5xx', () => {
  it('answers unknown routes with 404 in the family format', async () => {
    const platform = await ctx.request({ method: 'GET', url: '/nowhere' });
    expect(platform.statusCode).toBe(404);
    expect(platform.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers 413 to a body over the limit and 415 to an unsupported content type', async () => {
    const key = await (await ctx.organization('Limits')).key();
    const big = await ctx.request({ method: 'POST', url: '/v1/facilities', key, payload: { name: 'x'.repeat(4096), type: 'office', country: 'ES' } });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const xml = await ctx.request({ method: 'POST', url: '/v1/facilities', key, headers: { 'content-type': 'application/xml' }, payload: '<facility/>' });
    expect(xml.statusCode).toBe(415);
  });

  it.each([
    ['POST', '/v1/facilities', 'null'],
    ['POST', '/v1/facilities', '[]'],
    ['POST', '/v1/facilities', '"text"'],
    ['POST', '/v1/facilities', '{"name":{"$gt":""},"type":["office"],"country":1}'],
    ['POST', '/v1/facilities', '{"name":"a","type":"office","country":"ES","cups_list":"ES1234123456789012AA"}'],
    ['POST', '/v1/facilities', '{"name":"a","type":"office","country":"ES","logistic_factor":"NaN"}'],
    ['PATCH', '/v1/facilities/00000000-0000-0000-0000-000000000000', '{"name":null}'],
    ['POST', '/v1/auth/token', '{"email":"a@b.c","password":"x","organization_id":"not-a-uuid"}'],
    ['POST', '/v1/auth/refresh', '{"refresh_token":"x.y.z"}'],
    ['GET', '/v1/facilities?page=99999999999999999999', ''],
    ['GET', '/v1/facilities?size=abc', ''],
    ['GET', '/v1/facilities?name=a%00b', ''],
  ])('%s %s with %s is a 4xx', async (method, url, payload) => {
    const key = await (await ctx.organization('Fuzz')).key();
    const response = await ctx.request({ method: method as 'POST', url, key, headers: { 'content-type': 'application/json' }, ...(payload ? { payload } : {}) });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(response.body).not.toMatch(/at .*\.ts:\d+|SELECT|stack/i);
  });
});
