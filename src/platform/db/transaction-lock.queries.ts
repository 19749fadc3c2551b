import sql from 'sql-template-tag';
import type { Queryable } from './database.js';

/**
 * Takes a PostgreSQL advisory lock held until the transaction ends: two processes doing the same
 * work (seeding the demo data) take turns, the second seeing what the first committed.
 */
export async function lockForTransaction(tx: Queryable, lockKey: string): Promise<void> {
  await tx.query(sql`SELECT pg_advisory_xact_lock(hashtext(${lockKey}))`);
}
