import { createHash, randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database.js';
import { ConflictError } from '../errors.js';
import * as queries from './idempotency.queries.js';

export interface StoredAnswer {
  status: number;
  body: unknown;
}

/** Writes a request's answer in the transaction `tx`, the one that makes its work final. */
export type RecordAnswer = (tx: Queryable, answer: StoredAnswer) => Promise<void>;

/**
 * How long a request holds its key without renewing it. The request renews it every third of that
 * while it works, so only a request whose process died loses it: a retry then takes the key over.
 */
export const KEY_LEASE_SECONDS = 30;

/** A request fingerprint: method, path and body. */
export function requestHash(parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}

/**
 * Runs `work` once per (organization, key), in one transaction with the key's answer: either both
 * commit or neither does, so a request left in doubt (an error after or during COMMIT, a lost
 * connection) is re-sent safely — its retry gets the stored answer, or carries the work out for
 * the first time. A repeat with another fingerprint, or while the first is still running, gets 409.
 * Answered keys are kept 24 h.
 */
export function once(db: Database, input: queries.KeyInput, work: (tx: Queryable) => Promise<StoredAnswer>) {
  return onceInSteps(db, input, (recordAnswer) =>
    db.transaction(async (tx) => {
      const answer = await work(tx);
      await recordAnswer(tx, answer);
      return answer;
    }),
  );
}

/**
 * `once` for work that cannot be one transaction (an upload read from the client while it is
 * stored): `work` commits in as many transactions as it needs and calls `recordAnswer` in the one
 * that makes its outcome final (the one queueing an import), so that the answer exists exactly when
 * that outcome does. If it fails before, the key is released and a retry starts over.
 */
export async function onceInSteps(db: Database, input: queries.KeyInput, work: (recordAnswer: RecordAnswer) => Promise<StoredAnswer>): Promise<StoredAnswer & { replayed: boolean }> {
  await queries.deleteExpired(db);
  const claim = { ...input, token: randomUUID() };
  if (!(await queries.claim(db, claim, KEY_LEASE_SECONDS))) return storedAnswer(db, input);
  const heartbeat = setInterval(() => void queries.extendLease(db, claim, KEY_LEASE_SECONDS).catch(() => undefined), (KEY_LEASE_SECONDS * 1000) / 3);
  let recorded = false;
  const recordAnswer: RecordAnswer = async (tx, answer) => {
    // The lease ran out and another request took the key over: it does the work, this one rolls back.
    if (!(await queries.storeAnswer(tx, claim, answer))) throw new ConflictError('A request with this Idempotency-Key is still being processed.');
    recorded = true;
  };
  try {
    const answer = await work(recordAnswer);
    if (!recorded) throw new Error('Idempotent work ended without recording its answer.');
    return { ...answer, replayed: false };
  } catch (error) {
    // Safe whatever failed, even a COMMIT whose outcome is unknown: only a key still unanswered
    // (its work did not commit) and still held by this claim is released.
    await queries.release(db, claim).catch(() => undefined);
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}

async function storedAnswer(db: Queryable, input: queries.KeyInput) {
  const row = await queries.selectKey(db, input);
  if (!row || row.request_hash !== input.hash) throw new ConflictError('This Idempotency-Key was used for a different request.');
  if (row.status === null) throw new ConflictError('A request with this Idempotency-Key is still being processed.');
  return { status: row.status, body: row.response, replayed: true };
}
