import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Database } from '../db/database.js';
import { joinedTransaction } from '../db/joined-transaction.js';
import { once, requestHash } from './idempotency.js';

/** The optional header, for a route's `headers` schema (validated, and documented in OpenAPI). */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, description: 'Send the same key again to repeat a request left in doubt: it is carried out once and its first answer is given again (for 24 hours).' }),
  ),
});

/**
 * Answers a creating request with `status` and what `work` returns, once per Idempotency-Key when
 * the client sends one: a repeat of the same request (method, URL and body) gets the first answer
 * again, marked `Idempotent-Replayed: true`; another request with that key gets 409.
 *
 * `work` must write only through the database it is given: with a key, that is the transaction the
 * answer is written in (the transactions it opens join it), so the work and its answer commit together.
 */
export async function answerOnce(db: Database, request: FastifyRequest, reply: FastifyReply, organizationId: string, status: number, work: (db: Database) => Promise<unknown>) {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return reply.status(status).send(await work(db));
  const hash = requestHash([request.method, request.url, JSON.stringify(request.body ?? null)]);
  const answer = await once(db, { organizationId, key, hash }, async (tx) => ({ status, body: await work(joinedTransaction(tx, db.kind)) }));
  if (answer.replayed) reply.header('idempotent-replayed', 'true');
  return reply.status(answer.status).send(answer.body);
}
