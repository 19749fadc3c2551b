import { createHash } from 'node:crypto';
import pg from 'pg';
import sql, { type Sql } from 'sql-template-tag';
import type { Database, Queryable, Session, SnapshotFork } from './database.js';
import { isDatabaseOutage } from './database-errors.js';
import { listenForNotifications } from './postgres-listener.js';
import { createWriteCounter } from './write-counter.js';

const INT8_OID = 20;
const MAX_ATTEMPTS = 5;
const CONTENTION = new Set(['40P01', '40001']);
/** The server cancels a slow statement itself; the client waits this much longer before deciding the server is gone. */
const CLIENT_TIMEOUT_MARGIN_MS = 2_000;

export interface PostgresOptions {
  poolSize?: number | undefined;
  /** Opening a connection, and waiting for a free one in the pool; unset or 0 waits forever. */
  connectTimeoutMs?: number | undefined;
  /** PostgreSQL's statement_timeout for request and job statements; unset or 0: none. */
  statementTimeoutMs?: number | undefined;
  /** PostgreSQL's idle_in_transaction_session_timeout; unset or 0: none. */
  idleInTransactionTimeoutMs?: number | undefined;
  /** statement_timeout of a maintenance transaction, and the client's wait 2 s beyond it; unset or 0: none. */
  maintenanceTimeoutMs?: number | undefined;
}

function isContention(error: unknown): boolean {
  return CONTENTION.has((error as { code?: string } | null)?.code ?? '');
}

/** Counts and other bigints come back as numbers, as PGlite returns them, so both databases read alike. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * Every statement runs as a named prepared statement, so each connection parses and plans a query
 * shape once. Names are digests of the text; texts never contain input (values are always
 * parameters), so the set of names is bounded by the code's query shapes.
 */
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `ca_${createHash('sha1').update(text).digest('base64url')}`;
    statementNames.set(text, name);
  }
  return name;
}

type RowBuilder = (values: unknown[]) => Record<string, unknown>;

/**
 * Rows come from the driver as arrays and are made objects by one object literal per column list,
 * compiled once (bounded, as the statement names are, by the code's query shapes). The driver's
 * own objects are built key by key from a null-prototype template: past a few dozen columns V8
 * keeps such objects as hash tables, slower to make and to read (a catalog page reads 200 rows of
 * 54 columns). Column names are written as JSON strings; `__proto__` would set the prototype in a
 * literal, so a list holding it is built key by key.
 */
const rowBuilders = new Map<string, RowBuilder>();
function rowBuilder(fields: pg.FieldDef[]): RowBuilder {
  const names = fields.map((field) => field.name);
  const key = names.join('\u0000');
  let build = rowBuilders.get(key);
  if (!build) {
    build = names.includes('__proto__')
      ? (values) => Object.fromEntries(names.map((name, i) => [name, values[i]]))
      : (new Function('v', `return {${names.map((name, i) => `${JSON.stringify(name)}: v[${i}]`).join(', ')}};`) as RowBuilder);
    rowBuilders.set(key, build);
  }
  return build;
}

function asQueryable(client: pg.Pool | pg.PoolClient | pg.Client): Queryable {
  return {
    async query<Row>(statement: Sql) {
      const result = await client.query<unknown[]>({ name: statementName(statement.text), text: statement.text, values: statement.values as unknown[], rowMode: 'array' });
      return result.rows.map(rowBuilder(result.fields)) as Row[];
    },
  };
}

/** Start-up settings of every connection, pooled or a session of its own (see poolConfig for why). */
const CONNECTION_SETTINGS = '-c jit=off -c plan_cache_mode=force_custom_plan -c max_parallel_workers_per_gather=0';

/**
 * Every wait is bounded: connecting, a statement on the server, a server that stops answering
 * (hung or frozen: the client gives up a little after the server would have), and a transaction
 * left open by a stalled caller. Keep-alive notices a peer that vanished without closing.
 */
function poolConfig(connectionString: string, options: PostgresOptions): pg.PoolConfig {
  const statementTimeout = options.statementTimeoutMs || undefined;
  return {
    connectionString,
    max: options.poolSize ?? 10,
    types,
    application_name: 'carbon-atlas',
    // JIT off for every connection: an API's statements read a few index pages, yet once the
    // planner's estimate passes jit_above_cost PostgreSQL compiles for ~400 ms a plan that then runs
    // in milliseconds (the STAC searches, the catalog counts at 1,000,000 plumes; a low-zoom tile
    // spent 1.5–2.5 s of its 3–6 s compiling). Decisions 0018 and 0020.
    // Custom plans always: statements are named (below), and after five runs PostgreSQL may keep a
    // generic plan made without the values, which for a box and a date range walks the wrong index
    // (a STAC page: 30–40 ms with the values, 300–460 ms generic). Decision 0030.
    // No parallel workers: starting them took 12–15 ms here, for scans of a few milliseconds (a
    // STAC page of 100: 21 ms with two workers, 3 ms without), and on a small server they only
    // compete with the other requests for its cores. A statement that scans far (the STAC
    // aggregate) asks for them itself (PARALLEL_WORKERS). Decision 0032.
    options: CONNECTION_SETTINGS,
    keepAlive: true,
    connectionTimeoutMillis: options.connectTimeoutMs || undefined,
    statement_timeout: statementTimeout,
    query_timeout: statementTimeout && statementTimeout + CLIENT_TIMEOUT_MARGIN_MS,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs || undefined,
  };
}

