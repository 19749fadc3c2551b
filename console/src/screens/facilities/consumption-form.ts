/**
 * The "add consumption" form's rules, mirroring what `POST /v1/facilities/{id}/consumption`
 * accepts, so a person picks only combinations the server can calculate.
 */
import type { paths } from '../../api/openapi.js';

/** The body of `POST /v1/facilities/{facility_id}/consumption`, as its OpenAPI declares it. */
export type ConsumptionBody = NonNullable<paths['/v1/facilities/{facility_id}/consumption']['post']['requestBody']>['content']['application/json'];
export type ConsumptionCategory = ConsumptionBody['category'];
type Unit = ConsumptionBody['unit'];
type WaterService = NonNullable<ConsumptionBody['water_service']>;
export const CATEGORIES: readonly ConsumptionCategory[] = ['electricity', 'heat', 'water', 'recharge'];

export const FUELS = ['natural_gas', 'diesel', 'petrol', 'lpg', 'heating_oil', 'wood_pellets', 'district_heat'] as const;
export const REFRIGERANTS = ['R-410A', 'R-32', 'R-134a', 'R-404A', 'R-407C'] as const;
export const WATER_SERVICES: readonly WaterService[] = ['supply', 'treatment'];

const ENERGY: Unit[] = ['kWh', 'MWh', 'GJ', 'therm'];
const VOLUME: Unit[] = ['m3', 'litre'];
const MASS: Unit[] = ['kg', 't'];

/** Units the factor library has a factor for, per category (and fuel for heat). */
export function unitsFor(category: ConsumptionCategory, fuel?: string): Unit[] {
  if (category === 'electricity') return ENERGY;
  if (category === 'water') return VOLUME;
  if (category === 'recharge') return MASS;
  if (fuel === 'diesel' || fuel === 'petrol' || fuel === 'lpg' || fuel === 'heating_oil') return ['litre', 'm3'];
  if (fuel === 'wood_pellets') return MASS;
  return ENERGY;
}

export interface ConsumptionDraft {
  category: ConsumptionCategory;
  fuel: string;
  water_service: string;
  refrigerant: string;
  quantity: string;
  unit: string;
  period_start: string;
  period_end: string;
}

export type DraftResult = { ok: true; body: ConsumptionBody } | { ok: false; problems: Record<string, string> };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The request body for a draft, or the fields to fix in words. */
export function consumptionBody(draft: ConsumptionDraft): DraftResult {
  const problems: Record<string, string> = {};
  const quantity = Number(draft.quantity);
  if (draft.quantity.trim() === '' || !Number.isFinite(quantity)) problems.quantity = 'Enter the quantity as a number.';
  else if (quantity < 0 || quantity > 1e12) problems.quantity = 'The quantity must be between 0 and 10¹².';
  if (!DAY.test(draft.period_start)) problems.period_start = 'Choose the first day of the period.';
  if (!DAY.test(draft.period_end)) problems.period_end = 'Choose the last day of the period.';
  else if (DAY.test(draft.period_start) && draft.period_end < draft.period_start) problems.period_end = 'The period ends before it starts.';
  const unit = unitsFor(draft.category, draft.fuel).find((known) => known === draft.unit);
  if (!unit) problems.unit = 'Choose a unit for this kind of consumption.';
  if (draft.category === 'heat' && !draft.fuel) problems.fuel = 'Choose the fuel.';
  if (draft.category === 'recharge' && !draft.refrigerant) problems.refrigerant = 'Choose the refrigerant.';
  if (!unit || Object.keys(problems).length > 0) return { ok: false, problems };
  const body: ConsumptionBody = { category: draft.category, quantity, unit, period_start: draft.period_start, period_end: draft.period_end };
  if (draft.category === 'heat') body.fuel = draft.fuel;
  if (draft.category === 'water') body.water_service = WATER_SERVICES.find((service) => service === draft.water_service) ?? 'supply';
  if (draft.category === 'recharge') body.refrigerant = draft.refrigerant;
  return { ok: true, body };
}

/** The calculated emission of an entry as the API answers it. */
export interface CalculatedEmission {
  value: number;
  scope: number;
  co2e_biomass: number;
  factor: { id: string; version: string } | null;
  calculation: Record<string, unknown> | null;
}

export interface Figure {
  kg: number;
  scope: number;
  factorId: string;
  factorVersion: string;
  /** "2,400 kWh × 0.2 kg CO₂e/kWh", when the calculation says how. */
  working: string | null;
  biogenicKg: number;
  marketBasedKg: number | null;
  /** Why this factor was chosen, as the API words it. */
  choice: string | null;
}

/** What a consumption entry's figure is made of: the factor and its version, and the working. */
export function figureOf(emission: CalculatedEmission | null): Figure | null {
  if (!emission) return null;
  const calc = emission.calculation ?? {};
  const quantity = typeof calc.quantity_in_factor_unit === 'number' ? calc.quantity_in_factor_unit : null;
  const perUnit = typeof calc.kg_co2e_per_unit === 'number' ? calc.kg_co2e_per_unit : null;
  const unit = typeof calc.factor_unit === 'string' ? calc.factor_unit : '';
  const format = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 6 });
  return {
    kg: emission.value,
    scope: emission.scope,
    factorId: emission.factor?.id ?? 'unknown',
    factorVersion: emission.factor?.version ?? '?',
    working: quantity !== null && perUnit !== null ? `${format.format(quantity)} ${unit} × ${format.format(perUnit)} kg CO₂e/${unit}` : null,
    biogenicKg: emission.co2e_biomass,
    marketBasedKg: typeof calc.market_based_kg_co2e === 'number' ? calc.market_based_kg_co2e : null,
    choice: typeof calc.factor_choice === 'string' ? calc.factor_choice : null,
  };
}

/** Units as people write them: "m3" → "m³"; "kWh", "t" unchanged. */
export function unitLabel(unit: string): string {
  return unit === 'm3' ? 'm³' : unit;
}

/** "natural_gas" → "Natural gas" for labels. */
export function optionLabel(value: string): string {
  const words = value.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
