import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../platform/auth/auth-plugin.js';
import { errorHandlerFor, notFoundHandlerFor } from '../../platform/http/error-handler.js';
import { ErrorSchemas } from '../../platform/http/error-families.js';
import { RevisionedCache } from '../../platform/http/revisioned-cache.js';
import { answerOnce, IdempotencyHeaders } from '../../platform/idempotency/idempotent-route.js';
import { FreshReadCoalescer } from '../../platform/db/fresh-read-coalescer.js';
import * as facilities from './facilities.service.js';
import { CreateFacilityBody, ExportFacilitiesQuery, Facility, FacilityPage, FacilityParams, ListFacilitiesQuery, UpdateFacilityBody } from './facilities.schemas.js';

const errors = {
  400: ErrorSchemas.facilities,
  401: ErrorSchemas.facilities,
  403: ErrorSchemas.facilities,
  422: ErrorSchemas.facilities,
  429: ErrorSchemas.facilities,
};
const TAGS = ['facilities'];

async function facilityRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  // Dashboards poll the same pages; see RevisionedCache for why a hit is never stale.
  const listCache = new RevisionedCache(app.config.RESPONSE_CACHE_MB * 1024 * 1024);
  const revisions = new FreshReadCoalescer<number>();

  app.get(
    '/',
    {
      config: { scopes: ['facilities:read'] },
      schema: { operationId: 'listFacilities', tags: TAGS, summary: 'List facilities with filters and pagination', querystring: ListFacilitiesQuery, response: { 200: FacilityPage, ...errors } },
    },
    async (request, reply) => {
      const organizationId = principalOf(request).organizationId;
      const list = facilities.normalizeListQuery(request.query);
      // The page arrives as the JSON text the response schema's serializer would write (decision 0039).
      reply.type('application/json; charset=utf-8');
      if (!listCache.enabled) return reply.send((await facilities.listFacilities(app.db, organizationId, list)) as never);
      const key = `${organizationId} ${JSON.stringify(list)}`;
      const revision = await revisions.read(organizationId, () => facilities.facilitiesRevision(app.db, organizationId));
      let body = listCache.get(key, revision);
      if (body === undefined) {
        body = await facilities.listFacilities(app.db, organizationId, list);
        listCache.set(key, revision, body);
      }
      return reply.send(body as never);
    },
  );

  app.get(
    '/export.csv',
    {
      config: { scopes: ['facilities:read'], download: true },
      schema: {
        operationId: 'exportFacilities',
        tags: TAGS,
        summary: "Every facility matching the list's filters as CSV (streamed; cells safe against spreadsheet formulas)",
        querystring: ExportFacilitiesQuery,
        response: { 200: { description: 'text/csv', content: { 'text/csv': { schema: Type.String() } } }, ...errors },
      },
    },
    async (request, reply) => {
      const { filter } = facilities.normalizeListQuery(request.query);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="facilities.csv"')
        .send((await facilities.facilitiesCsv(app.db, principalOf(request).organizationId, filter)) as never);
    },
  );

  app.get(
    '/:facility_id',
    {
      config: { scopes: ['facilities:read'] },
      schema: { operationId: 'getFacility', tags: TAGS, summary: 'Get one facility', params: FacilityParams, response: { 200: Facility, 404: ErrorSchemas.facilities, ...errors } },
    },
    (request) => facilities.getFacility(app.db, principalOf(request).organizationId, request.params.facility_id),
  );

  app.post(
    '/',
    {
      config: { scopes: ['facilities:write'] },
      schema: { operationId: 'createFacility', tags: TAGS, summary: 'Create a facility', headers: IdempotencyHeaders, body: CreateFacilityBody, response: { 201: Facility, 409: ErrorSchemas.facilities, ...errors } },
    },
    (request, reply) => {
      const organizationId = principalOf(request).organizationId;
      return answerOnce(app.db, request, reply, organizationId, 201, (db) => facilities.createFacility(db, organizationId, request.body));
    },
  );

  for (const method of ['PATCH', 'PUT'] as const) {
    app.route({
      method,
      url: '/:facility_id',
      config: { scopes: ['facilities:write'] },
      schema: {
        operationId: method === 'PATCH' ? 'updateFacility' : 'replaceFacilityFields',
        tags: TAGS,
        summary: method === 'PATCH' ? 'Update a facility (only the fields sent change)' : 'Update a facility (PUT, same partial semantics as PATCH)',
        params: FacilityParams,
        body: UpdateFacilityBody,
        response: { 200: Facility, 404: ErrorSchemas.facilities, ...errors },
      },
      handler: (request) => facilities.updateFacility(app.db, principalOf(request).organizationId, request.params.facility_id, request.body),
    });
  }

  app.delete(
    '/:facility_id',
    {
      config: { scopes: ['facilities:write'] },
      schema: { operationId: 'deleteFacility', tags: TAGS, summary: 'Delete a facility', params: FacilityParams, response: { 204: Type.Null(), 404: ErrorSchemas.facilities, ...errors } },
    },
    async (request, reply) => {
      await facilities.deleteFacility(app.db, principalOf(request).organizationId, request.params.facility_id);
      return reply.status(204).send(null);
    },
  );
}

/** The facilities API (/v1/facilities), answering errors as that API does. */
export default async function facilitiesModule(app: FastifyInstance) {
  await app.register(
    async (scope) => {
      scope.setErrorHandler(errorHandlerFor('facilities'));
      scope.setNotFoundHandler(notFoundHandlerFor('facilities'));
      await scope.register(facilityRoutes);
    },
    { prefix: '/v1/facilities' },
  );
}
