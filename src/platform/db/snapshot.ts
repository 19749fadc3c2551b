import type { Database, Queryable } from './database.js';

const isDatabase = (db: Queryable): db is Database => typeof (db as Partial<Database>).transaction === 'function';

/**
 * Runs several reads against one snapshot (a read-only REPEATABLE READ transaction), so figures
 * computed from more than one statement — a sum of aggregates corrected by row counts — describe
 * one moment, never a mix of before and after a concurrent write. Inside a transaction already,
 * the caller's own isolation applies.
 */
export function inOneSnapshot<T>(db: Queryable, work: (snapshot: Queryable) => Promise<T>): Promise<T> {
  if (!isDatabase(db)) return work(db);
  return db.readSnapshot(work);
}
