import { Type } from 'typebox';
import { Uuid } from '../../../platform/http/common-schemas.js';
import { Emission } from '../emissions.schemas.js';
import { CONSUMPTION_UNITS } from '../units.js';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', examples: ['2024-01-01'] });

export const ConsumptionBody = Type.Object(
  {
    category: Type.Enum(['electricity', 'heat', 'water', 'recharge']),
    fuel: Type.Optional(
      Type.String({
        maxLength: 60,
        description: 'For heat: natural_gas, diesel, petrol, lpg, heating_oil, wood_pellets (kg or t; biogenic CO2 apart), district_heat (bought heat and steam, scope 2), or an activity of your own factors.',
      }),
    ),
    water_service: Type.Optional(
      Type.Enum(['supply', 'treatment'], { description: 'For water: mains water supplied (default) or waste water treated; both scope 3, in m3 or litres.' }),
    ),
    refrigerant: Type.Optional(Type.String({ maxLength: 20, description: 'For recharge: R-410A, R-32, R-134a, R-404A, R-407C.' })),
    quantity: Type.Number({ minimum: 0, maximum: 1e12, description: 'In `unit`; at most 10^12.' }),
    unit: Type.Enum([...CONSUMPTION_UNITS]),
    period_start: Day,
    period_end: Day,
    cups: Type.Optional(Type.String({ maxLength: 22 })),
    supplier_factor: Type.Optional(Type.Number({ minimum: 0, maximum: 1000, description: 'kgCO2e per kWh from your supplier: reported as the market-based figure.' })),
  },
  { additionalProperties: false },
);

export const Consumption = Type.Object({
  id: Uuid,
  facility_id: Uuid,
  category: Type.String(),
  activity: Type.String(),
  quantity: Type.Number(),
  unit: Type.String(),
  period_start: Type.String(),
  period_end: Type.String(),
  cups: Type.Union([Type.String(), Type.Null()]),
  supplier_factor: Type.Union([Type.Number(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  emission: Type.Union([Emission, Type.Null()], { description: 'The calculated emission now in force.' }),
  history: Type.Array(Emission, { description: 'Earlier calculations, voided when the entry changed.' }),
});
export const ConsumptionList = Type.Object({ items: Type.Array(Consumption) });
export const FacilityParams = Type.Object({ facility_id: Uuid });
export const ConsumptionParams = Type.Object({ facility_id: Uuid, id: Uuid });
export const ConsumptionQuery = Type.Object({ category: Type.Optional(Type.Enum(['electricity', 'heat', 'water', 'recharge'])) });
