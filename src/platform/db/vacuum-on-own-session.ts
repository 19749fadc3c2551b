import sql, { type Sql } from 'sql-template-tag';
import type { Database } from './database.js';

/**
 * How long the VACUUM waits for a table lock: past deadlock_timeout (1 s) PostgreSQL cancels an
 * autovacuum that holds it; an ordinary holder is waited for no longer than this.
 */
const LOCK_WAIT = '5s';

/**
 * Runs `vacuum` on PostgreSQL on a session of its own (VACUUM cannot run in a transaction, nor
 * under a request's statement timeout), one process at a time per `lockKey`, waiting at most 5 s
 * for its table locks and `statementTimeout` in all when given. Best effort: false when it could
 * not run (the embedded database) or failed; a VACUUM only ever makes reads faster, never right.
 */
export async function vacuumOnOwnSession(db: Database, lockKey: string, vacuum: Sql, statementTimeout?: string): Promise<boolean> {
  if (db.kind !== 'postgres') return false;
  return db
    .withAdvisoryLock(lockKey, async (session) => {
      await session.query(sql`SELECT set_config('lock_timeout', ${LOCK_WAIT}, false)`);
      if (statementTimeout) await session.query(sql`SELECT set_config('statement_timeout', ${statementTimeout}, false)`);
      await session.query(vacuum);
      return true;
    })
    .catch(() => false);
}
