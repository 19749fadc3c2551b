import type { Sql } from 'sql-template-tag';

/** A plain SELECT: it reads only (the code base has no function that writes from a SELECT). */
const READ_ONLY = /^\s*\(?\s*SELECT\b/i;

/**
 * Counts completed statements that may have written, for Database.writesCompleted: a statement
 * is counted when it ends (committed or not: a failed one changed nothing, counting it only costs
 * a re-read), a transaction or locked session when it ends.
 */
export function createWriteCounter() {
  let completed = 0;
  const count = <T>(work: Promise<T>): Promise<T> => work.finally(() => void (completed += 1));
  return {
    completed: () => completed,
    /** Counts `work` if `statement` may write. */
    statement: <T>(statement: Sql, work: () => Promise<T>): Promise<T> => (READ_ONLY.test(statement.text) ? work() : count(work())),
    /** Counts a transaction or a session, whatever it ran. */
    block: <T>(work: () => Promise<T>): Promise<T> => count(work()),
  };
}
