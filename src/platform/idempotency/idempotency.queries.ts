import sql from 'sql-template-tag';
import type { Queryable } from '../db/database.js';

export interface KeyInput {
  organizationId: string;
  key: string;
  hash: string;
}

/** One request's hold on a key: the key and the token its claim wrote. */
export interface Claim extends KeyInput {
  token: string;
}

export async function deleteExpired(db: Queryable) {
  await db.query(sql`DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'`);
}

/**
 * Claims a key for a request: a new key, or one whose earlier request with the same fingerprint
 * died unanswered (its lease ran out). False when someone holds it or it is answered. A key whose
 * answer is being written in a transaction not yet committed is locked: this waits for it, then
 * sees it answered.
 */
export async function claim(db: Queryable, claim: Claim, leaseSeconds: number) {
  const rows = await db.query(sql`
    INSERT INTO idempotency_keys (organization_id, key, request_hash, locked_until, claim_token)
    VALUES (${claim.organizationId}, ${claim.key}, ${claim.hash}, now() + make_interval(secs => ${leaseSeconds}), ${claim.token})
    ON CONFLICT (organization_id, key) DO UPDATE SET locked_until = EXCLUDED.locked_until, claim_token = EXCLUDED.claim_token, created_at = now()
      WHERE idempotency_keys.status IS NULL AND idempotency_keys.request_hash = EXCLUDED.request_hash
        AND (idempotency_keys.locked_until IS NULL OR idempotency_keys.locked_until < now())
    RETURNING key`);
  return rows.length === 1;
}

export async function selectKey(db: Queryable, input: KeyInput) {
  const [row] = await db.query<{ request_hash: string; status: number | null; response: unknown }>(sql`
    SELECT request_hash, status, response FROM idempotency_keys WHERE organization_id = ${input.organizationId} AND key = ${input.key}`);
  return row;
}

/** Renews the lease of a claim still unanswered and still this one's (not taken over). */
export async function extendLease(db: Queryable, claim: Claim, leaseSeconds: number) {
  await db.query(sql`
    UPDATE idempotency_keys SET locked_until = now() + make_interval(secs => ${leaseSeconds})
    WHERE organization_id = ${claim.organizationId} AND key = ${claim.key} AND status IS NULL AND claim_token = ${claim.token}`);
}

/**
 * Writes the answer, in the transaction of the work it answers. False when the claim is no longer
 * this one's (taken over after its lease ran out): the caller must then roll its work back.
 */
export async function storeAnswer(db: Queryable, claim: Claim, answer: { status: number; body: unknown }) {
  const rows = await db.query(sql`
    UPDATE idempotency_keys SET status = ${answer.status}, response = ${JSON.stringify(answer.body)}::jsonb, locked_until = NULL
    WHERE organization_id = ${claim.organizationId} AND key = ${claim.key} AND status IS NULL AND claim_token = ${claim.token}
    RETURNING key`);
  return rows.length === 1;
}

/**
 * Gives up a claim whose work did not commit. Only an unanswered key held by this very claim is
 * deleted: an answer is written with its work, so an answered key is work that committed.
 */
export async function release(db: Queryable, claim: Claim) {
  await db.query(sql`
    DELETE FROM idempotency_keys
    WHERE organization_id = ${claim.organizationId} AND key = ${claim.key} AND status IS NULL AND claim_token = ${claim.token}`);
}
