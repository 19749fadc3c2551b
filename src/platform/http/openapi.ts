import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { addExamples } from './openapi/document-examples.js';
import { markDefaultedParametersOptional } from './openapi/optional-defaults.js';

const TAG_GROUPS = ['Facilities API', 'Emissions API', 'Credit registry API', 'Plume data platform API', 'Platform'] as const;

/** Every tag a route uses, in the group of the public API it belongs to. */
const TAGS: { name: string; description: string; group: (typeof TAG_GROUPS)[number] }[] = [
  { name: 'facilities', description: 'Sites, their consumption categories, CUPS codes and CO2e', group: 'Facilities API' },
  { name: 'emissions', description: 'Emission records, totals and insights', group: 'Emissions API' },
  { name: 'emission factors', description: 'Factor libraries and organization factors', group: 'Emissions API' },
  { name: 'webhooks', description: 'Signed notifications of emission events', group: 'Emissions API' },
  { name: 'registry', description: 'Projects, credit batches, transfers and retirements', group: 'Credit registry API' },
  { name: 'account', description: 'Plume-platform accounts, tokens and saved searches', group: 'Plume data platform API' },
  { name: 'catalog', description: 'Plumes, scenes, sources and their downloads', group: 'Plume data platform API' },
  { name: 'geo', description: 'Vector and raster tiles, TileJSON, the map style and areas of interest', group: 'Plume data platform API' },
  { name: 'layers', description: 'Uploaded vector layers, their features, files and downloads', group: 'Plume data platform API' },
  { name: 'common', description: 'Administrative areas', group: 'Plume data platform API' },
  { name: 'stac', description: 'STAC API over plumes and scenes', group: 'Plume data platform API' },
  { name: 'picker', description: 'Scene assignments and assessments before publication', group: 'Plume data platform API' },
  { name: 'tasking', description: 'Target decks, target specs and task captures', group: 'Plume data platform API' },
  { name: 'community', description: 'Operator reports and notifications', group: 'Plume data platform API' },
  { name: 'identity', description: 'Who am I, sign-in, tokens and API keys', group: 'Platform' },
  { name: 'operations', description: 'Health and readiness', group: 'Platform' },
];

/** OpenAPI 3.1 generated from the route schemas at /openapi.json, with an interactive reference at /docs. */
async function openApiPlugin(app: FastifyInstance) {
  // The scopes each operation needs, so that its 403 example names them.
  const scopesByOperation = new Map<string, readonly string[]>();
  app.addHook('onRoute', (route) => {
    const operationId = (route.schema as { operationId?: string } | undefined)?.operationId;
    if (operationId && route.config?.scopes) scopesByOperation.set(operationId, route.config.scopes);
    if (route.url.startsWith('/docs')) route.config = { ...route.config, auth: 'none' };
    if (route.config?.auth === 'none') return;
    const credentials: Record<string, string[]>[] = [{ bearerAuth: [] }, { apiKeyAuth: [], organizationId: [] }, { apiKeyAuth: [] }];
    // OptionalAuth: anonymous callers are answered too, which OpenAPI says with the empty requirement.
    route.schema = { ...route.schema, security: route.config?.auth === 'optional' ? [...credentials, {}] : credentials };
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Carbon Atlas',
        version: '0.1.0',
        description:
          'Greenhouse-gas data server compatible with public carbon APIs: facilities (/v1/facilities), emissions, a credit registry and a plume data platform.',
        license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' },
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key (sk_live_…) or an access token from /v1/auth/token.' },
          apiKeyAuth: { type: 'apiKey', in: 'header', name: 'x-api-key' },
          organizationId: { type: 'apiKey', in: 'header', name: 'x-organization-id', description: 'Your organization UUID; must match the credential.' },
        },
      },
      servers: [{ url: app.config.publicUrl, description: 'This server' }],
      tags: TAGS.map(({ name, description }) => ({ name, description })),
    },
    // Redoc and most portals group tags by the API they belong to (a vendor extension the typings lack).
    // Descriptions and examples of every body and response are filled in centrally (document-examples.ts).
    transformObject: (document) => ({
      ...addExamples(markDefaultedParametersOptional('openapiObject' in document ? document.openapiObject : document.swaggerObject), scopesByOperation),
      'x-tagGroups': TAG_GROUPS.map((group) => ({ name: group, tags: TAGS.filter((tag) => tag.group === group).map((tag) => tag.name) })),
    }),
    // Shared schemas are named by their title (PlumeError…), not def-0, so generated clients get real type names.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => String(json.title ?? json.$id ?? `Schema${index}`) },
  });

  app.get('/openapi.json', { config: { auth: 'none' }, schema: { hide: true } }, async () => app.swagger());
  app.get('/openapi.yaml', { config: { auth: 'none' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('application/yaml; charset=utf-8').send(app.swagger({ yaml: true })),
  );

  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { url: '/openapi.json', deepLinking: true },
    theme: { title: 'Carbon Atlas API' },
  });
}

export default fp(openApiPlugin, { name: 'carbon-atlas-openapi' });
