import { NO_FORK, type Database, type Queryable } from './database.js';

/**
 * The open transaction `tx` seen as a Database: a service that opens a transaction of its own runs
 * it inside `tx` instead, so its writes commit or roll back with whatever else `tx` holds (an
 * Idempotency-Key's answer). On the embedded database, which has one connection, this is also what
 * keeps such a service from waiting on the transaction it runs in.
 */
export function joinedTransaction(tx: Queryable, kind: Database['kind']): Database {
  return {
    kind,
    query: (statement) => tx.query(statement),
    transaction: (work) => work(tx),
    maintenanceTransaction: (work) => work(tx),
    // Inside a transaction already: its own snapshot and settings apply.
    readSnapshot: (work) => work(tx, NO_FORK),
    withAdvisoryLock: () => Promise.reject(new Error('An advisory-lock session cannot be opened inside a transaction.')),
    close: async () => undefined,
  };
}
