import type { EmissionFactor } from '../factors/library.js';
import { toGram } from '../quantities.js';
import { convert } from '../units.js';

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
