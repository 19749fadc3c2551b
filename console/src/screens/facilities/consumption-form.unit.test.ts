import { describe, expect, it } from 'vitest';
import { consumptionBody, figureOf, optionLabel, unitLabel, unitsFor, type ConsumptionDraft } from './consumption-form.js';

const draft = (patch: Partial<ConsumptionDraft>): ConsumptionDraft => ({
  category: 'electricity', fuel: '', water_service: '', refrigerant: '', quantity: '1200', unit: 'kWh', period_start: '2024-12-01', period_end: '2024-12-31', ...patch,
});

describe('consumption form', () => {
  it('offers the units the factor library converts', () => {
    expect(unitsFor('electricity')).toContain('MWh');
    expect(unitsFor('heat', 'diesel')).toEqual(['litre', 'm3']);
    expect(unitsFor('heat', 'wood_pellets')).toEqual(['kg', 't']);
    expect(unitsFor('water')).toEqual(['m3', 'litre']);
    expect(unitsFor('recharge')).toEqual(['kg', 't']);
  });

  it('builds the body with only the fields of its category', () => {
    expect(consumptionBody(draft({ fuel: 'diesel' }))).toEqual({ ok: true, body: { category: 'electricity', quantity: 1200, unit: 'kWh', period_start: '2024-12-01', period_end: '2024-12-31' } });
    const heat = consumptionBody(draft({ category: 'heat', fuel: 'natural_gas' }));
    expect(heat.ok && heat.body.fuel).toBe('natural_gas');
    const water = consumptionBody(draft({ category: 'water', unit: 'm3' }));
    expect(water.ok && water.body.water_service).toBe('supply');
    const recharge = consumptionBody(draft({ category: 'recharge', refrigerant: 'R-32', unit: 'kg' }));
    expect(recharge.ok && recharge.body.refrigerant).toBe('R-32');
  });

  it('says what to fix in words', () => {
    const result = consumptionBody(draft({ quantity: 'lots', period_end: '2024-11-01', unit: 'kg' }));
    expect(result).toEqual({ ok: false, problems: { quantity: 'Enter the quantity as a number.', period_end: 'The period ends before it starts.', unit: 'Choose a unit for this kind of consumption.' } });
    expect(consumptionBody(draft({ quantity: '-1' })).ok).toBe(false);
    expect(consumptionBody(draft({ category: 'heat', fuel: '' })).ok).toBe(false);
  });

  it('shows the factor, its version and the working of a figure', () => {
    const figure = figureOf({
      value: 240, scope: 2, co2e_biomass: 0, factor: { id: 'ember-es-electricity', version: '2' },
      calculation: { quantity_in_factor_unit: 1200, factor_unit: 'kWh', kg_co2e_per_unit: 0.2, market_based_kg_co2e: null, factor_choice: 'the library factor for the region' },
    });
    expect(figure).toEqual({ kg: 240, scope: 2, factorId: 'ember-es-electricity', factorVersion: '2', working: '1,200 kWh × 0.2 kg CO₂e/kWh', biogenicKg: 0, marketBasedKg: null, choice: 'the library factor for the region' });
    expect(figureOf(null)).toBeNull();
    expect(figureOf({ value: 1, scope: 1, co2e_biomass: 0, factor: null, calculation: null })?.working).toBeNull();
  });

  it('labels options', () => {
    expect(optionLabel('natural_gas')).toBe('Natural gas');
    expect(unitLabel('m3')).toBe('m³');
    expect(unitLabel('kWh')).toBe('kWh');
  });
});
