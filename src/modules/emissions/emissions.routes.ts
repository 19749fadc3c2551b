import type { FastifyInstance } from 'fastify';
import { deliveriesByState } from './webhooks/webhooks.queries.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principalOf } from '../../platform/auth/auth-plugin.js';
import { errorHandlerFor, notFoundHandlerFor } from '../../platform/http/error-handler.js';
import { ErrorSchemas } from '../../platform/http/error-families.js';
import { createCursorCodec } from './cursor.js';
import factorRoutes from './factors/factors.routes.js';
import consumptionRoutes from './consumption/consumption.routes.js';
import ingestRoutes from './ingest/ingest.routes.js';
import insightsRoutes from './insights/insights.routes.js';
import webhookRoutes from './webhooks/webhooks.routes.js';
import * as emissions from './emissions.service.js';
import { Type } from 'typebox';
import { Emission, EmissionPage, EmissionParams, ExportEmissionsQuery, ListEmissionsQuery, NewEmissionBody, VoidBody } from './emissions.schemas.js';

const TAGS = ['emissions'];
// The page's errors: {code, message}; invalid input is 400 INVALID_PAYLOAD.
const errors = { 400: ErrorSchemas.platform, 401: ErrorSchemas.platform, 403: ErrorSchemas.platform, 429: ErrorSchemas.platform };
const withNotFound = { ...errors, 404: ErrorSchemas.platform };

async function emissionRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const cursors = createCursorCodec(app.deriveKey('emission-cursors'));

  app.get(
    '/',
    {
      config: { scopes: ['emissions:read'] },
      schema: { operationId: 'listEmissions', tags: TAGS, summary: 'Emission records in insertion order, with cursor pagination', querystring: ListEmissionsQuery, response: { 200: EmissionPage, ...errors } },
    },
    (request) => emissions.listEmissions(app.db, cursors, principalOf(request).organizationId, request.query),
  );

  app.get(
    '/export.csv',
    {
      config: { scopes: ['emissions:read'], download: true },
      schema: {
        operationId: 'exportEmissions',
        tags: TAGS,
        summary: "Every record matching the list's filters as CSV, in insertion order (streamed; cells safe against spreadsheet formulas)",
        querystring: ExportEmissionsQuery,
        response: { 200: { description: 'text/csv', content: { 'text/csv': { schema: Type.String() } } }, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="emissions.csv"')
        .send((await emissions.emissionsCsv(app.db, principalOf(request).organizationId, request.query)) as never),
  );

  app.get(
    '/:id',
    { config: { scopes: ['emissions:read'] }, schema: { operationId: 'getEmission', tags: TAGS, summary: 'One emission record', params: EmissionParams, response: { 200: Emission, ...withNotFound } } },
    (request) => emissions.getEmission(app.db, principalOf(request).organizationId, request.params.id),
  );

  app.post(
    '/',
    {
      config: { scopes: ['emissions:write'] },
      schema: { operationId: 'submitEmission', tags: TAGS, summary: 'Submit an emission record (kgCO2e, tCO2e or gCO2e; stored in kgCO2e)', body: NewEmissionBody, response: { 200: Emission, ...errors } },
    },
    async (request, reply) => {
      const { emission, created } = await emissions.recordEmission(app.db, principalOf(request).organizationId, request.body);
      // 200 as the page says for every success; a repeated external_id is told apart by the replay header.
      if (!created) reply.header('idempotent-replayed', 'true');
      return reply.status(200).send(emission);
    },
  );

  app.post(
    '/:id/void',
    {
      config: { scopes: ['emissions:write'] },
      schema: { operationId: 'voidEmission', tags: TAGS, summary: 'Void a record with a reason (records are never deleted)', params: EmissionParams, body: VoidBody, response: { 200: Emission, ...withNotFound, 409: ErrorSchemas.platform } },
    },
    (request) => emissions.voidEmission(app.db, principalOf(request).organizationId, request.params.id, request.body.reason),
  );
}

/** The emissions tracking API under /v2/emissions, and its factor library under /v2/emission-factors. */
export default async function emissionsModule(app: FastifyInstance) {
  app.metrics.databaseGauge({ name: 'carbon_atlas_webhook_deliveries', help: 'Webhook deliveries by state', label: 'state', query: deliveriesByState });
  await app.register(
    async (api) => {
      api.setErrorHandler(errorHandlerFor('emissions'));
      api.setNotFoundHandler(notFoundHandlerFor('emissions'));
      await api.register(emissionRoutes);
      await api.register(ingestRoutes);
      await api.register(insightsRoutes);
    },
    { prefix: '/v2/emissions' },
  );
  await app.register(
    async (api) => {
      api.setErrorHandler(errorHandlerFor('emissions'));
      api.setNotFoundHandler(notFoundHandlerFor('emissions'));
      await api.register(factorRoutes);
    },
    { prefix: '/v2/emission-factors' },
  );
  await app.register(
    async (api) => {
      api.setErrorHandler(errorHandlerFor('emissions'));
      await api.register(webhookRoutes);
    },
    { prefix: '/v2' },
  );
  // Consumption belongs to facilities' URLs and error format, but its arithmetic is this module's.
  await app.register(
    async (api) => {
      api.setErrorHandler(errorHandlerFor('facilities'));
      await api.register(consumptionRoutes);
    },
    { prefix: '/v1/facilities' },
  );
}
