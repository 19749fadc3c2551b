import sql from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';

export async function insertState(db: Queryable, input: { stateHash: string; nonce: string; ttlSeconds: number }) {
  await db.query(sql`
    INSERT INTO oauth_states (state_hash, nonce, expires_at) VALUES (${input.stateHash}, ${input.nonce}, now() + make_interval(secs => ${input.ttlSeconds}))`);
  // Expired states are only clutter: sweep them as new ones are issued.
  await db.query(sql`DELETE FROM oauth_states WHERE expires_at < now() - interval '1 day'`);
}

/** Spends a live state and returns its nonce; undefined when unknown, spent or expired. */
export async function spendState(db: Queryable, stateHash: string) {
  const [row] = await db.query<{ nonce: string }>(sql`
    UPDATE oauth_states SET used_at = now() WHERE state_hash = ${stateHash} AND used_at IS NULL AND expires_at > now() RETURNING nonce`);
  return row?.nonce;
}

export async function selectLinkedUserId(db: Queryable, issuer: string, subject: string) {
  const [row] = await db.query<{ user_id: string }>(sql`SELECT user_id FROM user_identities WHERE issuer = ${issuer} AND subject = ${subject}`);
  return row?.user_id;
}

export async function insertIdentity(db: Queryable, input: { issuer: string; subject: string; userId: string }) {
  await db.query(sql`
    INSERT INTO user_identities (issuer, subject, user_id) VALUES (${input.issuer}, ${input.subject}, ${input.userId}) ON CONFLICT DO NOTHING`);
}
