import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { drainQueue } from '../../platform/jobs/jobs.js';
import { IMPORT_QUEUE, runImport } from './ingest/imports.service.js';

let ctx: TestContext;
let key: string;
beforeAll(async () => {
  // No import worker: the test runs the queue itself and reads the job's final state.
  ctx = await createTestContext({ IMPORT_WORKERS: '0' });
  key = await (await ctx.organization('Bad emissions input')).key(['emissions:read', 'emissions:write']);
});
afterAll(() => ctx?.close());

const MALFORMED_CSV = 'facility_id,scope,value,timestamp\nfac_csv,1,1,2024-01-01T00:00:00Z\n"fac_csv,1,1,2024-01-02T00:00:00Z\nfac_csv,1,1,2024-01-03T00:00:00Z\n';
const record = (fields: object) => ({ facility_id: 'fac_rows', scope: 1, value: 1, timestamp: '2024-02-01T00:00:00Z', ...fields });

describe('malformed CSV', () => {
  it('is a 400 INVALID_PAYLOAD naming the line on the synchronous import', async () => {
    const response = await ctx.request({ method: 'POST', url: '/v2/emissions/import', key, headers: { 'content-type': 'text/csv' }, payload: MALFORMED_CSV });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ code: 'INVALID_PAYLOAD', message: expect.stringMatching(/^Malformed CSV, a quoted field opened in row 3 is never closed \(the file ends at line \d+\)/) });
  });

  it('fails the import job with that message instead of asking for the file again', async () => {
    const accepted = await ctx.request({ method: 'POST', url: '/v2/emissions/imports', key, headers: { 'content-type': 'text/csv' }, payload: MALFORMED_CSV });
    expect(accepted.statusCode).toBe(202);
    await drainQueue(ctx.db, IMPORT_QUEUE, (payload, db) => runImport(db, String(payload.importId)));
    const job = (await ctx.request({ method: 'GET', url: `/v2/emissions/imports/${accepted.json().id}`, key })).json();
    expect(job.status).toBe('failed');
    expect(job.failure).toMatch(/^Malformed CSV, a quoted field opened in row 3 is never closed/);
    expect(job.failure).not.toMatch(/Send it again/);
  });
});

describe('rows of uploads and batches', () => {
  it('are checked like single records: non-finite, too deep, out of range and leap-second rows are reported, the rest stored', async () => {
    const lines = [
      JSON.stringify(record({ external_id: 'ok' })),
      JSON.stringify(record({})).replace('"value":1', '"value":1e400'),
      JSON.stringify(record({})).replace('"value":1', `"value":1,"metadata":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`),
      JSON.stringify(record({ value: 1e300 })),
      JSON.stringify(record({ timestamp: '2016-12-31T23:59:60Z' })),
    ];
    const response = await ctx.request({ method: 'POST', url: '/v2/emissions/import', key, headers: { 'content-type': 'application/x-ndjson' }, payload: lines.join('\n') });
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({ received: 5, created: 1, failed: 4 });
    expect(report.errors).toEqual([
      { row: 2, message: 'value: must be a finite number' },
      { row: 3, message: expect.stringMatching(/^metadata\.a(\.0)+: is nested more than 32 levels deep$/) },
      { row: 4, message: 'value: must be <= 1000000000000' },
      { row: 5, message: 'timestamp: must match format "date-time"' },
    ]);
  });
});

describe('quantities and their sums', () => {
  it('refuses a value over the documented bound, which used to be stored as null', async () => {
    const response = await ctx.request({ method: 'POST', url: '/v2/emissions', key, payload: record({ value: 1e308 }) });
    expect(response.statusCode).toBe(400);
    expect(response.json().details[0]).toMatchObject({ field: 'value', message: 'must be <= 1000000000000' });
  });

  it('adds records at the bound in insights without overflowing', async () => {
    const at = (day: string) => record({ facility_id: 'fac_big', value: 1e12, unit: 'tCO2e', timestamp: `2023-05-${day}T00:00:00Z` });
    for (const day of ['01', '02']) expect((await ctx.request({ method: 'POST', url: '/v2/emissions', key, payload: at(day) })).statusCode).toBe(200);
    const insights = await ctx.request({ method: 'GET', url: '/v2/emissions/insights?year=2023&facility_id=fac_big', key });
    expect(insights.statusCode).toBe(200);
    expect(insights.json().total_kg).toBe(2e15);
  });

  it('cannot be stored as Infinity even by a write that skips validation', async () => {
    const write = ctx.db.query(sql`
      INSERT INTO emissions (organization_id, id, facility_id, scope, value_kg, reported_value, reported_unit, occurred_at)
      SELECT organization_id, 'em_infinity0001', 'fac_inf', 1, 'Infinity'::float8, 1, 'kgCO2e', now() FROM emissions LIMIT 1`);
    await expect(write).rejects.toThrow(/emissions_quantities_finite/);
  });

  it('refuses a factor that is not finite or beyond the bound', async () => {
    const factor = (value: string) => `{"activity":"x","unit":"kWh","region":"FR","year":2024,"kg_co2e_per_unit":${value},"scope":2,"source":"s"}`;
    for (const value of ['1e400', '1e300']) {
      const response = await ctx.request({ method: 'POST', url: '/v2/emission-factors', key, headers: { 'content-type': 'application/json' }, payload: factor(value) });
      expect(response.statusCode).toBe(400);
      expect(response.json().details[0].field).toBe('kg_co2e_per_unit');
    }
  });
});
