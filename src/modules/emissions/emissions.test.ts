import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';

let ctx: TestContext;
let acme: TestOrganization;
let globex: TestOrganization;
let acmeKey: string;
let globexKey: string;

const PAGE_EXAMPLE = {
  facility_id: 'fac_8x92m1',
  scope: 2,
  category: 'electricity',
  value: 1450.5,
  unit: 'kgCO2e',
  timestamp: '2024-11-15T14:30:00Z',
  metadata: { meter_id: 'MTR-0042', source: 'iot_sensor' },
};

beforeAll(async () => {
  ctx = await createTestContext({ RATE_LIMIT_STANDARD: '10000' });
  acme = await ctx.organization('Acme');
  globex = await ctx.organization('Globex');
  acmeKey = await acme.key(['emissions:write']);
  globexKey = await globex.key(['emissions:read', 'emissions:write']);
});
afterAll(() => ctx?.close());

const submit = (key: string, payload: object) => ctx.request({ method: 'POST', url: '/v2/emissions', key, payload });
const list = (key: string, query: string) => ctx.request({ method: 'GET', url: `/v2/emissions${query}`, key });

describe('POST and GET /v2/emissions', () => {
  it("accepts the page's example verbatim and returns it in the page's shape", async () => {
    const created = await submit(acmeKey, PAGE_EXAMPLE);
    expect(created.statusCode).toBe(200);
    expect(created.headers['idempotent-replayed']).toBeUndefined();
    const record = created.json();
    expect(record).toMatchObject({ ...PAGE_EXAMPLE, source: 'api', voided: false, reported: { value: 1450.5, unit: 'kgCO2e' } });
    expect(record.id).toMatch(/^em_[0-9a-z]{16}$/);

    const fetched = await ctx.request({ method: 'GET', url: `/v2/emissions/${record.id}`, key: acmeKey });
    expect(fetched.json()).toEqual(record);
    const page = (await list(acmeKey, '?start_date=2024-01-01&end_date=2024-12-31&scope=1,2,3')).json();
    expect(page).toEqual({ data: [record], pagination: { next_cursor: null, has_more: false } });
  });

  it('normalises tCO2e and gCO2e to kgCO2e, keeping what was reported', async () => {
    const tonnes = (await submit(acmeKey, { ...PAGE_EXAMPLE, value: 2.5, unit: 'tCO2e' })).json();
    expect(tonnes).toMatchObject({ value: 2500, unit: 'kgCO2e', reported: { value: 2.5, unit: 'tCO2e' } });
    const grams = (await submit(acmeKey, { ...PAGE_EXAMPLE, value: 1234, unit: 'gCO2e' })).json();
    expect(grams).toMatchObject({ value: 1.234, unit: 'kgCO2e' });
  });

  it('answers 400 INVALID_PAYLOAD with {code, message} for invalid records', async () => {
    for (const payload of [
      { ...PAGE_EXAMPLE, scope: 4 },
      { ...PAGE_EXAMPLE, value: -1 },
      { ...PAGE_EXAMPLE, unit: 'lbCO2e' },
      { ...PAGE_EXAMPLE, timestamp: 'yesterday' },
      { scope: 2, value: 1, timestamp: '2024-11-15T14:30:00Z' },
    ]) {
      const response = await submit(acmeKey, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json()).toMatchObject({ code: 'INVALID_PAYLOAD', message: expect.any(String) });
    }
    const malformed = await ctx.request({ method: 'POST', url: '/v2/emissions', key: acmeKey, headers: { 'content-type': 'application/json' }, payload: '{"scope":' });
    expect(malformed.json()).toMatchObject({ code: 'INVALID_PAYLOAD' });
  });

  it('answers 401 UNAUTHORIZED, 403 FORBIDDEN and hides other organizations’ records', async () => {
    expect((await ctx.request({ method: 'GET', url: '/v2/emissions' })).json()).toEqual({ code: 'UNAUTHORIZED', message: 'Missing or invalid credentials.' });
    const facilitiesOnly = await acme.key(['facilities:read']);
    expect((await list(facilitiesOnly, '')).json()).toMatchObject({ code: 'FORBIDDEN' });
    const mine = (await list(acmeKey, '')).json().data[0];
    expect((await ctx.request({ method: 'GET', url: `/v2/emissions/${mine.id}`, key: globexKey })).statusCode).toBe(404);
    expect((await list(globexKey, '')).json().data).toEqual([]);
  });

  it('creates nothing twice for a repeated external_id', async () => {
    const first = await submit(globexKey, { ...PAGE_EXAMPLE, external_id: 'meter-42-2024-11' });
    const again = await submit(globexKey, { ...PAGE_EXAMPLE, value: 9999, external_id: 'meter-42-2024-11' });
    expect(first.statusCode).toBe(200);
    expect(again.statusCode).toBe(200);
    expect([first.headers['idempotent-replayed'], again.headers['idempotent-replayed']]).toEqual([undefined, 'true']);
    expect(again.json()).toEqual(first.json());
  });
});

