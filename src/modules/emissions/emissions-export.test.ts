import { parse } from 'csv-parse/sync';
import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';

let ctx: TestContext;
let acmeKey: string;
let globexKey: string;
beforeAll(async () => {
  ctx = await createTestContext();
  const acme = await ctx.organization('Acme Emissions Export');
  acmeKey = await acme.key(['emissions:read', 'emissions:write']);
  globexKey = await (await ctx.organization('Globex Emissions Export')).key(['emissions:read', 'emissions:write']);
  // More than one export chunk (2,000 records), over all three scopes.
  await ctx.db.query(sql`
    INSERT INTO emissions (organization_id, id, facility_id, scope, category, value_kg, reported_value, reported_unit, occurred_at)
    SELECT ${acme.id}::uuid, 'em_' || lpad(i::text, 10, '0'), 'fac_bulk', 1 + i % 3, 'electricity', i, i / 1000.0, 'tCO2e',
           '2024-01-01T00:00:00Z'::timestamptz + i * interval '1 hour'
    FROM generate_series(1, 2100) AS i`);
  const submitted = await ctx.request({
    method: 'POST',
    url: '/v2/emissions',
    key: acmeKey,
    payload: { facility_id: '@SUM(A1:A9)', scope: 2, category: 'heat', value: 1.5, unit: 'tCO2e', timestamp: '2025-02-01T10:00:00Z', metadata: { meter: 'M-1, east' } },
  });
  expect(submitted.statusCode).toBe(200);
  await ctx.request({ method: 'POST', url: '/v2/emissions', key: globexKey, payload: { facility_id: 'globex_secret', scope: 1, value: 9, unit: 'kgCO2e', timestamp: '2025-01-01T00:00:00Z' } });
}, 300_000);
afterAll(() => ctx?.close());

const exportOf = (key: string | undefined, query = '') => ctx.request({ method: 'GET', url: `/v2/emissions/export.csv${query}`, ...(key ? { key } : {}) });
const rowsOf = (body: string) => parse(body, { columns: true }) as Record<string, string>[];

describe('GET /v2/emissions/export.csv', () => {
  it('streams every record once in insertion order, values in kgCO2e beside what was reported', async () => {
    const response = await exportOf(acmeKey);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = rowsOf(response.body);
    expect(rows).toHaveLength(2101);
    expect(rows[0]).toMatchObject({ id: 'em_0000000001', facility_id: 'fac_bulk', scope: '2', value: '1', unit: 'kgCO2e', reported_value: '0.001', reported_unit: 'tCO2e', voided: 'false' });
    expect(rows[2099]!.id).toBe('em_0000002100');
    const last = rows[2100]!;
    expect(last).toMatchObject({ scope: '2', category: 'heat', value: '1500', reported_value: '1.5', reported_unit: 'tCO2e' });
    // A formula-looking facility id is neutralised; JSON metadata with a comma stays one cell.
    expect(last.facility_id).toBe("'@SUM(A1:A9)");
    expect(JSON.parse(last.metadata!)).toEqual({ meter: 'M-1, east' });
  });

  it("applies the list's filters: scope, facility and dates", async () => {
    const rows = rowsOf((await exportOf(acmeKey, '?scope=3&facility_id=fac_bulk&start_date=2024-01-02&end_date=2024-01-02')).body);
    expect(rows.length).toBe(8);
    expect(rows.every((row) => row.scope === '3' && row.timestamp!.startsWith('2024-01-02'))).toBe(true);
    expect((await exportOf(acmeKey, '?scope=4')).statusCode).toBe(400);
  });

  it('asks for credentials and the read scope, and shows each organization only its own records', async () => {
    expect((await exportOf(undefined)).statusCode).toBe(401);
    const facilitiesOnly = await (await ctx.organization('Facilities Only')).key(['facilities:read']);
    expect((await exportOf(facilitiesOnly)).statusCode).toBe(403);
    expect(rowsOf((await exportOf(globexKey)).body).map((row) => row.facility_id)).toEqual(['globex_secret']);
  });
});
