import sql from 'sql-template-tag';
import type { Queryable } from '../db/database.js';

export interface OutboxRow {
  id: number;
  to_address: string;
  subject: string;
  body_text: string;
  created_at: Date;
  attempts: number;
  sent_at: Date | null;
  last_error: string | null;
}

const COLUMNS = sql`id, to_address, subject, body_text, created_at, attempts, sent_at, last_error`;

export async function insertMessage(db: Queryable, message: { to: string; subject: string; text: string }) {
  const [row] = await db.query<OutboxRow>(sql`
    INSERT INTO email_outbox (to_address, subject, body_text) VALUES (${message.to}, ${message.subject}, ${message.text})
    RETURNING ${COLUMNS}`);
  return row!;
}

export function selectMessages(db: Queryable, options: { unsentOnly: boolean; to?: string | undefined; limit: number }) {
  return db.query<OutboxRow>(sql`
    SELECT ${COLUMNS} FROM email_outbox
    WHERE (NOT ${options.unsentOnly} OR sent_at IS NULL)
      AND (${options.to ?? null}::text IS NULL OR lower(to_address) = lower(${options.to ?? null}))
    ORDER BY id DESC LIMIT ${options.limit}`);
}

/**
 * Leases the next due message for five minutes, so no other sender takes it while this one talks
 * to the SMTP server outside any transaction; a sender that dies leaves it due again afterwards.
 */
export async function leaseDueMessage(db: Queryable) {
  const [row] = await db.query<OutboxRow>(sql`
    UPDATE email_outbox SET next_attempt_at = now() + interval '5 minutes'
    WHERE id = (
      SELECT id FROM email_outbox
      WHERE sent_at IS NULL AND next_attempt_at <= now() AND attempts < 10
      ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING ${COLUMNS}`);
  return row;
}

export async function markSent(db: Queryable, id: number) {
  await db.query(sql`UPDATE email_outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ${id}`);
}

/** Backs off exponentially: 1, 2, 4 … minutes after each failed attempt. */
export async function markFailed(db: Queryable, id: number, error: string) {
  await db.query(sql`
    UPDATE email_outbox
    SET attempts = attempts + 1, last_error = ${error.slice(0, 1000)},
        next_attempt_at = now() + make_interval(mins => power(2, least(attempts, 10))::int)
    WHERE id = ${id}`);
}