/**
 * Connections that died. A connection can die at any moment (a failover, a restart,
 * pg_terminate_backend), also while checked out, or in the instant between the pool handing it
 * over and the borrower taking it: an 'error' event without a listener crashes the process, so
 * every client gets one listener for its whole life, attached when the pool opens it.
 */
const lostConnections = new WeakMap<pg.PoolClient, Error>();

function watchConnection(client: pg.PoolClient) {
  client.on('error', (error) => {
    if (!lostConnections.has(client)) lostConnections.set(client, error);
  });
}

/**
 * Lends a pool client to `use`. A dead or stuck client is released with an error so that the pool
 * discards it; `onFailure` runs on a client that is still usable (to roll back).
 */
async function withPoolClient<T>(pool: pg.Pool, use: (client: pg.PoolClient) => Promise<T>, onFailure: (client: pg.PoolClient) => Promise<void>): Promise<T> {
  const client = await pool.connect();
  let discard: Error | undefined;
  try {
    return await use(client);
  } catch (error) {
    // After a lost connection or a timed-out statement the session is gone or still busy: the
    // server rolls back when the connection closes, so do not wait on it to do so.
    if (lostConnections.has(client) || isDatabaseOutage(error)) discard = error as Error;
    else await onFailure(client).catch((failure: Error) => void (discard = failure));
    throw error;
  } finally {
    client.release(lostConnections.get(client) ?? discard);
  }
}

/** How long a fork waits for a connection the pool said it has, or can open, before it gives up on it. */
const FORK_WAIT_MS = 50;

/**
 * How long a fork's statement waits for a table lock before it runs on the snapshot's own
 * connection instead. The two transactions wait for each other in this process, where PostgreSQL
 * cannot see it: were an ACCESS EXCLUSIVE request (a migration, TRUNCATE) queued between the first
 * one's locks and the fork's, the fork would wait for it, and it for the first transaction, which
 * waits for the fork.
 */
const FORK_LOCK_TIMEOUT = "SET LOCAL lock_timeout = '100ms'";
const LOCK_NOT_AVAILABLE = '55P03';

/** pg_export_snapshot()'s identifiers: sent as text (SET TRANSACTION SNAPSHOT takes no parameter). */
const SNAPSHOT_ID = /^[0-9A-F]+-[0-9A-F]+-[0-9]+$/;

/**
 * Pool connections that import `snapshot`'s snapshot on demand, ended by close(). A fork that cannot
 * be had (no room in the pool, a connection refused, an import that fails) is no fork: the read
 * runs on its own connection, as it would have.
 */
function snapshotForks(pool: pg.Pool, snapshot: Queryable, begin: readonly string[]) {
  const forked: pg.PoolClient[] = [];
  let exported: Promise<string> | undefined;
  let closed = false;
  const fork: SnapshotFork = async () => {
    // A full pool with none idle: taking one would mean waiting for another request to end.
    if (closed || (pool.idleCount === 0 && pool.totalCount >= pool.options.max)) return undefined;
    const pending = pool.connect();
    const client = await Promise.race([pending, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), FORK_WAIT_MS))]).catch(() => undefined);
    if (!client || closed) {
      pending.then((late) => late.release(), () => undefined);
      return undefined;
    }
    // The export runs on the snapshot's connection: its failure is that transaction's, and thrown.
    exported ??= snapshot.query<{ id: string }>(sql`SELECT pg_export_snapshot() AS id`).then(([row]) => row!.id);
    const id = await exported.catch((error: Error) => {
      client.release();
      throw error;
    });
    try {
      if (!SNAPSHOT_ID.test(id)) throw new Error(`Unexpected snapshot identifier ${JSON.stringify(id)}`);
      // The import must come first in the transaction; the settings after it.
      await client.query([begin[0], `SET TRANSACTION SNAPSHOT '${id}'`, ...begin.slice(1), FORK_LOCK_TIMEOUT].join('; '));
    } catch (error) {
      client.release(error as Error);
      return undefined;
    }
    forked.push(client);
    return forkedQueryable(client, snapshot);
  };
  /** Commits the forks after a read that succeeded; drops them (the server rolls back) after one that failed, without waiting for a statement still running there. */
  async function close(succeeded: boolean) {
    closed = true;
    for (const client of forked.splice(0)) {
      if (!succeeded) client.release(new Error('The read this snapshot fork served failed'));
      else await client.query('COMMIT').then(() => client.release(), (error: Error) => client.release(error));
    }
  }
  return { fork, close };
}

