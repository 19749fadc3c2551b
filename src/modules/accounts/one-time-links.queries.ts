import sql from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';

export type LinkPurpose = 'verify_email' | 'reset_password';

/** Issues a link secret (stored as a digest); earlier unused links for the same purpose stop working. */
export async function insertLink(db: Queryable, input: { tokenHash: string; userId: string; purpose: LinkPurpose; ttlSeconds: number }) {
  await db.query(sql`
    UPDATE account_tokens SET used_at = now()
    WHERE user_id = ${input.userId} AND purpose = ${input.purpose} AND used_at IS NULL`);
  await db.query(sql`
    INSERT INTO account_tokens (token_hash, user_id, purpose, expires_at)
    VALUES (${input.tokenHash}, ${input.userId}, ${input.purpose}, now() + make_interval(secs => ${input.ttlSeconds}))`);
}

/** Spends a live link of this user and purpose; returns false when it is unknown, used or expired. */
export async function spendLink(db: Queryable, input: { tokenHash: string; userId: string; purpose: LinkPurpose }) {
  const rows = await db.query(sql`
    UPDATE account_tokens SET used_at = now()
    WHERE token_hash = ${input.tokenHash} AND user_id = ${input.userId} AND purpose = ${input.purpose}
      AND used_at IS NULL AND expires_at > now()
    RETURNING token_hash`);
  return rows.length === 1;
}

export async function spendAllLinks(db: Queryable, userId: string, purpose: LinkPurpose) {
  await db.query(sql`UPDATE account_tokens SET used_at = now() WHERE user_id = ${userId} AND purpose = ${purpose} AND used_at IS NULL`);
}