describe('filters, cursors and corrections', () => {
  let org: TestOrganization;
  let key: string;
  beforeAll(async () => {
    org = await ctx.organization('Pager');
    key = await org.key(['emissions:write']);
    for (let i = 0; i < 25; i += 1) {
      await submit(key, { facility_id: i % 2 ? 'fac_b' : 'fac_a', scope: (i % 3) + 1, category: i % 2 ? 'fuel' : 'electricity', value: i, timestamp: `2024-0${(i % 9) + 1}-10T00:00:00Z` });
    }
  });

  it('filters by dates (end_date includes its day), scopes, facility and category', async () => {
    const values = async (query: string) => (await list(key, `${query}&limit=500`)).json().data.map((e: { value: number }) => e.value);
    expect(await values('?scope=1')).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24]);
    expect(await values('?scope=1,3&facility_id=fac_a')).toEqual([0, 2, 6, 8, 12, 14, 18, 20, 24]);
    expect(await values('?category=fuel&start_date=2024-02-01&end_date=2024-02-10')).toEqual([1, 19]);
    expect(await values('?category=fuel&start_date=2024-02-01&end_date=2024-02-09')).toEqual([]);
    expect(await values('?start_date=2024-09-10T00:00:00Z')).toEqual([8, 17]);
    expect((await list(key, '?scope=4')).statusCode).toBe(400);
  });

  it('pages without skipping or repeating while new records arrive, and refuses tampered cursors', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let arrivals = 0;
    do {
      const response = await list(key, `?limit=5&facility_id=fac_a${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.statusCode).toBe(200);
      const page = response.json();
      seen.push(...page.data.map((e: { value: number }) => e.value));
      cursor = page.pagination.next_cursor;
      expect(page.pagination.has_more).toBe(cursor !== null);
      if (arrivals < 2) {
        arrivals += 1;
        await submit(key, { facility_id: 'fac_a', scope: 1, value: 100 + arrivals, timestamp: '2024-01-01T00:00:00Z' });
      }
    } while (cursor);
    expect(seen).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 101, 102]);

    const first = (await list(key, '?limit=2&facility_id=fac_a')).json().pagination.next_cursor;
    const [payload, signature] = first.split('.');
    const forged = `${Buffer.from(JSON.stringify({ s: 0 })).toString('base64url')}.${signature}`;
    expect((await list(key, `?limit=2&facility_id=fac_a&cursor=${forged}`)).json()).toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect((await list(key, `?limit=2&facility_id=fac_b&cursor=${first}`)).statusCode).toBe(400);
    expect((await list(globexKey, `?limit=2&facility_id=fac_a&cursor=${first}`)).statusCode).toBe(400);
    expect(payload).toBeTruthy();
  });

  it('voids a record with a reason instead of deleting it', async () => {
    const record = (await submit(key, { facility_id: 'fac_void', scope: 3, value: 12, timestamp: '2024-05-01T00:00:00Z' })).json();
    const voided = await ctx.request({ method: 'POST', url: `/v2/emissions/${record.id}/void`, key, payload: { reason: 'meter double-counted' } });
    expect(voided.statusCode).toBe(200);
    expect(voided.json()).toMatchObject({ id: record.id, voided: true, void_reason: 'meter double-counted' });
    expect((await list(key, '?facility_id=fac_void')).json().data).toEqual([]);
    expect((await list(key, '?facility_id=fac_void&include_voided=true')).json().data.map((e: { id: string }) => e.id)).toEqual([record.id]);
    expect((await ctx.request({ method: 'GET', url: `/v2/emissions/${record.id}`, key })).json().voided).toBe(true);
    expect((await ctx.request({ method: 'POST', url: `/v2/emissions/${record.id}/void`, key: globexKey, payload: { reason: 'x' } })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'POST', url: `/v2/emissions/${record.id}/void`, key, payload: {} })).statusCode).toBe(400);
  });
});