/**
 * A fork's statements. One that would wait for a lock runs on the snapshot's own connection (same
 * snapshot, same answer), and so does every later one: the fork's transaction is aborted then.
 */
function forkedQueryable(client: pg.PoolClient, snapshot: Queryable): Queryable {
  const own = asQueryable(client);
  let abandoned = false;
  return {
    async query<Row>(statement: Sql) {
      if (abandoned) return snapshot.query<Row>(statement);
      try {
        return await own.query<Row>(statement);
      } catch (error) {
        if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error;
        abandoned = true;
        return snapshot.query<Row>(statement);
      }
    },
  };
}

export async function openPostgresDatabase(connectionString: string, options: PostgresOptions = {}): Promise<Database> {
  const pool = new pg.Pool(poolConfig(connectionString, options));
  pool.on('connect', watchConnection);
  // An idle client that loses its connection is dropped by the pool; the error needs no handling.
  pool.on('error', () => undefined);
  const plain = asQueryable(pool);
  const rollback = async (client: pg.PoolClient) => void (await client.query('ROLLBACK'));
  const writes = createWriteCounter();
  // A session's statements may run long (migrations, rebuilds); the client waits `timeoutMs` and a margin when given.
  const sessionClient = (timeoutMs?: number) =>
    new pg.Client({
      connectionString, types, application_name: 'carbon-atlas', options: CONNECTION_SETTINGS, keepAlive: true,
      connectionTimeoutMillis: options.connectTimeoutMs || undefined,
      query_timeout: timeoutMs ? timeoutMs + CLIENT_TIMEOUT_MARGIN_MS : undefined,
    });
  return {
    kind: 'postgres',
    query: (statement) => writes.statement(statement, () => plain.query(statement)),
    transaction: (work) => writes.block(() => runTransaction(work)),
    // One message opens it and sets what it needs (not BEGIN, then SET TRANSACTION, then SET LOCAL):
    // each round trip to the server costs ~0.2 ms of this process's time on a busy host (decision 0033).
    readSnapshot: (work, options) => {
      const begin = ['BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY', ...(options?.settings ?? []).map((setting) => `SET LOCAL ${setting}`)];
      return runTransaction(async (snapshot) => {
        const forks = snapshotForks(pool, snapshot, begin);
        let succeeded = false;
        try {
          const result = await work(snapshot, forks.fork);
          succeeded = true;
          return result;
        } finally {
          await forks.close(succeeded);
        }
      }, begin.join('; '));
    },
    maintenanceTransaction: (work) => writes.block(() => runMaintenanceTransaction(work)),
    withAdvisoryLock: (lockKey, work) => writes.block(() => withAdvisoryLock(lockKey, work)),
    listen: (channel, onMessage, onState) => listenForNotifications(sessionClient, channel, onMessage, onState),
    writesCompleted: writes.completed,
    close: () => pool.end(),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };

  function runTransaction<T>(work: (tx: Queryable) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    return retriedOnContention(() =>
      withPoolClient(
        pool,
        async (client) => {
          await client.query(begin);
          const result = await work(asQueryable(client));
          await client.query('COMMIT');
          return result;
        },
        rollback,
      ),
    );
  }

  async function withAdvisoryLock<T>(lockKey: string, work: (session: Session) => Promise<T>): Promise<T> {
    // Migrations and recalculations may rightly run long and wait for another process's turn: a
    // session of their own, outside the pool and its statement timeouts. Closing it releases the lock.
    return onOwnSession(async (client) => {
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
      return work({ ...asQueryable(client), exec: async (script) => void (await client.query(script)) });
    });
  }

  function runMaintenanceTransaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return retriedOnContention(() => onOwnSession((client) => inTransaction(client, work, options.maintenanceTimeoutMs || 0), options.maintenanceTimeoutMs));
  }

  async function onOwnSession<T>(work: (client: pg.Client) => Promise<T>, timeoutMs?: number): Promise<T> {
    const client = sessionClient(timeoutMs);
    client.on('error', () => undefined); // a lost session fails its pending query, which is what reports it
    try {
      await client.connect();
      return await work(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * A deadlock or serialisation failure aborts one of the transactions involved; running it again is
 * what PostgreSQL asks for, and a transaction's work is database-only, so it can be re-run.
 */
async function retriedOnContention<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt < MAX_ATTEMPTS && isContention(error)) continue;
      throw error;
    }
  }
}

/** `work` in a transaction on a session nobody else uses; a failure rolls it back (closing the session would too). */
async function inTransaction<T>(client: pg.Client, work: (tx: Queryable) => Promise<T>, timeoutMs: number): Promise<T> {
  await client.query('BEGIN');
  try {
    // This limit, not the role's or the database's. SET LOCAL, which SET TRANSACTION may still follow.
    await client.query(`SET LOCAL statement_timeout = ${Math.trunc(timeoutMs)}`);
    const result = await work(asQueryable(client));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
