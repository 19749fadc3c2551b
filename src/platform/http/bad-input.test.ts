import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { asUser, signedInUser } from '../../../test/support/accounts.js';

let ctx: TestContext;
let key: string;
beforeAll(async () => {
  ctx = await createTestContext();
  key = await (await ctx.organization('Bad input')).key();
});
afterAll(() => ctx?.close());

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const json = { 'content-type': 'application/json' };
const emission = (fields: string) => `{"facility_id":"fac_bad_input","scope":1,"value":1,"timestamp":"2024-01-01T00:00:00Z",${fields}}`;

describe('deeply nested JSON', () => {
  it('is refused in the family shape wherever it is, before anything tries to store or echo it', async () => {
    const metadata = await ctx.request({ method: 'POST', url: '/v2/emissions', key, headers: json, payload: emission(`"metadata":{"a":${nested(5000)}}`) });
    expect(metadata.statusCode).toBe(400);
    expect(metadata.json()).toMatchObject({ code: 'INVALID_PAYLOAD', message: expect.stringContaining('nested more than 32 levels deep') });
    const batch = await ctx.request({ method: 'POST', url: '/v2/emissions/batch', key, headers: json, payload: `{"records":[${nested(5000)}]}` });
    expect(batch.statusCode).toBe(400);
    expect(batch.json().code).toBe('INVALID_PAYLOAD');
    const facility = await ctx.request({ method: 'POST', url: '/v1/facilities', key, headers: json, payload: `{"name":${nested(5000)}}` });
    expect(facility.statusCode).toBe(422);
    expect(facility.json().detail[0]).toMatchObject({ loc: expect.arrayContaining(['body', 'name']), type: 'max_depth' });
  });

  it('in a free-form field, is bounded more tightly by its own depth and size limits', async () => {
    const deep = await ctx.request({ method: 'POST', url: '/v2/emissions', key, headers: json, payload: emission(`"metadata":{"a":${nested(20)}}`) });
    expect(deep.statusCode).toBe(400);
    expect(deep.json().details[0]).toMatchObject({ field: 'metadata', message: 'must not be nested more than 16 levels deep' });
    const large = await ctx.request({ method: 'POST', url: '/v2/emissions', key, headers: json, payload: emission(`"metadata":{"a":"${'x'.repeat(20_000)}"}`) });
    expect(large.statusCode).toBe(400);
    expect(large.json().details[0]).toMatchObject({ field: 'metadata', message: 'must not be larger than 16384 bytes as JSON' });
    const user = await signedInUser(ctx, 'nesting@example.test');
    const saved = await ctx.request({ method: 'POST', url: '/api/v1/account/search-request', headers: { ...asUser(user.access), ...json }, payload: `{"name":"deep","query":{"a":${nested(20)}}}` });
    expect(saved.statusCode).toBe(422);
    expect(saved.json().detail[0]).toMatchObject({ loc: ['body', 'query'], msg: 'must not be nested more than 16 levels deep' });
    const fine = await ctx.request({ method: 'POST', url: '/v2/emissions', key, headers: json, payload: emission(`"metadata":{"a":${nested(10)}}`) });
    expect(fine.statusCode).toBe(200);
    expect(fine.json().metadata).toEqual({ a: JSON.parse(nested(10)) });
  });
});

describe('numbers that are not finite', () => {
  it('are refused in bodies, naming the field, instead of being stored as null', async () => {
    const body = await ctx.request({ method: 'POST', url: '/v2/emissions', key, headers: json, payload: `{"facility_id":"f","scope":1,"value":1e400,"timestamp":"2024-01-01T00:00:00Z"}` });
    expect(body.statusCode).toBe(400);
    expect(body.json()).toMatchObject({ code: 'INVALID_PAYLOAD', details: [{ field: 'value', location: 'body', message: 'must be a finite number' }] });
    const factor = await ctx.request({ method: 'POST', url: '/v2/emission-factors', key, headers: json, payload: `{"activity":"x","unit":"kWh","region":"FR","year":2024,"kg_co2e_per_unit":-1e400,"scope":2,"source":"s"}` });
    expect(factor.statusCode).toBe(400);
    expect(factor.json().details[0]).toMatchObject({ field: 'kg_co2e_per_unit', message: 'must be a finite number' });
    const facility = await ctx.request({ method: 'POST', url: '/v1/facilities', key, headers: json, payload: `{"name":"a","type":"office","country":"ES","logistic_factor":1e999}` });
    expect(facility.statusCode).toBe(422);
    expect(facility.json().detail[0]).toMatchObject({ loc: ['body', 'logistic_factor'], type: 'finite' });
  });

  it('beyond a documented bound are refused by the schema, before any work', async () => {
    const organizationId = (await ctx.request({ method: 'GET', url: '/v1/whoami', key })).json().organization.id;
    const transfer = await ctx.request({ method: 'POST', url: `/organizations/${organizationId}/inventory/action/transfer`, key, payload: { creditId: 'c', amount: 1e300 } });
    expect(transfer.statusCode).toBe(422);
    expect(transfer.json().details[0]).toMatchObject({ field: 'amount', message: 'must be <= 1000000000' });
  });

  it('are refused in query strings too', async () => {
    const response = await ctx.request({ method: 'GET', url: '/v2/emission-factors?year=1e400', key });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('INVALID_PAYLOAD');
  });
});

