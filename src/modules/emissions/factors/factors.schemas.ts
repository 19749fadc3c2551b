import { Type } from 'typebox';
import { Nullable } from '../../../platform/http/common-schemas.js';

/** kgCO2e per unit: the largest real factors (SF6 per tonne) are near 2.5×10^7; the bound keeps products finite. */
const FactorValue = Type.Number({ minimum: 0, maximum: 1e9 });

const Region = Type.String({ pattern: '^([A-Z]{2}|GLOBAL)$', description: 'ISO 3166-1 alpha-2, or GLOBAL.' });

export const Factor = Type.Object({
  id: Type.String(),
  version: Type.String(),
  activity: Type.String({ examples: ['electricity', 'natural_gas', 'diesel', 'refrigerant:R-410A'] }),
  unit: Type.String(),
  region: Type.String(),
  year: Type.Integer(),
  kg_co2e_per_unit: Type.Number(),
  gases: Type.Object({ co2: Nullable(Type.Number()), ch4: Nullable(Type.Number()), n2o: Nullable(Type.Number()), co2_biogenic: Nullable(Type.Number()) }),
  scope: Type.Integer({ minimum: 1, maximum: 3 }),
  method: Nullable(Type.String()),
  basis: Nullable(Type.String()),
  gwp_set: Nullable(Type.String()),
  source: Type.Object({ publisher: Type.String(), dataset: Type.String(), table: Nullable(Type.String()), row: Nullable(Type.String()) }),
  licence: Type.String(),
  organization_id: Nullable(Type.String()),
});

export const FactorQuery = Type.Object({
  activity: Type.Optional(Type.String({ maxLength: 100 })),
  region: Type.Optional(Region),
  year: Type.Optional(Type.Integer({ minimum: 1990, maximum: 2100 })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export const FactorPage = Type.Object({ data: Type.Array(Factor), total: Type.Integer() });
export const FactorParams = Type.Object({ id: Type.String({ maxLength: 200 }) });

export const ResolveQuery = Type.Object({
  activity: Type.String({ minLength: 1, maxLength: 100 }),
  region: Region,
  year: Type.Integer({ minimum: 1990, maximum: 2100 }),
  gwp_set: Type.Optional(Type.Enum(['AR5', 'AR6'])),
  unit: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'The unit of your activity data: only factors in a unit it converts to apply.' })),
});
export const Resolution = Type.Object({ factor: Factor, reason: Type.String() });

export const NewFactorBody = Type.Object({
  activity: Type.String({ minLength: 1, maxLength: 100 }),
  unit: Type.String({ minLength: 1, maxLength: 20 }),
  region: Region,
  year: Type.Integer({ minimum: 1990, maximum: 2100 }),
  kg_co2e_per_unit: FactorValue,
  co2_biogenic_per_unit: Type.Optional(FactorValue),
  scope: Type.Integer({ minimum: 1, maximum: 3 }),
  method: Type.Optional(Type.Enum(['location-based', 'market-based'])),
  source: Type.String({ minLength: 1, maxLength: 500, description: 'Where the value comes from, e.g. the supplier’s fuel-mix disclosure.' }),
});

export const ReplaceFactorBody = Type.Object({
  kg_co2e_per_unit: FactorValue,
  co2_biogenic_per_unit: Type.Optional(FactorValue),
  source: Type.String({ minLength: 1, maxLength: 500 }),
});
export const ReplacedFactor = Type.Object({
  factor: Factor,
  recalculated: Type.Integer({ description: 'Consumption entries recalculated with the new version.' }),
  versions: Type.Array(Type.Object({ version: Type.String(), kg_co2e_per_unit: Type.Number(), co2_biogenic_per_unit: Nullable(Type.Number()), source: Type.String(), replaced_at: Type.String() })),
});
