import { describe, expect, it } from 'vitest';
import { blendGwp, factorLibrary, gwpTable, type EmissionFactor } from './library.js';
import { chooseFactor } from './selection.js';

const byId = (id: string) => factorLibrary().find((f) => f.id === id)!;

describe('factor library', () => {
  it('ships Ember grid factors for 209 countries with their own year, in kgCO2e/kWh', () => {
    const electricity = factorLibrary().filter((f) => f.activity === 'electricity' && f.region !== 'GLOBAL');
    expect(electricity).toHaveLength(209);
    expect(byId('ember-grid-electricity:ES')).toMatchObject({ kg_co2e_per_unit: 0.14615, year: 2024, scope: 2, method: 'location-based', unit: 'kWh', licence: 'CC BY-SA 4.0' });
    expect(byId('ember-grid-electricity:FR')).toMatchObject({ kg_co2e_per_unit: 0.04418, year: 2024 });
    expect(byId('ember-grid-electricity:GLOBAL')).toMatchObject({ kg_co2e_per_unit: 0.47294 });
    expect(new Set(electricity.map((f) => f.year))).toEqual(new Set([2022, 2023, 2024]));
  });

  it('ships the DESNZ 2024 fuel factors cited by table and row', () => {
    expect(byId('desnz-ghg-conversion-factors:natural-gas-kwh')).toMatchObject({ kg_co2e_per_unit: 0.1829, unit: 'kWh', scope: 1, source: { table: 'Fuels' } });
    expect(byId('desnz-ghg-conversion-factors:diesel-litre').kg_co2e_per_unit).toBe(2.51279);
    expect(byId('desnz-ghg-conversion-factors:petrol-litre').kg_co2e_per_unit).toBe(2.0844);
    expect(byId('desnz-ghg-conversion-factors:lpg-litre')).toMatchObject({ activity: 'lpg', kg_co2e_per_unit: 1.55713, scope: 1 });
    expect(byId('desnz-ghg-conversion-factors:burning-oil-litre')).toMatchObject({ activity: 'heating_oil', kg_co2e_per_unit: 2.54015, scope: 1 });
  });

  it('ships water supply as scope 3 (DESNZ 2025)', () => {
    expect(byId('desnz-ghg-conversion-factors-water:water-supply-m3')).toMatchObject({ activity: 'water_supply', unit: 'm3', kg_co2e_per_unit: 0.1913, scope: 3, year: 2025, version: '2025' });
    expect(chooseFactor(factorLibrary(), { activity: 'water_supply', region: 'ES', year: 2024 })!.factor.id).toBe('desnz-ghg-conversion-factors-water:water-supply-m3');
  });

  it('ships water treatment, wood pellets with their biogenic CO2, and district heat (DESNZ 2025)', () => {
    expect(byId('desnz-ghg-conversion-factors-water:water-treatment-m3')).toMatchObject({ activity: 'water_treatment', unit: 'm3', kg_co2e_per_unit: 0.17088, scope: 3, year: 2025 });
    expect(byId('desnz-ghg-conversion-factors-2025:wood-pellets-tonne')).toMatchObject({
      activity: 'wood_pellets',
      unit: 't',
      kg_co2e_per_unit: 55.19389,
      gases: { co2: null, ch4: null, n2o: null, co2_biogenic: 1677.18 },
      scope: 1,
    });
    expect(byId('desnz-ghg-conversion-factors-2025:district-heat-and-steam-kwh:GB')).toMatchObject({
      activity: 'district_heat',
      unit: 'kWh',
      region: 'GB',
      kg_co2e_per_unit: 0.17529,
      scope: 2,
      method: 'location-based',
      source: { table: 'Heat and steam', row: 'Heat and steam / District heat and steam / kWh' },
    });
  });

  it('computes refrigerant GWPs as mass-weighted sums of AR5 and AR6 component GWPs', () => {
    const gases = gwpTable();
    expect(gases.CH4).toEqual({ AR5: 28, AR6: 29.8, AR6_non_fossil: 27.0 });
    expect(gases.N2O).toEqual({ AR5: 265, AR6: 273 });
    expect(blendGwp({ 'HFC-32': 0.5, 'HFC-125': 0.5 }, gases, 'AR5')).toBe(1923.5);
    expect(byId('ipcc-gwp100:R-410A:AR6').kg_co2e_per_unit).toBe(2255.5);
    expect(byId('ipcc-gwp100:R-404A:AR5').kg_co2e_per_unit).toBe(3942.8);
    expect(byId('ipcc-gwp100:R-404A:AR6').kg_co2e_per_unit).toBe(4728);
    expect(byId('ipcc-gwp100:R-32:AR6').kg_co2e_per_unit).toBe(771);
    expect(byId('ipcc-gwp100:R-134a:AR5').kg_co2e_per_unit).toBe(1300);
  });
});

