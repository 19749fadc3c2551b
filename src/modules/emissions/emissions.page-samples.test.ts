import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';

// The emissions page's requests as it writes them (docs/emissions.md, "Differences from the page").
let ctx: TestContext;
let key: string;

const PAGE_RECORD = {
  facility_id: 'fac_8x92m1',
  scope: 2,
  category: 'electricity',
  value: 1450.5,
  unit: 'kgCO2e',
  timestamp: '2024-11-15T14:30:00Z',
  metadata: { meter_id: 'MTR-0042', source: 'iot_sensor' },
};

beforeAll(async () => {
  ctx = await createTestContext();
  key = await (await ctx.organization('Acme')).key(['emissions:read', 'emissions:write']);
});
afterAll(() => ctx?.close());

function rateLimitHeaders(response: { headers: Record<string, unknown> }) {
  return ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'].map((name) => Number(response.headers[name]));
}

describe("the emissions page's requests", () => {
  it('answers a submitted record with 200 OK, as the page says every success does, in the page’s record shape', async () => {
    const response = await ctx.request({ method: 'POST', url: '/v2/emissions', key, headers: { 'content-type': 'application/json' }, payload: PAGE_RECORD });
    expect(response.statusCode).toBe(200);
    const record = response.json();
    expect(record).toMatchObject({ ...PAGE_RECORD, id: expect.stringMatching(/^em_/) });
    expect(typeof record.value).toBe('number');
    const listed = await ctx.request({ method: 'GET', url: '/v2/emissions?start_date=2024-01-01&end_date=2024-12-31&scope=1,2,3', key });
    expect(listed.json()).toEqual({ data: [record], pagination: { next_cursor: null, has_more: false } });
  });

  it('carries X-RateLimit-* on a 401 without credentials and with a wrong key, spending the address budget', async () => {
    const anonymous = await ctx.request({ method: 'GET', url: '/v2/emissions' });
    const wrongKey = await ctx.request({ method: 'GET', url: '/v2/emissions', key: 'not-a-real-key' });
    for (const response of [anonymous, wrongKey]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'UNAUTHORIZED' });
      const [limit, remaining, reset] = rateLimitHeaders(response);
      expect(limit).toBeGreaterThan(0);
      expect(remaining).toBeGreaterThanOrEqual(0);
      expect(reset).toBeGreaterThan(1_700_000_000);
    }
    expect(rateLimitHeaders(wrongKey)[1]).toBe(rateLimitHeaders(anonymous)[1]! - 1);
  });

  it('carries X-RateLimit-* on a 400 and a 200 too', async () => {
    const invalid = await ctx.request({ method: 'POST', url: '/v2/emissions', key, payload: { ...PAGE_RECORD, scope: 4 } });
    expect(invalid.statusCode).toBe(400);
    const fine = await ctx.request({ method: 'GET', url: '/v2/emissions', key });
    expect(fine.statusCode).toBe(200);
    for (const response of [invalid, fine]) expect(rateLimitHeaders(response).every(Number.isFinite)).toBe(true);
  });
});
