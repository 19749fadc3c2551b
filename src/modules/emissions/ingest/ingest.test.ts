import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../../test/support/test-app.js';

let ctx: TestContext;
let acme: TestOrganization;
let key: string;

const record = (i: number, extra: object = {}) => ({ facility_id: 'fac_bulk', scope: (i % 3) + 1, category: 'fuel', value: i, unit: 'kgCO2e', timestamp: '2024-06-01T00:00:00Z', external_id: `row-${i}`, ...extra });

beforeAll(async () => {
  ctx = await createTestContext({ IMPORT_LIMIT_BYTES: '20000' });
  acme = await ctx.organization('Acme');
  key = await acme.key(['emissions:write']);
});
afterAll(() => ctx?.close());

async function count(facility: string) {
  return (await ctx.request({ method: 'GET', url: `/v2/emissions?facility_id=${facility}&limit=500`, key })).json().data.length;
}

describe('POST /v2/emissions/batch', () => {
  it('stores the valid records and reports the invalid ones by row', async () => {
    const records = [record(1), record(2, { scope: 9 }), record(3), { value: 1 }, record(5, { timestamp: 'soon' })];
    const response = await ctx.request({ method: 'POST', url: '/v2/emissions/batch', key, payload: { records } });
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({ received: 5, created: 2, duplicates: 0, failed: 3 });
    expect(report.errors.map((e: { row: number }) => e.row)).toEqual([2, 4, 5]);
    expect(report.errors[0].message).toMatch(/scope/);
    expect(await count('fac_bulk')).toBe(2);
  });

  it('creates nothing twice: by Idempotency-Key, and by external_id', async () => {
    const payload = { records: [record(10), record(11)] };
    const headers = { 'idempotency-key': 'batch-2024-06' };
    const first = (await ctx.request({ method: 'POST', url: '/v2/emissions/batch', key, headers, payload })).json();
    const again = (await ctx.request({ method: 'POST', url: '/v2/emissions/batch', key, headers, payload })).json();
    expect(first).toMatchObject({ created: 2 });
    expect(again).toEqual(first);
    const other = await ctx.request({ method: 'POST', url: '/v2/emissions/batch', key, headers, payload: { records: [record(12)] } });
    expect(other.statusCode).toBe(409);
    const withoutKey = (await ctx.request({ method: 'POST', url: '/v2/emissions/batch', key, payload })).json();
    expect(withoutKey).toMatchObject({ received: 2, created: 0, duplicates: 2 });
    expect(await count('fac_bulk')).toBe(4);
  });

  it('keeps the order of the records across chunks, with absent fields and repeated external_ids', async () => {
    const records = Array.from({ length: 1203 }, (_, i) => ({ facility_id: 'fac_order', scope: 1, value: i, timestamp: '2024-07-01T00:00:00Z' }));
    records[700] = { ...records[700]!, external_id: 'twice', category: 'heat', metadata: { meter: { id: 7 } } } as (typeof records)[number];
    records[701] = { ...records[701]!, external_id: 'twice' } as (typeof records)[number];
    const report = (await ctx.request({ method: 'POST', url: '/v2/emissions/batch', key, payload: { records } })).json();
    expect(report).toMatchObject({ received: 1203, created: 1202, duplicates: 1, failed: 0 });

    const values: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { value: number }[]; pagination: { next_cursor: string | null } } = (
        await ctx.request({ method: 'GET', url: `/v2/emissions?facility_id=fac_order&limit=500${cursor ? `&cursor=${cursor}` : ''}`, key })
      ).json();
      values.push(...page.data.map((e) => e.value));
      if (!cursor) expect(page.data[0]).toMatchObject({ category: null, external_id: null, metadata: {} });
      cursor = page.pagination.next_cursor;
    } while (cursor);
    expect(values).toEqual(records.map((r) => r.value).filter((v) => v !== 701));
    const twice = (await ctx.request({ method: 'GET', url: '/v2/emissions?facility_id=fac_order&category=heat', key })).json().data;
    expect(twice).toEqual([expect.objectContaining({ value: 700, external_id: 'twice', metadata: { meter: { id: 7 } } })]);
  });

  it('answers 400 for an empty or oversized batch, 401 and 403', async () => {
    expect((await ctx.request({ method: 'POST', url: '/v2/emissions/batch', key, payload: { records: [] } })).json()).toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect((await ctx.request({ method: 'POST', url: '/v2/emissions/batch', payload: { records: [record(1)] } })).statusCode).toBe(401);
    const reader = await acme.key(['emissions:read']);
    expect((await ctx.request({ method: 'POST', url: '/v2/emissions/batch', key: reader, payload: { records: [record(1)] } })).statusCode).toBe(403);
  });
});

describe('POST /v2/emissions/import', () => {
  const upload = (type: string, body: string, headers: Record<string, string> = {}) =>
    ctx.request({ method: 'POST', url: '/v2/emissions/import', key, headers: { 'content-type': type, ...headers }, payload: body });

  it('streams NDJSON, reporting bad lines by number', async () => {
    const lines = [JSON.stringify(record(100, { facility_id: 'fac_nd' })), '', '{not json', JSON.stringify(record(101, { facility_id: 'fac_nd', unit: 'tCO2e' }))];
    const report = (await upload('application/x-ndjson', lines.join('\n'))).json();
    expect(report).toMatchObject({ received: 3, created: 2, failed: 1, errors: [{ row: 3, message: 'not valid JSON' }] });
    const stored = (await ctx.request({ method: 'GET', url: '/v2/emissions?facility_id=fac_nd', key })).json().data;
    expect(stored.map((e: { value: number }) => e.value)).toEqual([100, 101000]);
  });

  it('reads CSV with a header row, metadata as JSON, and replays an upload by its Idempotency-Key', async () => {
    const csv = [
      'facility_id,scope,category,value,unit,timestamp,external_id,metadata',
      'fac_csv,2,electricity,1450.5,kgCO2e,2024-11-15T14:30:00Z,csv-1,"{""meter_id"":""MTR-0042""}"',
      'fac_csv,4,electricity,1,kgCO2e,2024-11-15T14:30:00Z,csv-2,',
      'fac_csv,1,fuel,2.5,tCO2e,2024-11-16T00:00:00Z,csv-3,',
    ].join('\r\n');
    const headers = { 'idempotency-key': 'csv-upload-1' };
    const report = (await upload('text/csv', csv, headers)).json();
    expect(report).toMatchObject({ received: 3, created: 2, failed: 1 });
    expect(report.errors[0].row).toBe(3);
    expect((await upload('text/csv', csv, headers)).json()).toEqual(report);
    const stored = (await ctx.request({ method: 'GET', url: '/v2/emissions?facility_id=fac_csv', key })).json().data;
    expect(stored).toHaveLength(2);
    expect(stored[0]).toMatchObject({ value: 1450.5, metadata: { meter_id: 'MTR-0042' } });
  });

  it('refuses other content types (415) and uploads over the limit (413)', async () => {
    expect((await upload('text/plain', 'x')).statusCode).toBe(415);
    const big = Array.from({ length: 200 }, (_, i) => JSON.stringify(record(1000 + i, { facility_id: 'fac_big' }))).join('\n');
    const response = await upload('application/x-ndjson', big);
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });
});
