import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../../test/support/test-app.js';
import { recalculateForLibraryRelease } from './consumption.service.js';

let ctx: TestContext;
let acme: TestOrganization;
let key: string;
let madrid: string;
let paris: string;

const ALL = ['electricity', 'heat', 'water', 'recharge'];

async function facility(name: string, country: string) {
  const response = await ctx.request({ method: 'POST', url: '/v1/facilities', key, payload: { name, type: 'office', country, address: `${name} 1`, categories: ALL } });
  expect(response.statusCode).toBe(201);
  return response.json().id as string;
}

const add = (facilityId: string, payload: object) => ctx.request({ method: 'POST', url: `/v1/facilities/${facilityId}/consumption`, key, payload });
const period = { period_start: '2024-01-01', period_end: '2024-03-31' };
const totals = async (facilityId: string) => {
  const f = (await ctx.request({ method: 'GET', url: `/v1/facilities/${facilityId}`, key })).json();
  return [f.co2e, f.co2e_biomass];
};

beforeAll(async () => {
  ctx = await createTestContext();
  acme = await ctx.organization('Acme');
  key = await acme.key(['facilities:write', 'emissions:write']);
  madrid = await facility('Madrid Office', 'ES');
  paris = await facility('Paris Office', 'FR');
  // The organization's own factors: its water utility's (everywhere) and its pellet supplier's.
  for (const payload of [
    { activity: 'water_supply', unit: 'm3', region: 'GLOBAL', year: 2024, kg_co2e_per_unit: 0.149, scope: 3, source: 'Water utility 2024 report' },
    { activity: 'wood_pellets', unit: 'kWh', region: 'FR', year: 2024, kg_co2e_per_unit: 0.01563, co2_biogenic_per_unit: 0.35, scope: 1, source: 'Pellet supplier declaration' },
  ]) {
    expect((await ctx.request({ method: 'POST', url: '/v2/emission-factors', key, payload })).statusCode).toBe(201);
  }
});
afterAll(() => ctx?.close());

