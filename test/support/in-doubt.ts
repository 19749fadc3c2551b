import type { Database, Queryable } from '../../src/platform/db/database.js';

/** What the server says when it terminates a connection (a restart, a failover, pg_terminate_backend). */
export const terminated = () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' });

/**
 * Faults injected into the app's database object (the one `ctx.db` and `app.db` share); `restore`
 * undoes the last one. Each fires once.
 */
export function databaseFaults(db: Database) {
  const original = { query: db.query, transaction: db.transaction };
  return {
    restore: () => void Object.assign(db, original),
    /** The next statement matching `pattern`, on the database or in a transaction, fails without running. */
    failStatement(pattern: RegExp) {
      let armed = true;
      const guarded = (target: Queryable): Queryable['query'] => (statement) => {
        if (armed && pattern.test(statement.text)) {
          armed = false;
          return Promise.reject(terminated());
        }
        return target.query(statement);
      };
      db.query = guarded({ query: original.query });
      db.transaction = (work) => original.transaction((tx) => work({ query: guarded(tx) }));
    },
    /**
     * The transaction that runs a statement matching `pattern` commits, but its caller hears that
     * the connection was terminated: a COMMIT whose outcome the client cannot know.
     */
    loseCommitOf(pattern: RegExp) {
      let armed = true;
      db.transaction = async (work) => {
        let matched = false;
        const result = await original.transaction((tx) => work({ query: (statement) => ((matched ||= pattern.test(statement.text)), tx.query(statement)) }));
        if (armed && matched) {
          armed = false;
          throw terminated();
        }
        return result;
      };
    },
  };
}
