import { Type, type Static } from 'typebox';
import { JsonObject } from '../../platform/http/common-schemas.js';

export const UNITS = ['kgCO2e', 'tCO2e', 'gCO2e'] as const;

/**
 * The largest value one record may report, in any unit: 10^12 tCO2e is twenty times the world's
 * yearly emissions, and keeps every sum of records far from floating-point overflow.
 */
export const MAX_REPORTED_VALUE = 1e12;

export const Emission = Type.Object({
  id: Type.String({ examples: ['em_9x72k1ab3c4d'] }),
  facility_id: Type.String(),
  scope: Type.Integer({ minimum: 1, maximum: 3 }),
  category: Type.Union([Type.String(), Type.Null()]),
  value: Type.Number({ description: 'kgCO2e, whatever unit it was reported in.' }),
  unit: Type.Literal('kgCO2e'),
  timestamp: Type.String({ format: 'date-time' }),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  reported: Type.Object({ value: Type.Number(), unit: Type.Enum([...UNITS]) }, { description: 'As submitted, before normalisation.' }),
  source: Type.Enum(['api', 'calculated'], { description: '`calculated` records come from facility consumption and are read-only here.' }),
  external_id: Type.Union([Type.String(), Type.Null()]),
  voided: Type.Boolean(),
  voided_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  void_reason: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  co2e_biomass: Type.Number({ description: 'Biogenic CO2, kg, reported apart from value.' }),
  consumption_id: Type.Union([Type.String(), Type.Null()]),
  factor: Type.Union([Type.Object({ id: Type.String(), version: Type.String() }), Type.Null()], { description: 'For calculated records: the factor and version that produced them.' }),
  calculation: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});

export const NewEmissionBody = Type.Object({
  facility_id: Type.String({ minLength: 1, maxLength: 200, examples: ['fac_8x92m1'] }),
  scope: Type.Integer({ minimum: 1, maximum: 3 }),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 100, examples: ['electricity'] })),
  value: Type.Number({ minimum: 0, maximum: MAX_REPORTED_VALUE }),
  unit: Type.Optional(Type.Enum([...UNITS], { default: 'kgCO2e' })),
  timestamp: Type.String({ format: 'date-time' }),
  metadata: Type.Optional(JsonObject({ description: 'Your own fields, stored and returned as sent.' })),
  external_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Your id for the record: sending it again returns the first record instead of a copy.' })),
});
export type NewEmissionBody = Static<typeof NewEmissionBody>;

const DateOrInstant = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}(T.*)?$', description: 'ISO 8601 date (whole day) or date-time.' });

export const ListEmissionsQuery = Type.Object({
  start_date: Type.Optional(DateOrInstant),
  end_date: Type.Optional(DateOrInstant),
  scope: Type.Optional(Type.String({ pattern: '^[123](,[123])*$', description: 'Comma-separated scopes, e.g. `1,2,3`.' })),
  facility_id: Type.Optional(Type.String({ maxLength: 200 })),
  category: Type.Optional(Type.String({ maxLength: 100 })),
  include_voided: Type.Optional(Type.Boolean({ default: false })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
});
export type ListEmissionsQuery = Static<typeof ListEmissionsQuery>;

/** The list's filters without its paging: an export has every matching record. */
export const ExportEmissionsQuery = Type.Omit(ListEmissionsQuery, ['limit', 'cursor']);

export const EmissionPage = Type.Object({
  data: Type.Array(Emission),
  pagination: Type.Object({ next_cursor: Type.Union([Type.String(), Type.Null()]), has_more: Type.Boolean() }),
});

export const EmissionParams = Type.Object({ id: Type.String({ maxLength: 40 }) });
export const VoidBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) });
