import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../errors.js';
import fp from 'fastify-plugin';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import sql, { type Sql } from 'sql-template-tag';
import { RequestMetrics } from './request-metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

export interface Metrics {
  registry: Registry;
  /**
   * A gauge read from the database at scrape time, for counts a module owns (webhook deliveries by
   * state…): the module gives the query, the platform never reads a module's tables itself.
   */
  databaseGauge(options: { name: string; help: string; label: string; query: Sql }): void;
}

/**
 * Who may scrape: with METRICS_TOKEN set, whoever presents it as a bearer token; without it, only
 * this machine (loopback), so that traffic figures and queue depths are not public by default.
 * Anyone else is answered as if there were no such route.
 */
export function scraperAllowed(authorization: string | undefined, remoteAddress: string | undefined, token: string | undefined): boolean {
  if (!token) return remoteAddress === '127.0.0.1' || remoteAddress === '::1' || remoteAddress === '::ffff:127.0.0.1';
  const presented = Buffer.from(authorization?.replace(/^Bearer\s+/i, '') ?? '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

let processRegistry: Registry | undefined;

/**
 * The process's own figures (CPU, memory, event-loop delay, GC), collected once per process:
 * prom-client's collectors stay attached for the process's life (a GC observer, an event-loop
 * monitor), and one per app kept every closed app's registry, and through its gauges the app and
 * its database, reachable (test workers build an app per test file).
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'carbon_atlas_' });
  }
  return processRegistry;
}

/**
 * Prometheus metrics at /metrics: request rate and latency by route and status, rate-limit
 * refusals, the database pool, job queue depths and whatever gauges modules add. One registry per
 * app, so several apps in one process (tests) never share counters; the process's own figures
 * come from one registry per process.
 */
async function metricsPlugin(app: FastifyInstance) {
  const registry = new Registry();
  const processFigures = processMetrics();
  // A closed app's gauges (which read its database) are let go even if something holds the registry.
  app.addHook('onClose', (_instance, done) => {
    registry.clear();
    done();
  });
  const requests = new RequestMetrics();
  const refusals = new Counter({ name: 'carbon_atlas_rate_limit_refusals_total', help: 'Requests refused with 429 because a rate budget was spent', labelNames: ['route'], registers: [registry] });

  new Gauge({
    name: 'carbon_atlas_db_pool_connections',
    help: 'Database connections by state (the embedded database has one)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const stats = app.db.poolStats?.();
      if (!stats) return;
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });

  const databaseGauge: Metrics['databaseGauge'] = ({ name, help, label, query }) => {
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [registry],
      async collect() {
        this.reset();
        const rows = await app.db.query<{ label: string; value: number }>(query);
        for (const row of rows) this.set({ [label]: row.label }, Number(row.value));
      },
    });
  };
  databaseGauge({
    name: 'carbon_atlas_job_queue_depth',
    help: 'Background jobs waiting or running, by queue',
    label: 'queue',
    query: sql`SELECT queue AS label, count(*)::int AS value FROM jobs WHERE state IN ('queued', 'running') GROUP BY queue`,
  });
  app.decorate('metrics', { registry, databaseGauge });

  // A callback hook: it runs after every response, and has nothing to wait for.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.record(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    if (reply.statusCode === 429) refusals.inc({ route });
    done();
  });

  app.get(
    '/metrics',
    { config: { auth: 'none' }, schema: { tags: ['operations'], operationId: 'metrics', summary: 'Prometheus metrics', hide: true } },
    async (request, reply) => {
      if (!scraperAllowed(request.headers.authorization, request.socket.remoteAddress, app.config.METRICS_TOKEN)) throw new NotFoundError('Not found.');
      return reply.type(registry.contentType).send(`${await processFigures.metrics()}\n${await registry.metrics()}\n${requests.exposition()}`);
    },
  );
}

export default fp(metricsPlugin, { name: 'carbon-atlas-metrics' });