describe('facility consumption → CO2e', () => {
  it('calculates each entry with the right factor and scope, exact to the factor data', async () => {
    const cases: [string, object, number, number, string][] = [
      // facility, entry, kgCO2e, scope, factor
      [madrid, { category: 'electricity', quantity: 12.5, unit: 'MWh' }, 1826.875, 2, 'ember-grid-electricity:ES'], // 12,500 × 0.14615
      [madrid, { category: 'heat', fuel: 'natural_gas', quantity: 8000, unit: 'kWh' }, 1463.2, 1, 'desnz-ghg-conversion-factors:natural-gas-kwh'], // × 0.18290
      [madrid, { category: 'heat', fuel: 'diesel', quantity: 1.2, unit: 'm3' }, 3015.348, 1, 'desnz-ghg-conversion-factors:diesel-litre'], // 1,200 l × 2.51279
      [madrid, { category: 'water', quantity: 250, unit: 'm3' }, 37.25, 3, 'ef_'], // × 0.149
      [madrid, { category: 'recharge', refrigerant: 'R-410A', quantity: 3.5, unit: 'kg' }, 7894.25, 1, 'ipcc-gwp100:R-410A:AR6'], // × 2,255.5
      [paris, { category: 'electricity', quantity: 20000, unit: 'kWh', supplier_factor: 0.02 }, 883.6, 2, 'ember-grid-electricity:FR'], // × 0.04418
      [paris, { category: 'heat', fuel: 'natural_gas', quantity: 1000, unit: 'kWh' }, 182.9, 1, 'desnz-ghg-conversion-factors:natural-gas-kwh'],
      [paris, { category: 'heat', fuel: 'wood_pellets', quantity: 1000, unit: 'kWh' }, 15.63, 1, 'ef_'],
      [paris, { category: 'water', quantity: 100, unit: 'm3' }, 14.9, 3, 'ef_'],
      [paris, { category: 'recharge', refrigerant: 'R-32', quantity: 2, unit: 'kg' }, 1542, 1, 'ipcc-gwp100:R-32:AR6'], // × 771
    ];
    for (const [facilityId, entry, kg, scope, factorId] of cases) {
      const response = await add(facilityId, { ...entry, ...period });
      expect(response.statusCode, JSON.stringify(entry)).toBe(201);
      const emission = response.json().emission;
      expect(emission).toMatchObject({ value: kg, scope, source: 'calculated', timestamp: '2024-03-31T00:00:00Z' });
      expect(emission.factor.id.startsWith(factorId)).toBe(true);
    }
    const electricity = (await ctx.request({ method: 'GET', url: `/v1/facilities/${paris}/consumption?category=electricity`, key })).json().items[0];
    expect(electricity.emission.calculation).toMatchObject({ market_based_kg_co2e: 400, kg_co2e: 883.6 });
    const pellets = (await ctx.request({ method: 'GET', url: `/v1/facilities/${paris}/consumption?category=heat`, key })).json().items.find((i: { activity: string }) => i.activity === 'wood_pellets');
    expect(pellets.emission.co2e_biomass).toBe(350);

    expect(await totals(madrid)).toEqual([14236.923, 0]);
    expect(await totals(paris)).toEqual([2639.03, 350]);
  });

  it('uses the library for water treatment, wood pellets (biogenic CO2 apart) and district heat', async () => {
    const bilbao = await facility('Bilbao Plant', 'ES');
    const cases: [object, number, number, number, string][] = [
      // entry, kgCO2e, biogenic kgCO2, scope, factor (DESNZ 2025: no Spanish factor, so the global one)
      [{ category: 'water', water_service: 'treatment', quantity: 240, unit: 'm3' }, 41.011, 0, 3, 'desnz-ghg-conversion-factors-water:water-treatment-m3'], // × 0.17088
      [{ category: 'heat', fuel: 'wood_pellets', quantity: 2000, unit: 'kg' }, 110.388, 3354.36, 1, 'desnz-ghg-conversion-factors-2025:wood-pellets-tonne'], // 2 t × 55.19389; × 1,677.18
      [{ category: 'heat', fuel: 'district_heat', quantity: 2, unit: 'MWh', supplier_factor: 0.05 }, 350.58, 0, 2, 'desnz-ghg-conversion-factors-2025:district-heat-and-steam-kwh'], // 2,000 kWh × 0.17529
    ];
    for (const [entry, kg, biogenic, scope, factorId] of cases) {
      const response = await add(bilbao, { ...entry, ...period });
      expect(response.statusCode, JSON.stringify(entry)).toBe(201);
      expect(response.json().emission).toMatchObject({ value: kg, co2e_biomass: biogenic, scope, factor: { id: factorId, version: '2025' } });
    }
    const heat = (await ctx.request({ method: 'GET', url: `/v1/facilities/${bilbao}/consumption?category=heat`, key })).json().items;
    expect(heat.find((i: { activity: string }) => i.activity === 'district_heat').emission.calculation).toMatchObject({ kg_co2e: 350.58, market_based_kg_co2e: 100 });
    expect(heat.find((i: { activity: string }) => i.activity === 'wood_pellets').emission.calculation).toMatchObject({ quantity_in_factor_unit: 2, factor_unit: 't' });
    expect(await totals(bilbao)).toEqual([501.979, 3354.36]);

    const refused: [object, string][] = [
      [{ category: 'heat', fuel: 'wood_pellets', quantity: 1000, unit: 'kWh' }, 'unit'], // the library's pellets are by mass
      [{ category: 'heat', fuel: 'natural_gas', quantity: 1000, unit: 'kWh', supplier_factor: 0.1 }, 'supplier_factor'],
      [{ category: 'heat', fuel: 'natural_gas', water_service: 'supply', quantity: 1, unit: 'kWh' }, 'water_service'],
    ];
    for (const [entry, field] of refused) {
      const response = await add(bilbao, { ...entry, ...period });
      expect(response.statusCode, JSON.stringify(entry)).toBe(422);
      expect(response.json().detail[0].loc).toEqual(['body', field]);
    }
    expect((await add(bilbao, { category: 'water', water_service: 'sewage', quantity: 1, unit: 'm3', ...period })).statusCode).toBe(422);
    expect(await totals(bilbao)).toEqual([501.979, 3354.36]);
  });

  it('applies a factor only to quantities in a unit it converts from', async () => {
    // The organization's French pellet factor is per kWh: kWh in France take it, tonnes the library's.
    const lille = await facility('Lille Store', 'FR');
    const byMass = (await add(lille, { category: 'heat', fuel: 'wood_pellets', quantity: 1, unit: 't', ...period })).json().emission;
    expect(byMass).toMatchObject({ value: 55.194, co2e_biomass: 1677.18, factor: { id: 'desnz-ghg-conversion-factors-2025:wood-pellets-tonne', version: '2025' } });
    expect(byMass.calculation.factor_choice).toBe('the global library factor (no factor for the region), no factor before 2024; earliest: 2025');
    const byEnergy = (await add(lille, { category: 'heat', fuel: 'wood_pellets', quantity: 1000, unit: 'kWh', ...period })).json().emission;
    expect(byEnergy).toMatchObject({ value: 15.63, co2e_biomass: 350 });
    expect(byEnergy.factor.id).toMatch(/^ef_/);

    const resolve = (query: string) => ctx.request({ method: 'GET', url: `/v2/emission-factors/resolve?activity=wood_pellets&region=FR&year=2024${query}`, key });
    expect((await resolve('')).json().factor).toMatchObject({ unit: 'kWh', organization_id: acme.id });
    expect((await resolve('&unit=kg')).json().factor).toMatchObject({ id: 'desnz-ghg-conversion-factors-2025:wood-pellets-tonne', unit: 't' });
    expect((await resolve('&unit=litre')).statusCode).toBe(404);
  });

  it('keeps the facility totals consistent after changes, with old values in the history', async () => {
    const list = (await ctx.request({ method: 'GET', url: `/v1/facilities/${madrid}/consumption`, key })).json().items;
    const electricity = list.find((i: { category: string }) => i.category === 'electricity');
    const diesel = list.find((i: { activity: string }) => i.activity === 'diesel');

    const replaced = await ctx.request({ method: 'PUT', url: `/v1/facilities/${madrid}/consumption/${electricity.id}`, key, payload: { category: 'electricity', quantity: 10000, unit: 'kWh', ...period } });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json().emission.value).toBe(1461.5);
    expect(replaced.json().history).toEqual([expect.objectContaining({ value: 1826.875, voided: true, void_reason: 'consumption entry changed' })]);
    expect(await totals(madrid)).toEqual([13871.548, 0]);

    expect((await ctx.request({ method: 'DELETE', url: `/v1/facilities/${madrid}/consumption/${diesel.id}`, key })).statusCode).toBe(204);
    expect(await totals(madrid)).toEqual([10856.2, 0]);
    const ledger = (await ctx.request({ method: 'GET', url: `/v2/emissions?facility_id=${madrid}&include_voided=true&limit=500`, key })).json().data;
    expect(ledger.filter((e: { voided: boolean }) => e.voided).map((e: { void_reason: string }) => e.void_reason).sort()).toEqual(['consumption entry changed', 'consumption entry deleted']);
    const live = (await ctx.request({ method: 'GET', url: `/v2/emissions?facility_id=${madrid}&limit=500`, key })).json().data;
    expect(Math.round(live.reduce((sum: number, e: { value: number }) => sum + e.value, 0) * 1000) / 1000).toBe(10856.2);

    const listed = (await ctx.request({ method: 'GET', url: '/v1/facilities?size=100', key })).json().items.find((f: { id: string }) => f.id === madrid);
    expect(listed.co2e).toBe(10856.2);
  });

  it('recalculates every emission of a replaced factor, keeping the old version and values', async () => {
    const water = (await ctx.request({ method: 'GET', url: '/v2/emission-factors?activity=water_supply', key })).json().data[0];
    const replaced = await ctx.request({ method: 'PUT', url: `/v2/emission-factors/${water.id}`, key, payload: { kg_co2e_per_unit: 0.2, source: 'Water utility 2024 report, corrected' } });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ factor: { id: water.id, version: '2', kg_co2e_per_unit: 0.2 }, recalculated: 2 });
    expect(replaced.json().versions).toEqual([expect.objectContaining({ version: '1', kg_co2e_per_unit: 0.149, source: 'Water utility 2024 report' })]);

    // Madrid: 250 m³ × 0.2 = 50 instead of 37.25; Paris: 100 m³ × 0.2 = 20 instead of 14.9.
    expect(await totals(madrid)).toEqual([10868.95, 0]);
    expect(await totals(paris)).toEqual([2644.13, 350]);
    const entry = (await ctx.request({ method: 'GET', url: `/v1/facilities/${paris}/consumption?category=water`, key })).json().items[0];
    expect(entry.emission).toMatchObject({ value: 20, factor: { id: water.id, version: '2' } });
    expect(entry.history).toEqual([expect.objectContaining({ value: 14.9, factor: { id: water.id, version: '1' }, void_reason: `factor ${water.id} replaced by version 2` })]);

    expect((await ctx.request({ method: 'PUT', url: '/v2/emission-factors/ember-grid-electricity:ES', key, payload: { kg_co2e_per_unit: 0, source: 'x' } })).statusCode).toBe(404);
    const other = await (await ctx.organization('Other')).key(['emissions:write']);
    expect((await ctx.request({ method: 'PUT', url: `/v2/emission-factors/${water.id}`, key: other, payload: { kg_co2e_per_unit: 0, source: 'x' } })).statusCode).toBe(404);
  });

  it('makes calculated emissions read-only through /v2/emissions', async () => {
    const record = (await ctx.request({ method: 'GET', url: `/v2/emissions?facility_id=${paris}&limit=1`, key })).json().data[0];
    const refused = await ctx.request({ method: 'POST', url: `/v2/emissions/${record.id}/void`, key, payload: { reason: 'try' } });
    expect(refused.statusCode).toBe(409);
  });

  it('validates entries and keeps other organizations out', async () => {
    const other = await facility('Lab', 'ES');
    await ctx.request({ method: 'PATCH', url: `/v1/facilities/${other}`, key, payload: { categories: ['electricity'] } });
    const checks: [object, string][] = [
      [{ category: 'heat', quantity: 1, unit: 'kWh' }, 'fuel'],
      [{ category: 'electricity', quantity: 1, unit: 'litre' }, 'unit'],
      [{ category: 'heat', fuel: 'unobtainium', quantity: 1, unit: 'kWh' }, 'category'],
      [{ category: 'electricity', quantity: 1, unit: 'kWh', period_end: '2023-01-01' }, 'period_end'],
    ];
    for (const [entry, field] of checks) {
      const response = await add(madrid, { ...period, ...entry });
      expect(response.statusCode, JSON.stringify(entry)).toBe(422);
      expect(response.json().detail[0].loc).toEqual(['body', field]);
    }
    expect((await add(other, { category: 'water', quantity: 1, unit: 'm3', ...period })).json().detail[0].loc).toEqual(['body', 'category']);
    expect((await add(madrid, { category: 'electricity', quantity: -1, unit: 'kWh', ...period })).statusCode).toBe(422);

    const globex = await ctx.organization('Globex');
    const globexKey = await globex.key(['facilities:write']);
    expect((await ctx.request({ method: 'GET', url: `/v1/facilities/${madrid}/consumption`, key: globexKey })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'POST', url: `/v1/facilities/${madrid}/consumption`, key: globexKey, payload: { category: 'electricity', quantity: 1, unit: 'kWh', ...period } })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'GET', url: `/v1/facilities/${madrid}/consumption` })).statusCode).toBe(401);
    const readOnly = await acme.key(['facilities:read']);
    expect((await ctx.request({ method: 'POST', url: `/v1/facilities/${madrid}/consumption`, key: readOnly, payload: { category: 'electricity', quantity: 1, unit: 'kWh', ...period } })).statusCode).toBe(403);
  });

  it('reports scope 2 attributed to logistics with each facility’s logistic_factor', async () => {
    await ctx.request({ method: 'PATCH', url: `/v1/facilities/${paris}`, key, payload: { logistic_factor: 0.5 } });
    await ctx.request({ method: 'POST', url: '/v2/emissions', key, payload: { facility_id: 'fac_elsewhere', scope: 2, value: 7, timestamp: '2024-02-01T00:00:00Z' } });
    const report = (await ctx.request({ method: 'GET', url: '/v2/emissions/logistics?year=2024', key })).json();
    // Madrid: 10,000 kWh × 0.14615 = 1,461.5 × 0.8 (default) = 1,169.2; Paris: 883.6 × 0.5 = 441.8;
    // Bilbao's district heat is scope 2 too: 350.58 × 0.8 = 280.464.
    expect(report.facilities).toEqual(
      expect.arrayContaining([
        { facility_id: madrid, name: 'Madrid Office', logistic_factor: 0.8, scope2_kg: 1461.5, logistics_scope2_kg: 1169.2 },
        { facility_id: paris, name: 'Paris Office', logistic_factor: 0.5, scope2_kg: 883.6, logistics_scope2_kg: 441.8 },
        expect.objectContaining({ name: 'Bilbao Plant', logistic_factor: 0.8, scope2_kg: 350.58, logistics_scope2_kg: 280.464 }),
      ]),
    );
    expect(report).toMatchObject({ year: 2024, total_logistics_scope2_kg: 1891.464, unmatched_scope2_kg: 7 });
  });
});

