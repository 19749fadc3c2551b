import { describe, expect, it } from 'vitest';
import { factorLibrary } from '../factors/library.js';
import { convert } from '../units.js';
import { calculate } from './calculation.js';

const factor = (id: string) => factorLibrary().find((f) => f.id === id)!;

describe('unit conversion', () => {
  it('converts energy, volume and mass, and refuses mixing them', () => {
    expect(convert(2, 'MWh', 'kWh')).toBe(2000);
    expect(convert(3.6, 'GJ', 'kWh')).toBeCloseTo(1000, 9);
    expect(convert(10, 'therm', 'kWh')).toBeCloseTo(293.071, 9);
    expect(convert(1.5, 'm3', 'litre')).toBe(1500);
    expect(convert(1, 'litre', 'm³')).toBe(0.001);
    expect(convert(2, 't', 'kg')).toBe(2000);
    expect(convert(1, 'litre', 'kWh')).toBeUndefined();
    expect(convert(1, 'barrel', 'litre')).toBeUndefined();
  });
});

describe('calculate', () => {
  it('multiplies activity data by the factor, to the gram', () => {
    // 12,500 kWh × 0.14615 kgCO2e/kWh (Ember, Spain 2024) = 1,826.875 kg
    expect(calculate({ quantity: 12.5, unit: 'MWh', supplierFactor: null }, factor('ember-grid-electricity:ES'))).toMatchObject({ kg_co2e: 1826.875, scope: 2, kg_co2e_biomass: 0, market_based_kg_co2e: null });
    // 8,000 kWh natural gas × 0.18290 = 1,463.2 kg
    expect(calculate({ quantity: 8000, unit: 'kWh', supplierFactor: null }, factor('desnz-ghg-conversion-factors:natural-gas-kwh'))!.kg_co2e).toBe(1463.2);
    // 1.2 m³ diesel = 1,200 l × 2.51279 = 3,015.348 kg
    expect(calculate({ quantity: 1.2, unit: 'm3', supplierFactor: null }, factor('desnz-ghg-conversion-factors:diesel-litre'))!.kg_co2e).toBe(3015.348);
    // 3.5 kg R-410A leaked × 2,255.5 (AR6) = 7,894.25 kg
    expect(calculate({ quantity: 3.5, unit: 'kg', supplierFactor: null }, factor('ipcc-gwp100:R-410A:AR6'))).toMatchObject({ kg_co2e: 7894.25, scope: 1 });
  });

  it('reports the market-based figure from a supplier factor beside the location-based one', () => {
    expect(calculate({ quantity: 1000, unit: 'kWh', supplierFactor: 0.05 }, factor('ember-grid-electricity:FR'))).toMatchObject({ kg_co2e: 44.18, market_based_kg_co2e: 50 });
  });

  it('refuses a unit the factor cannot take', () => {
    expect(calculate({ quantity: 1, unit: 'litre', supplierFactor: null }, factor('ember-grid-electricity:FR'))).toBeUndefined();
  });
});
