import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import sql from 'sql-template-tag';
import type { Database } from '../db/database.js';

/** Orchestrators probe every few seconds with a timeout of about one: answer well within it. */
const READINESS_TIMEOUT_MS = 800;

const Health = Type.Object({ status: Type.String() });
const Readiness = Type.Object({ status: Type.Enum(['ready', 'unavailable']), database: Type.Enum(['pglite', 'postgres']) });

/**
 * Whether the database answers `SELECT 1` within the timeout. A hung server, an exhausted pool, or
 * PGlite's single connection busy with a long job all make it "not ready" instead of a probe that
 * never answers. At most one probe query is in flight, so probes do not pile up behind a busy database.
 */
export function databaseProbe(db: Database, timeoutMs = READINESS_TIMEOUT_MS) {
  let inFlight: Promise<boolean> | undefined;
  return async function databaseAnswers(): Promise<boolean> {
    inFlight ??= db.query(sql`SELECT 1`).then(
      () => true,
      () => false,
    ).finally(() => (inFlight = undefined));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, timeoutMs, false)));
    try {
      return await Promise.race([inFlight, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * Liveness (the process answers) and readiness (the database answers) for orchestrators. Exempt from
 * rate limits: probes come often from one address, and a 429 would take a healthy process out of service.
 */
export default async function healthRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const databaseAnswers = databaseProbe(app.db);
  app.get(
    '/healthz',
    { config: { auth: 'none', rateLimit: false }, logLevel: 'warn', schema: { operationId: 'health', tags: ['operations'], summary: 'The process is up', response: { 200: Health } } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      config: { auth: 'none', rateLimit: false },
      logLevel: 'warn',
      schema: {
        operationId: 'readiness',
        tags: ['operations'],
        summary: 'The database is reachable',
        description: `503 when the database does not answer within ${READINESS_TIMEOUT_MS} ms (down, hung, or busy with a long job on the embedded database).`,
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_request, reply) => {
      if (await databaseAnswers()) return { status: 'ready' as const, database: app.db.kind };
      return reply.status(503).send({ status: 'unavailable' as const, database: app.db.kind });
    },
  );
}
