import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principalOf } from '../../../platform/auth/auth-plugin.js';
import { ErrorSchemas } from '../../../platform/http/error-families.js';
import * as factors from './factors.service.js';
import { Factor, FactorPage, FactorParams, FactorQuery, NewFactorBody, ReplacedFactor, ReplaceFactorBody, Resolution, ResolveQuery } from './factors.schemas.js';
import { replaceFactorAndRecalculate } from '../consumption/consumption.service.js';

const TAGS = ['emission factors'];
const errors = { 400: ErrorSchemas.platform, 401: ErrorSchemas.platform, 403: ErrorSchemas.platform, 429: ErrorSchemas.platform };
const withNotFound = { ...errors, 404: ErrorSchemas.platform };

/** The emission-factor library and an organization's own factors, under /v2/emission-factors. */
export default async function factorRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/',
    { config: { scopes: ['emissions:read'] }, schema: { operationId: 'searchEmissionFactors', tags: TAGS, summary: 'Search factors by activity, region and year (the library and your own)', querystring: FactorQuery, response: { 200: FactorPage, ...errors } } },
    (request) => factors.searchFactors(app.db, principalOf(request).organizationId, request.query),
  );

  app.get(
    '/resolve',
    { config: { scopes: ['emissions:read'] }, schema: { operationId: 'resolveEmissionFactor', tags: TAGS, summary: 'The factor an activity would use, and why', querystring: ResolveQuery, response: { 200: Resolution, ...withNotFound } } },
    (request) => {
      const { activity, region, year, gwp_set, unit } = request.query;
      return factors.resolveFactor(app.db, principalOf(request).organizationId, { activity, region, year, ...(gwp_set ? { gwpSet: gwp_set } : {}), ...(unit ? { unit } : {}) });
    },
  );

  app.get(
    '/:id',
    { config: { scopes: ['emissions:read'] }, schema: { operationId: 'getEmissionFactor', tags: TAGS, summary: 'One factor', params: FactorParams, response: { 200: Factor, ...withNotFound } } },
    (request) => factors.getFactor(app.db, principalOf(request).organizationId, request.params.id),
  );

  app.post(
    '/',
    { config: { scopes: ['emissions:write'] }, schema: { operationId: 'createEmissionFactor', tags: TAGS, summary: "Add the organization's own factor (it takes precedence where it applies)", body: NewFactorBody, response: { 201: Factor, ...errors } } },
    async (request, reply) => {
      const body = request.body;
      return reply.status(201).send(await factors.createFactor(app.db, principalOf(request).organizationId, { ...body, scope: body.scope as 1 | 2 | 3 }));
    },
  );

  app.put(
    '/:id',
    {
      config: { scopes: ['emissions:write'] },
      schema: { operationId: 'replaceEmissionFactor', tags: TAGS, summary: 'Replace your factor with a new version; emissions calculated with it are recalculated, old ones voided and kept', params: FactorParams, body: ReplaceFactorBody, response: { 200: ReplacedFactor, ...withNotFound } },
    },
    async (request) => {
      const organizationId = principalOf(request).organizationId;
      const result = await replaceFactorAndRecalculate(app.db, organizationId, request.params.id, request.body);
      return { ...result, versions: await factors.factorVersions(app.db, organizationId, request.params.id) };
    },
  );
}
