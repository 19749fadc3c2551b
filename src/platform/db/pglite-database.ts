import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Sql } from 'sql-template-tag';
import { NO_FORK, type Database, type Queryable } from './database.js';
import { createWriteCounter } from './write-counter.js';
import { corePostgis } from './postgis-bundle.js';

function asQueryable(target: PGlite | Transaction): Queryable {
  return {
    async query<Row>(statement: Sql) {
      const result = await target.query<Row>(statement.text, statement.values as unknown[]);
      return result.rows;
    },
  };
}

/**
 * The embedded database: PostgreSQL compiled to WebAssembly, in this process, with PostGIS.
 * PGlite is single-connection, so transactions are serialised by PGlite itself.
 */
export async function openPgliteDatabase(dataDir: string | undefined): Promise<Database> {
  const pglite = new PGlite(dataDir ?? 'memory://', { extensions: { postgis: corePostgis } });
  await pglite.waitReady;
  const plain = asQueryable(pglite);
  // PGlite queues callers on its one connection: how many are in flight tells how many wait.
  let inFlight = 0;
  const counted = async <T>(run: () => Promise<T>): Promise<T> => {
    inFlight++;
    try {
      return await run();
    } finally {
      inFlight--;
    }
  };
  const writes = createWriteCounter();
  const transaction: Database['transaction'] = (work) => writes.block(() => counted(() => pglite.transaction((tx) => work(asQueryable(tx)))));
  return {
    kind: 'pglite',
    query: (statement) => writes.statement(statement, () => counted(() => plain.query(statement))),
    transaction,
    // No statement timeouts here.
    maintenanceTransaction: transaction,
    readSnapshot: (work) =>
      counted(() =>
        pglite.transaction(async (tx) => {
          await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
          // One connection: nothing to fork to.
          return work(asQueryable(tx), NO_FORK);
        }),
      ),
    // One process owns the data directory (see data-dir-lock.ts), so there is nobody to wait for.
    withAdvisoryLock: (_lockKey, work) => writes.block(() => work({ ...plain, exec: async (script) => void (await pglite.exec(script)) })),
    // Every write goes through this process (the data directory is locked to it): writesCompleted
    // sees them all, so there is nothing to be told; listening always holds.
    async listen(_channel, _onMessage, onState) {
      onState(true);
      return async () => undefined;
    },
    writesCompleted: writes.completed,
    close: () => pglite.close(),
    poolStats: () => ({ total: 1, idle: inFlight === 0 ? 1 : 0, waiting: Math.max(0, inFlight - 1) }),
  };
}
