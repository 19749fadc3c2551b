import type { EmissionFactor } from '../factors/library.js';
import { toGram } from '../quantities.js';

/** How many of a base unit one unit is: energy in kWh, volume in litres, mass in kg. */
const UNITS: Record<string, { base: 'kWh' | 'litre' | 'kg'; factor: number }> = {
  kWh: { base: 'kWh', factor: 1 },
  MWh: { base: 'kWh', factor: 1000 },
  GJ: { base: 'kWh', factor: 1000 / 3.6 },
  therm: { base: 'kWh', factor: 29.3071 },
  litre: { base: 'litre', factor: 1 },
  m3: { base: 'litre', factor: 1000 },
  kg: { base: 'kg', factor: 1 },
  t: { base: 'kg', factor: 1000 },
};

export const CONSUMPTION_UNITS = Object.keys(UNITS);

/** `quantity` in `from` expressed in `to`, or undefined when they measure different things. */
export function convert(quantity: number, from: string, to: string): number | undefined {
  const source = UNITS[from];
  const target = UNITS[to === 'm³' ? 'm3' : to];
  if (!source || !target || source.base !== target.base) return undefined;
  return (quantity * source.factor) / target.factor;
}

export interface Calculation {
  kg_co2e: number;
  kg_co2e_biomass: number;
  scope: 1 | 2 | 3;
  quantity_in_factor_unit: number;
  factor_unit: string;
  kg_co2e_per_unit: number;
  /** Electricity with a supplier factor: the market-based figure, reported beside the location-based one. */
  market_based_kg_co2e: number | null;
}


/** Activity data × factor, in kgCO2e rounded to the gram, with biogenic CO2 apart. */
export function calculate(input: { quantity: number; unit: string; supplierFactor: number | null }, factor: EmissionFactor): Calculation | undefined {
  const quantity = convert(input.quantity, input.unit, factor.unit);
  if (quantity === undefined) return undefined;
  return {
    kg_co2e: toGram(quantity * factor.kg_co2e_per_unit),
    kg_co2e_biomass: toGram(quantity * (factor.gases.co2_biogenic ?? 0)),
    scope: factor.scope,
    quantity_in_factor_unit: quantity,
    factor_unit: factor.unit,
    kg_co2e_per_unit: factor.kg_co2e_per_unit,
    market_based_kg_co2e: input.supplierFactor === null ? null : toGram(quantity * input.supplierFactor),
  };
}
