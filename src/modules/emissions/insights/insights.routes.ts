import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../../platform/auth/auth-plugin.js';
import { ErrorSchemas } from '../../../platform/http/error-families.js';
import { selectMonthlyCells } from '../emissions.queries.js';
import { summarize } from './insights.js';
import { logisticsReport } from './logistics.js';

const Kg = Type.Number({ description: 'kgCO2e' });
const Insights = Type.Object({
  year: Type.Integer(),
  total_kg: Kg,
  by_scope: Type.Object({ '1': Kg, '2': Kg, '3': Kg }),
  by_category: Type.Array(Type.Object({ category: Type.String(), kg: Kg })),
  by_facility: Type.Array(Type.Object({ facility_id: Type.String(), kg: Kg })),
  by_month: Type.Array(Type.Object({ month: Type.String(), kg: Kg })),
  year_over_year: Type.Object({ previous_year_kg: Kg, change_kg: Kg, change_pct: Type.Union([Type.Number(), Type.Null()]) }),
  top_contributors: Type.Array(Type.Object({ facility_id: Type.String(), category: Type.Union([Type.String(), Type.Null()]), kg: Kg, share_pct: Type.Number() })),
  anomalies: Type.Array(
    Type.Object({ facility_id: Type.String(), month: Type.String(), kg: Kg, median_kg: Kg, mad_kg: Kg, modified_z: Type.Number(), threshold: Type.Number() }),
    { description: 'Months whose modified z-score, 0.6745 × (kg − median) / MAD over the facility’s months, exceeds the threshold.' },
  ),
});
const InsightsQuery = Type.Object({
  year: Type.Integer({ minimum: 1990, maximum: 2100 }),
  facility_id: Type.Optional(Type.String({ maxLength: 200 })),
  scope: Type.Optional(Type.String({ pattern: '^[123](,[123])*$' })),
});

/** Deterministic insights: every figure can be recomputed from the records of /v2/emissions. */
export default async function insightsRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/insights',
    {
      config: { scopes: ['emissions:read'] },
      schema: {
        operationId: 'emissionInsights',
        tags: ['emissions'],
        summary: 'Totals by scope, category, facility and month; year over year; top contributors; monthly anomalies',
        querystring: InsightsQuery,
        response: { 200: Insights, 400: ErrorSchemas.platform, 401: ErrorSchemas.platform, 403: ErrorSchemas.platform, 429: ErrorSchemas.platform },
      },
    },
    async (request) => {
      const organizationId = principalOf(request).organizationId;
      const filter = { facilityId: request.query.facility_id, scopes: request.query.scope?.split(',').map(Number) };
      const [cells, previous] = await Promise.all([
        selectMonthlyCells(app.db, organizationId, request.query.year, filter),
        selectMonthlyCells(app.db, organizationId, request.query.year - 1, filter),
      ]);
      return summarize(request.query.year, cells, previous.reduce((sum, cell) => sum + cell.kg, 0));
    },
  );

  app.get(
    '/logistics',
    {
      config: { scopes: ['emissions:read'] },
      schema: {
        operationId: 'logisticsReport',
        tags: ['emissions'],
        summary: "Scope 2 attributed to logistics: each facility's scope 2 × its logistic_factor",
        querystring: Type.Object({ year: Type.Integer({ minimum: 1990, maximum: 2100 }) }),
        response: {
          200: Type.Object({
            year: Type.Integer(),
            facilities: Type.Array(Type.Object({ facility_id: Type.String(), name: Type.String(), logistic_factor: Type.Number(), scope2_kg: Kg, logistics_scope2_kg: Kg })),
            total_logistics_scope2_kg: Kg,
            unmatched_scope2_kg: Type.Number({ description: 'Scope 2 of records naming no registered facility.' }),
          }),
          400: ErrorSchemas.platform,
          401: ErrorSchemas.platform,
          403: ErrorSchemas.platform,
        },
      },
    },
    (request) => logisticsReport(app.db, principalOf(request).organizationId, request.query.year),
  );
}
