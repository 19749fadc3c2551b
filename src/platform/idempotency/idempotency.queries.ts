import sql from 'sql-template-tag';
import type { Queryable } from '../db/database.js';

export interface KeyInput {
  organizationId: string;
  key: string;
  hash: string;
}

export async function deleteExpired(db: Queryable) {
  await db.query(sql`DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'`);
}

/**
 * Claims a key for a request: a new key, or one whose earlier request with the same fingerprint
 * died unanswered (its lease ran out). False when someone holds it or it is answered.
 */
export async function claim(db: Queryable, input: KeyInput, leaseSeconds: number) {
  const rows = await db.query(sql`
    INSERT INTO idempotency_keys (organization_id, key, request_hash, locked_until)
    VALUES (${input.organizationId}, ${input.key}, ${input.hash}, now() + make_interval(secs => ${leaseSeconds}))
    ON CONFLICT (organization_id, key) DO UPDATE SET locked_until = EXCLUDED.locked_until, created_at = now()
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

export async function extendLease(db: Queryable, input: KeyInput, leaseSeconds: number) {
  await db.query(sql`
    UPDATE idempotency_keys SET locked_until = now() + make_interval(secs => ${leaseSeconds})
    WHERE organization_id = ${input.organizationId} AND key = ${input.key} AND status IS NULL`);
}

export async function storeAnswer(db: Queryable, input: KeyInput, answer: { status: number; body: unknown }) {
  await db.query(sql`
    UPDATE idempotency_keys SET status = ${answer.status}, response = ${JSON.stringify(answer.body)}::jsonb, locked_until = NULL
    WHERE organization_id = ${input.organizationId} AND key = ${input.key}`);
}

export async function release(db: Queryable, input: KeyInput) {
  await db.query(sql`DELETE FROM idempotency_keys WHERE organization_id = ${input.organizationId} AND key = ${input.key} AND status IS NULL`);
}
