import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import sql from 'sql-template-tag';

const Health = Type.Object({ status: Type.String() });
const Readiness = Type.Object({ status: Type.Enum(['ready', 'unavailable']), database: Type.Enum(['pglite', 'postgres']) });

/** Liveness (the process answers) and readiness (the database answers) for orchestrators. */
export default async function healthRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/healthz',
    { config: { auth: 'none' }, logLevel: 'warn', schema: { operationId: 'health', tags: ['operations'], summary: 'The process is up', response: { 200: Health } } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    { config: { auth: 'none' }, logLevel: 'warn', schema: { operationId: 'readiness', tags: ['operations'], summary: 'The database is reachable', response: { 200: Readiness, 503: Readiness } } },
    async (_request, reply) => {
      try {
        await app.db.query(sql`SELECT 1`);
        return { status: 'ready' as const, database: app.db.kind };
      } catch {
        return reply.status(503).send({ status: 'unavailable' as const, database: app.db.kind });
      }
    },
  );
}
