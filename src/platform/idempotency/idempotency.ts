import { createHash } from 'node:crypto';
import sql from 'sql-template-tag';
import type { Queryable } from '../db/database.js';
import { ConflictError } from '../errors.js';

export interface StoredAnswer {
  status: number;
  body: unknown;
}

/** A request fingerprint: method, path and body. */
export function requestHash(parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}

/**
 * Runs `work` once per (organization, key). A repeat with the same fingerprint gets the stored
 * answer; with another fingerprint, or while the first is still running, 409. Keys are kept 24 h.
 */
export async function once(
  db: Queryable,
  input: { organizationId: string; key: string; hash: string },
  work: () => Promise<StoredAnswer>,
): Promise<StoredAnswer & { replayed: boolean }> {
  await db.query(sql`DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'`);
  const claimed = await db.query(sql`
    INSERT INTO idempotency_keys (organization_id, key, request_hash) VALUES (${input.organizationId}, ${input.key}, ${input.hash})
    ON CONFLICT DO NOTHING RETURNING key`);
  if (claimed.length === 0) {
    const [row] = await db.query<{ request_hash: string; status: number | null; response: unknown }>(sql`
      SELECT request_hash, status, response FROM idempotency_keys WHERE organization_id = ${input.organizationId} AND key = ${input.key}`);
    if (!row || row.request_hash !== input.hash) throw new ConflictError('This Idempotency-Key was used for a different request.');
    if (row.status === null) throw new ConflictError('A request with this Idempotency-Key is still being processed.');
    return { status: row.status, body: row.response, replayed: true };
  }
  try {
    const answer = await work();
    await db.query(sql`
      UPDATE idempotency_keys SET status = ${answer.status}, response = ${JSON.stringify(answer.body)}::jsonb
      WHERE organization_id = ${input.organizationId} AND key = ${input.key}`);
    return { ...answer, replayed: false };
  } catch (error) {
    // Nothing was stored as done: the client may retry with the same key.
    await db.query(sql`DELETE FROM idempotency_keys WHERE organization_id = ${input.organizationId} AND key = ${input.key}`);
    throw error;
  }
}
