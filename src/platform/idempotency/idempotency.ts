import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database.js';
import { ConflictError } from '../errors.js';
import * as queries from './idempotency.queries.js';

export interface StoredAnswer {
  status: number;
  body: unknown;
}

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
 * Runs `work` once per (organization, key). A repeat with the same fingerprint gets the stored
 * answer; with another fingerprint, or while the first is still running, 409. A request that
 * fails or is aborted releases its key; one whose process died holds it only until its lease runs
 * out. Answered keys are kept 24 h.
 */
export async function once(db: Queryable, input: queries.KeyInput, work: () => Promise<StoredAnswer>): Promise<StoredAnswer & { replayed: boolean }> {
  await queries.deleteExpired(db);
  if (!(await queries.claim(db, input, KEY_LEASE_SECONDS))) {
    const row = await queries.selectKey(db, input);
    if (!row || row.request_hash !== input.hash) throw new ConflictError('This Idempotency-Key was used for a different request.');
    if (row.status === null) throw new ConflictError('A request with this Idempotency-Key is still being processed.');
    return { status: row.status, body: row.response, replayed: true };
  }
  const heartbeat = setInterval(() => void queries.extendLease(db, input, KEY_LEASE_SECONDS).catch(() => undefined), (KEY_LEASE_SECONDS * 1000) / 3);
  try {
    const answer = await work();
    await queries.storeAnswer(db, input, answer);
    return { ...answer, replayed: false };
  } catch (error) {
    // Nothing was stored as done: the client may retry with the same key (if the database is
    // what failed, the lease frees the key instead).
    await queries.release(db, input).catch(() => undefined);
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}
