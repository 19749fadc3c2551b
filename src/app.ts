import { hkdfSync, randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Config } from './platform/config.js';
import type { Database } from './platform/db/database.js';
import { logBackgroundFailure } from './platform/db/database-errors.js';
import authPlugin from './platform/auth/auth-plugin.js';
import { createCredentialResolver, type CredentialResolver } from './platform/auth/credentials.js';
import { createTokenSigner, type TokenSigner } from './platform/auth/tokens.js';
import { createLoginThrottle, type LoginThrottle } from './platform/auth/login-throttle.js';
import type { SessionSettings } from './platform/auth/sessions.js';
import { createRateLimiter, type RateLimiter } from './platform/rate-limit.js';
import { errorHandlerFor, notFoundHandlerFor } from './platform/http/error-handler.js';
import openApiPlugin from './platform/http/openapi.js';
import metricsPlugin from './platform/http/metrics.js';
import { startTracing, tracedDatabase } from './platform/http/tracing.js';
import { registerCorsAndCompression } from './platform/http/cors-and-compression.js';
import downloadsPlugin from './platform/http/downloads-plugin.js';
import areasPlugin from './platform/areas.js';
import { createValidatorCompiler } from './platform/http/validators.js';
import { DeferredCompilation } from './platform/http/deferred-compilation.js';
import { guardJsonBodies } from './platform/http/json-body-parser.js';
import { addResponseHeaders } from './platform/http/response-headers.js';
import { httpServerOptions } from './platform/http/server-options.js';
import { loggerOptions, requestLine, usesPrettyLogs } from './platform/http/log-redaction.js';
import healthRoutes from './platform/http/health.routes.js';
import rootRoutes from './platform/http/root.routes.js';
import identityRoutes from './platform/identity/identity.routes.js';
import facilitiesModule from './modules/facilities/facilities.routes.js';
import accountsModule from './modules/accounts/accounts.module.js';
import registryModule from './modules/registry/registry.routes.js';
import emissionsModule from './modules/emissions/emissions.routes.js';
import catalogModule from './modules/catalog/catalog.module.js';
import geoModule from './modules/geo/geo.module.js';
import stacModule from './modules/stac/stac.module.js';
import pickerModule from './modules/picker/picker.module.js';
import taskingModule from './modules/tasking/tasking.module.js';
import communityModule from './modules/community/community.module.js';
import consoleRoutes from './modules/console/console.routes.js';
import { findConsoleBuild } from './modules/console/console-build.js';
import { smtpTransport, startMailDelivery } from './platform/mail/outbox.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Database;
    tokenSigner: TokenSigner;
    credentials: CredentialResolver;
    sessions: SessionSettings;
    /** A key for one purpose (e.g. signing cursors), derived from the JWT secret. */
    deriveKey(purpose: string): Uint8Array;
    /** Route validators and serializers compile at their first use; this compiles the rest now (tests). */
    schemaCompilation: DeferredCompilation;
  }
}

