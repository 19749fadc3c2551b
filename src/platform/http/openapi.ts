import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';

/** OpenAPI 3.1 generated from the route schemas at /openapi.json, with an interactive reference at /docs. */
async function openApiPlugin(app: FastifyInstance) {
  app.addHook('onRoute', (route) => {
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
      tags: [
        { name: 'facilities', description: 'Sites, their consumption categories, CUPS codes and CO2e' },
        { name: 'identity', description: 'Who am I, sign-in, tokens and API keys' },
        { name: 'operations', description: 'Health and readiness' },
      ],
    },
  });

  app.get('/openapi.json', { config: { auth: 'none' }, schema: { hide: true } }, async () => app.swagger());

  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { url: '/openapi.json', deepLinking: true } });
}

export default fp(openApiPlugin, { name: 'carbon-atlas-openapi' });