describe('chooseFactor', () => {
  const own = (overrides: Partial<EmissionFactor>): EmissionFactor => ({
    ...byId('ember-grid-electricity:ES'),
    id: 'org:supplier-green',
    organization_id: 'org-1',
    method: 'market-based',
    kg_co2e_per_unit: 0.01,
    year: 2024,
    ...overrides,
  });

  it('takes the region’s library factor, else the global one, and says why', () => {
    const es = chooseFactor(factorLibrary(), { activity: 'electricity', region: 'ES', year: 2025 })!;
    expect(es.factor.id).toBe('ember-grid-electricity:ES');
    expect(es.reason).toBe('the library factor for the region, latest year not after 2025: 2024');
    const atlantis = chooseFactor(factorLibrary(), { activity: 'electricity', region: 'ZZ', year: 2025 })!;
    expect(atlantis.factor.id).toBe('ember-grid-electricity:GLOBAL');
    expect(chooseFactor(factorLibrary(), { activity: 'natural_gas', region: 'ES', year: 2024 })!.factor.id).toBe('desnz-ghg-conversion-factors:natural-gas-kwh');
    expect(chooseFactor(factorLibrary(), { activity: 'natural_gas', region: 'GB', year: 2024 })!.factor.id).toBe('desnz-ghg-conversion-factors:natural-gas-kwh:GB');
  });

  it("prefers the organization's own factor, then picks the latest year not after the activity", () => {
    const candidates = [...factorLibrary(), own({ id: 'org:a', year: 2023 }), own({ id: 'org:b', year: 2025 })];
    expect(chooseFactor(candidates, { activity: 'electricity', region: 'ES', year: 2024 })!.factor.id).toBe('org:a');
    expect(chooseFactor(candidates, { activity: 'electricity', region: 'ES', year: 2026 })!.factor.id).toBe('org:b');
    const earliest = chooseFactor(candidates, { activity: 'electricity', region: 'ES', year: 2020 })!;
    expect(earliest.factor.id).toBe('org:a');
    expect(earliest.reason).toContain('no factor before 2020; earliest: 2023');
    expect(chooseFactor(candidates, { activity: 'electricity', region: 'FR', year: 2024 })!.factor.id).toBe('ember-grid-electricity:FR');
  });

  it('uses AR6 GWPs for refrigerants unless AR5 is asked for, and nothing for unknown activities', () => {
    expect(chooseFactor(factorLibrary(), { activity: 'refrigerant:R-410A', region: 'ES', year: 2024 })!.factor.kg_co2e_per_unit).toBe(2255.5);
    expect(chooseFactor(factorLibrary(), { activity: 'refrigerant:R-410A', region: 'ES', year: 2024, gwpSet: 'AR5' })!.factor.kg_co2e_per_unit).toBe(1923.5);
    expect(chooseFactor(factorLibrary(), { activity: 'unobtainium', region: 'ES', year: 2024 })).toBeUndefined();
  });
});