export interface AppDependencies {
  config: Config;
  /** The app owns it from here on and closes it when the app closes. */
  db: Database;
  jwtSecret: Uint8Array;
  rateLimiter?: RateLimiter;
  loginThrottle?: LoginThrottle;
  logger?: boolean;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const { config } = deps;
  const tracing = await startTracing(config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const db = tracing ? tracedDatabase(deps.db, tracing.tracer) : deps.db;
  const pretty = deps.logger !== false && usesPrettyLogs(config.LOG_FORMAT);
  const schemaCompilation = new DeferredCompilation();
  const app = Fastify({
    schemaController: { compilersFactory: { buildSerializer: schemaCompilation.serializerFactory() } },
    logger: deps.logger === false ? false : loggerOptions(config.LOG_LEVEL, pretty),
    // On a terminal one line per request (below) replaces Fastify's two objects.
    ...(pretty ? { logController: new LogController({ disableRequestLogging: true }) } : {}),
    ...httpServerOptions(config),
    bodyLimit: config.BODY_LIMIT_BYTES,
    requestIdHeader: false,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    trustProxy: config.TRUST_PROXY,
  });

  const rateLimiter =
    deps.rateLimiter ??
    createRateLimiter({
      limits: {
        standard: config.RATE_LIMIT_STANDARD,
        enterprise: config.RATE_LIMIT_ENTERPRISE,
        anonymous: config.RATE_LIMIT_ANONYMOUS,
        credentials: config.RATE_LIMIT_CREDENTIALS,
        mail_recipient: config.RATE_LIMIT_MAIL_PER_RECIPIENT,
        tiles: config.RATE_LIMIT_TILES,
      },
      redisUrl: config.REDIS_URL,
    });
  const tokenSigner = createTokenSigner(deps.jwtSecret);
  const credentials = createCredentialResolver(db, tokenSigner);
  const loginThrottle = deps.loginThrottle ?? createLoginThrottle({ redisUrl: config.REDIS_URL });
  const sessions: SessionSettings = {
    signer: tokenSigner,
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    throttle: loginThrottle,
  };

  app.decorate('config', config);
  app.decorate('schemaCompilation', schemaCompilation);
  app.decorate('db', db);
  app.decorate('tokenSigner', tokenSigner);
  app.decorate('credentials', credentials);
  app.decorate('sessions', sessions);
  app.decorate('deriveKey', (purpose: string) => new Uint8Array(hkdfSync('sha256', deps.jwtSecret, new Uint8Array(0), `carbon-atlas:${purpose}`, 32)));
  if (config.SMTP_URL) {
    const stopMail = startMailDelivery(db, smtpTransport(config.SMTP_URL), config.MAIL_FROM, (error) => logBackgroundFailure(app.log, 'mail delivery', error));
    app.addHook('onClose', stopMail);
  }
  app.addHook('onClose', async () => {
    await tracing?.shutdown();
    await rateLimiter.close();
    await loginThrottle.close();
    await db.close();
  });
  if (pretty) {
    app.addHook('onResponse', async (request, reply) => {
      request.log.info(requestLine(request.method, request.url, reply.statusCode, reply.elapsedTime));
    });
  }

  if (tracing) await tracing.instrument(app);
  addResponseHeaders(app);
  guardJsonBodies(app);
  app.setValidatorCompiler(createValidatorCompiler(schemaCompilation));
  app.setErrorHandler(errorHandlerFor('platform'));
  app.setNotFoundHandler(notFoundHandlerFor('platform'));

  await registerCorsAndCompression(app);
  await app.register(openApiPlugin);
  await app.register(metricsPlugin);
  await app.register(authPlugin, { credentials, rateLimiter });
  await app.register(downloadsPlugin, { perClient: config.DOWNLOAD_LIMIT_PER_CLIENT, total: config.DOWNLOAD_LIMIT_TOTAL, stallSeconds: config.DOWNLOAD_STALL_SECONDS, maxSeconds: config.DOWNLOAD_MAX_SECONDS });
  // Before the modules: the catalog filters by areas that the geo module provides.
  await app.register(areasPlugin);
  await app.register(healthRoutes);
  // The built console takes over GET /; without a build the page of links stays.
  const consoleBuild = await findConsoleBuild(config.CONSOLE_DIR);
  await app.register(rootRoutes, { home: !consoleBuild });
  if (consoleBuild) await app.register(consoleRoutes, { build: consoleBuild });
  await app.register(identityRoutes);
  await app.register(facilitiesModule);
  await app.register(accountsModule);
  await app.register(registryModule);
  await app.register(emissionsModule);
  await app.register(catalogModule);
  await app.register(geoModule);
  await app.register(stacModule);
  await app.register(pickerModule);
  await app.register(taskingModule);
  await app.register(communityModule);
  return app;
}
