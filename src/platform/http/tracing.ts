import type { FastifyInstance } from 'fastify';
import { SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { Database, Queryable } from '../db/database.js';
import { redactUrl } from './log-redaction.js';

/** Polled every few seconds by orchestrators and scrapers: spans of them would drown real traffic. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

export interface Tracing {
  tracer: Tracer;
  /** Registers the request instrumentation on the app; call before any route exists. */
  instrument(app: FastifyInstance): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry traces through the official Node SDK, exported over OTLP/HTTP to the collector at
 * OTEL_EXPORTER_OTLP_ENDPOINT (as `<endpoint>/v1/traces`; the SDK reads the other OTEL_* variables): a
 * span per request (route, status) and a child span per database statement. Off when unset,
 * costing nothing. The collector is the operator's own, so it is not held to the public-only
 * rule of outbound requests that users can aim (webhooks, OIDC).
 */
export async function startTracing(endpoint: string | undefined, serviceName = 'carbon-atlas'): Promise<Tracing | undefined> {
  if (!endpoint) return undefined;
  // Loaded only when tracing is on: the SDK costs every process (and every test file) half a second to import.
  const [{ NodeSDK }, { OTLPTraceExporter }, { FastifyOtelInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@fastify/otel'),
  ]);
  // A span per request and its handler; the dozen platform hooks each request passes would bury them.
  const requests = new FastifyOtelInstrumentation({
    registerOnInitialization: false,
    instrumentHooks: false,
    ignorePaths: ({ url }) => PROBES.has(url),
    // The path as logged: signed links and e-mailed tokens in the query string are redacted.
    requestHook: (span, request) => void span.setAttribute('url.path', redactUrl(request.url)),
  });
  const sdk = new NodeSDK({ serviceName, traceExporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }), instrumentations: [requests] });
  sdk.start();
  return {
    tracer: trace.getTracer('carbon-atlas'),
    instrument: async (app) => void (await app.register(requests.plugin())),
    shutdown: () => sdk.shutdown(),
  };
}

function tracedQueryable<T extends Queryable>(target: T, tracer: Tracer): T {
  return {
    ...target,
    query: (statement) =>
      tracer.startActiveSpan('db.query', { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', 'db.statement': statement.sql.slice(0, 2000) } }, async (span) => {
        try {
          return await target.query(statement);
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
          throw error;
        } finally {
          span.end();
        }
      }),
  };
}

/** The database with a span around each statement (its parameterised text, never its values). */
export function tracedDatabase(db: Database, tracer: Tracer): Database {
  return {
    ...tracedQueryable(db, tracer),
    transaction: (work) => db.transaction((tx) => work(tracedQueryable(tx, tracer))),
    maintenanceTransaction: (work) => db.maintenanceTransaction((tx) => work(tracedQueryable(tx, tracer))),
    readSnapshot: (work, options) =>
      db.readSnapshot((snapshot, fork) => work(tracedQueryable(snapshot, tracer), async () => {
        const forked = await fork();
        return forked && tracedQueryable(forked, tracer);
      }), options),
    withAdvisoryLock: (key, work) => db.withAdvisoryLock(key, (session) => work(tracedQueryable(session, tracer))),
    close: () => db.close(),
    ...(db.poolStats ? { poolStats: () => db.poolStats!() } : {}),
  };
}
