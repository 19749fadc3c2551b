import type { Sql } from 'sql-template-tag';

/** Anything that can run a parameterised statement: the database itself or an open transaction. */
export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<Row = Record<string, unknown>>(statement: Sql): Promise<Row[]>;
}

/**
 * Settings a read may take for itself alone (the planner's, and its sort memory). A closed list:
 * they are sent as SQL text in the statement that opens the transaction (one round trip), never
 * built from input.
 */
export type LocalSetting = 'enable_bitmapscan = off' | 'max_parallel_workers_per_gather = 2' | "work_mem = '32MB'";

/**
 * Another connection reading in the same snapshot (PostgreSQL exports it), so that one heavy read
 * can split its work across cores; undefined when the pool has no connection idle nor room for a
 * new one (a reader never waits for another's: two readers each holding one and waiting for a
 * second would wait forever), on the embedded database, and inside a transaction.
 */
export type SnapshotFork = () => Promise<Queryable | undefined>;

export const NO_FORK: SnapshotFork = async () => undefined;

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `work` in one transaction, committed when it resolves and rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in one transaction on a session of its own, outside the pool and the requests'
   * statement timeouts: maintenance whose length grows with the data (a rebuild of derived tables)
   * and which a time limit would only roll back to fail the same way again. The embedded database
   * has no such limits: there it is `transaction`.
   */
  maintenanceTransaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs reads in one read-only REPEATABLE READ transaction (one snapshot), with `settings` set for
   * it alone (SET LOCAL; PostgreSQL only). Not counted by writesCompleted: it cannot write, so no
   * value kept in memory needs re-reading after it.
   */
  readSnapshot<T>(work: (snapshot: Queryable, fork: SnapshotFork) => Promise<T>, options?: { settings?: readonly LocalSetting[] }): Promise<T>;
  /**
   * Runs `work` on one dedicated session holding a PostgreSQL advisory lock, so that two processes
   * doing the same thing (migrations, seeding) take turns. `exec` runs multi-statement SQL text.
   */
  withAdvisoryLock<T>(lockKey: string, work: (session: Session) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * Subscribes to PostgreSQL notifications on `channel` (LISTEN). `onState(true)` once listening
   * (again, after a lost connection: notifications sent meanwhile are lost, so re-read what they
   * would have told), `onState(false)` as soon as the listener may be missing notifications.
   * Resolves to an unsubscribe function.
   */
  listen?(channel: string, onMessage: (payload: string) => void, onState: (listening: boolean) => void): Promise<() => Promise<void>>;
  /**
   * How many statements that may have written (everything but a plain SELECT, and every
   * transaction, counted when they end) this process has completed: lets a value kept in memory
   * notice this process's own writes at once, before any notification arrives.
   */
  writesCompleted?(): number;
  /** Connections open, idle and requests waiting for one (the embedded database has one connection). */
  poolStats?(): { total: number; idle: number; waiting: number };
}

export interface Session extends Queryable {
  /** Runs a whole SQL script (several statements, no parameters), as migrations are written. */
  exec(script: string): Promise<void>;
}
