import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../../test/support/test-app.js';

let ctx: TestContext;
let acme: TestOrganization;
let key: string;

beforeAll(async () => {
  ctx = await createTestContext();
  acme = await ctx.organization('Acme');
  key = await acme.key(['emissions:write']);
  const records = [
    // 2024, facility fac_a, electricity (scope 2): a steady 100 kg a month and a 900 kg March.
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((m) => ({ facility_id: 'fac_a', scope: 2, category: 'electricity', value: m === 3 ? 900 : 100 + m, timestamp: `2024-0${m}-15T00:00:00Z` })),
    { facility_id: 'fac_b', scope: 1, category: 'natural_gas', value: 250, timestamp: '2024-02-01T00:00:00Z' },
    { facility_id: 'fac_b', scope: 3, category: 'water', value: 0.5, unit: 'tCO2e', timestamp: '2024-12-31T23:00:00Z' },
    { facility_id: 'fac_a', scope: 2, category: 'electricity', value: 1000, timestamp: '2023-06-01T00:00:00Z' },
  ];
  const report = (await ctx.request({ method: 'POST', url: '/v2/emissions/batch', key, payload: { records } })).json();
  expect(report.created).toBe(records.length);
  const voidMe = (await ctx.request({ method: 'POST', url: '/v2/emissions', key, payload: { facility_id: 'fac_b', scope: 1, value: 10000, timestamp: '2024-05-01T00:00:00Z' } })).json();
  await ctx.request({ method: 'POST', url: `/v2/emissions/${voidMe.id}/void`, key, payload: { reason: 'duplicate meter reading' } });
});
afterAll(() => ctx?.close());

describe('GET /v2/emissions/insights', () => {
  it('answers figures anyone can recompute from the records, voided ones excluded', async () => {
    const insights = (await ctx.request({ method: 'GET', url: '/v2/emissions/insights?year=2024', key })).json();
    // fac_a: 101+102+900+104+105+106+107+108 = 1,633; fac_b: 250 + 500 = 750.
    expect(insights).toMatchObject({
      year: 2024,
      total_kg: 2383,
      by_scope: { '1': 250, '2': 1633, '3': 500 },
      by_facility: [{ facility_id: 'fac_a', kg: 1633 }, { facility_id: 'fac_b', kg: 750 }],
      year_over_year: { previous_year_kg: 1000, change_kg: 1383, change_pct: 138.3 },
    });
    expect(insights.by_month.find((m: { month: string }) => m.month === '2024-12')).toEqual({ month: '2024-12', kg: 500 });
    expect(insights.top_contributors[0]).toEqual({ facility_id: 'fac_a', category: 'electricity', kg: 1633, share_pct: 68.53 });
    // fac_a months: median 105.5; deviations 0.5 0.5 1.5 1.5 2.5 3.5 4.5 794.5, MAD 2; March: 0.6745 × 794.5 / 2 = 267.95.
    expect(insights.anomalies).toEqual([{ facility_id: 'fac_a', month: '2024-03', kg: 900, median_kg: 105.5, mad_kg: 2, modified_z: 267.95, threshold: 3.5 }]);

    const records = (await ctx.request({ method: 'GET', url: '/v2/emissions?start_date=2024-01-01&end_date=2024-12-31&limit=500', key })).json().data;
    expect(records.reduce((sum: number, r: { value: number }) => sum + r.value, 0)).toBe(insights.total_kg);
  });

  it('filters by facility and scope, keeps organizations apart, and validates', async () => {
    expect((await ctx.request({ method: 'GET', url: '/v2/emissions/insights?year=2024&facility_id=fac_b&scope=1', key })).json().total_kg).toBe(250);
    const other = await (await ctx.organization('Other')).key(['emissions:read']);
    expect((await ctx.request({ method: 'GET', url: '/v2/emissions/insights?year=2024', key: other })).json()).toMatchObject({ total_kg: 0, anomalies: [] });
    expect((await ctx.request({ method: 'GET', url: '/v2/emissions/insights', key })).json()).toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect((await ctx.request({ method: 'GET', url: '/v2/emissions/insights?year=2024' })).statusCode).toBe(401);
  });
});
