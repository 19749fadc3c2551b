import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { userOf } from '../../platform/auth/auth-plugin.js';
import { ErrorSchemas } from '../../platform/http/error-families.js';
import * as searches from './search-requests.service.js';
import { SearchRequest, SearchRequestBody, SearchRequestPage, SearchRequestParams, SearchRequestsQuery } from './accounts.schemas.js';
import { plumeErrors } from './responses.js';

const TAGS = ['account'];
const read = { scopes: ['account:read' as const] };
const write = { scopes: ['account:write' as const] };
const withNotFound = { 404: ErrorSchemas.plume, ...plumeErrors };

export default async function searchRequestRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/account/search-request',
    { config: write, schema: { operationId: 'createSearchRequest', tags: TAGS, summary: 'Search Request Create', body: SearchRequestBody, response: { 200: SearchRequest, ...plumeErrors } } },
    (request) => searches.createSearchRequest(app.db, userOf(request).userId, request.body),
  );

  app.get(
    '/account/search-request/:pk',
    { config: read, schema: { operationId: 'getSearchRequest', tags: TAGS, summary: 'Search Request Get', params: SearchRequestParams, response: { 200: SearchRequest, ...withNotFound } } },
    (request) => searches.getSearchRequest(app.db, userOf(request).userId, request.params.pk),
  );

  app.patch(
    '/account/search-request/:pk',
    {
      config: write,
      schema: { operationId: 'patchSearchRequest', tags: TAGS, summary: 'Search Request Patch', params: SearchRequestParams, body: SearchRequestBody, response: { 200: SearchRequest, ...withNotFound } },
    },
    (request) => searches.patchSearchRequest(app.db, userOf(request).userId, request.params.pk, request.body),
  );

  app.delete(
    '/account/search-request/:pk',
    { config: write, schema: { operationId: 'deleteSearchRequest', tags: TAGS, summary: 'Search Request Delete', params: SearchRequestParams, response: { 200: Type.String(), ...withNotFound } } },
    async (request, reply) => {
      const message = await searches.deleteSearchRequest(app.db, userOf(request).userId, request.params.pk);
      // A bare string is sent as text by default; the page answers a JSON string.
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(message));
    },
  );

  app.get(
    '/account/search-requests',
    { config: read, schema: { operationId: 'listSearchRequests', tags: TAGS, summary: 'Search Request List', querystring: SearchRequestsQuery, response: { 200: SearchRequestPage, ...plumeErrors } } },
    (request) => searches.listSearchRequests(app.db, userOf(request).userId, request.query),
  );
}