describe('a new release of the shipped factor library', () => {
  it('recalculates what its changed factors produced, keeps the old record, and is idempotent', async () => {
    const lyon = await facility('Lyon Depot', 'FR');
    const lpg = (await add(lyon, { category: 'heat', fuel: 'lpg', quantity: 100, unit: 'litre', ...period })).json();
    expect(lpg.emission).toMatchObject({ value: 155.713, scope: 1, factor: { id: 'desnz-ghg-conversion-factors:lpg-litre', version: '2024' } }); // 100 l × 1.55713
    const oil = (await add(lyon, { category: 'heat', fuel: 'heating_oil', quantity: 0.5, unit: 'm3', ...period })).json();
    expect(oil.emission).toMatchObject({ value: 1270.075, factor: { id: 'desnz-ghg-conversion-factors:burning-oil-litre' } }); // 500 l × 2.54015
    // As if the LPG record had been calculated by the previous release, whose factor was 1.5.
    await ctx.db.query(sql`UPDATE emissions SET factor_version = '2023', value_kg = 150 WHERE id = ${lpg.emission.id}`);
    expect(await recalculateForLibraryRelease(ctx.db)).toEqual({ recalculated: 1 });
    const entry = (await ctx.request({ method: 'GET', url: `/v1/facilities/${lyon}/consumption/${lpg.id}`, key })).json();
    expect(entry.emission).toMatchObject({ value: 155.713, factor: { id: 'desnz-ghg-conversion-factors:lpg-litre', version: '2024' } });
    expect(entry.history).toEqual([
      expect.objectContaining({ value: 150, factor: { id: 'desnz-ghg-conversion-factors:lpg-litre', version: '2023' }, void_reason: 'emission-factor library: desnz-ghg-conversion-factors:lpg-litre 2023 replaced by 2024' }),
    ]);
    expect(await totals(lyon)).toEqual([1425.788, 0]); // 155.713 + 1,270.075
    expect(await recalculateForLibraryRelease(ctx.db)).toEqual({ recalculated: 0 });
  });
});