describe('leap-second timestamps', () => {
  it('are refused as invalid date-times in bodies and query strings', async () => {
    const body = await ctx.request({ method: 'POST', url: '/v2/emissions', key, headers: json, payload: `{"facility_id":"f","scope":1,"value":1,"timestamp":"2016-12-31T23:59:60Z"}` });
    expect(body.statusCode).toBe(400);
    expect(body.json().details[0]).toMatchObject({ field: 'timestamp', message: 'must match format "date-time"' });
    const query = await ctx.request({ method: 'GET', url: '/v2/emissions?start_date=2016-12-31T23:59:60Z', key });
    expect(query.statusCode).toBe(400);
    expect(query.json().code).toBe('INVALID_PAYLOAD');
  });

  it('leave ordinary date-times with offsets and fractions accepted', async () => {
    const response = await ctx.request({ method: 'POST', url: '/v2/emissions', key, headers: json, payload: `{"facility_id":"f","scope":1,"value":1,"timestamp":"2016-12-31T23:59:59.5-01:00"}` });
    expect(response.statusCode).toBe(200);
    expect(response.json().timestamp).toBe('2017-01-01T00:59:59.500Z');
  });
});

describe("Fastify's own errors", () => {
  it('answer a malformed percent-encoding in the family of the URL', async () => {
    const emissions = await ctx.request({ method: 'GET', url: '/v2/emissions/%E0%A4%A', key });
    expect(emissions.statusCode).toBe(400);
    expect(emissions.json()).toEqual({ code: 'INVALID_PAYLOAD', message: expect.stringContaining('percent-encoding') });
    const plume = await ctx.request({ method: 'GET', url: '/api/v1/catalog/plume/%zz', key });
    expect(plume.statusCode).toBe(400);
    expect(plume.json()).toMatchObject({ detail: expect.stringContaining('percent-encoding') });
  });

  it('answer an over-long path parameter as a validation error of that family', async () => {
    const facilities = await ctx.request({ method: 'GET', url: `/v1/facilities/${'a'.repeat(300)}`, key });
    expect(facilities.statusCode).toBe(422);
    expect(facilities.json()).toMatchObject({ code: 'VALIDATION_ERROR', detail: [{ loc: ['path'], type: 'string_too_long' }] });
    const emissions = await ctx.request({ method: 'GET', url: `/v2/emissions/${'a'.repeat(300)}`, key });
    expect(emissions.statusCode).toBe(400);
    expect(emissions.json().code).toBe('INVALID_PAYLOAD');
  });
});

describe('a body that does not match its Content-Length', () => {
  it('is a 400 saying so, in the family shape', async () => {
    const response = await ctx.request({ method: 'POST', url: '/v2/emissions', key, headers: { ...json, 'content-length': '40' }, payload: '{"scope":1}' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ code: 'INVALID_PAYLOAD', message: 'Request body is shorter or longer than its Content-Length.' });
  });
});

describe('security headers', () => {
  it('are on every response: API answers, errors and the /docs page, with a CSP swagger-ui can run under', async () => {
    const api = await ctx.request({ method: 'GET', url: '/healthz' });
    const error = await ctx.request({ method: 'GET', url: '/v2/emissions/%zz' });
    const docs = await ctx.request({ method: 'GET', url: '/docs/' });
    for (const response of [api, error, docs]) {
      expect(response.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
    expect(api.headers['content-security-policy']).toContain("default-src 'none'");
    const docsPolicy = String(docs.headers['content-security-policy']);
    expect(docsPolicy).toContain("script-src 'self'");
    expect(docsPolicy).toContain("style-src 'self' 'unsafe-inline'");
    expect(docsPolicy).toContain("img-src 'self' data:");
    expect(docsPolicy).not.toContain("'unsafe-eval'");
  });
});
