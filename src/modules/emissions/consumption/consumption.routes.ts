import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principalOf } from '../../../platform/auth/auth-plugin.js';
import { ErrorSchemas } from '../../../platform/http/error-families.js';
import * as consumption from './consumption.service.js';
import { Consumption, ConsumptionBody, ConsumptionList, ConsumptionParams, ConsumptionQuery, FacilityParams } from './consumption.schemas.js';

const TAGS = ['facilities'];
const errors = { 400: ErrorSchemas.facilities, 401: ErrorSchemas.facilities, 403: ErrorSchemas.facilities, 404: ErrorSchemas.facilities, 422: ErrorSchemas.facilities, 429: ErrorSchemas.facilities };

/** A facility's consumption entries and the emissions calculated from them, under /v1/facilities. */
export default async function consumptionRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/:facility_id/consumption',
    { config: { scopes: ['facilities:read'] }, schema: { operationId: 'listConsumption', tags: TAGS, summary: "A facility's consumption entries with their calculated emissions", params: FacilityParams, querystring: ConsumptionQuery, response: { 200: ConsumptionList, ...errors } } },
    (request) => consumption.listConsumption(app.db, principalOf(request).organizationId, request.params.facility_id, request.query.category),
  );

  app.post(
    '/:facility_id/consumption',
    { config: { scopes: ['facilities:write'] }, schema: { operationId: 'addConsumption', tags: TAGS, summary: 'Add consumption; its emission is calculated and the facility totals updated at once', params: FacilityParams, body: ConsumptionBody, response: { 201: Consumption, ...errors } } },
    async (request, reply) => reply.status(201).send(await consumption.addConsumption(app.db, principalOf(request).organizationId, request.params.facility_id, request.body)),
  );

  app.get(
    '/:facility_id/consumption/:id',
    { config: { scopes: ['facilities:read'] }, schema: { operationId: 'getConsumption', tags: TAGS, summary: 'One consumption entry, its emission and its recalculation history', params: ConsumptionParams, response: { 200: Consumption, ...errors } } },
    (request) => consumption.getConsumption(app.db, principalOf(request).organizationId, request.params.facility_id, request.params.id),
  );

  app.put(
    '/:facility_id/consumption/:id',
    { config: { scopes: ['facilities:write'] }, schema: { operationId: 'replaceConsumption', tags: TAGS, summary: 'Replace an entry; the old emission is voided and kept, a new one calculated', params: ConsumptionParams, body: ConsumptionBody, response: { 200: Consumption, ...errors } } },
    (request) => consumption.replaceConsumption(app.db, principalOf(request).organizationId, request.params.facility_id, request.params.id, request.body),
  );

  app.delete(
    '/:facility_id/consumption/:id',
    { config: { scopes: ['facilities:write'] }, schema: { operationId: 'deleteConsumption', tags: TAGS, summary: 'Delete an entry; its emission is voided, not deleted', params: ConsumptionParams, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      await consumption.removeConsumption(app.db, principalOf(request).organizationId, request.params.facility_id, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
