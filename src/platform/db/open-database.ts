import path from 'node:path';
import type { Config } from '../config.js';
import type { Database } from './database.js';
import { lockDataDirectory } from './data-dir-lock.js';
import { openPgliteDatabase } from './pglite-database.js';
import { openPostgresDatabase } from './postgres-database.js';

type TimeoutSettings = Pick<Config, 'DB_CONNECT_TIMEOUT_MS' | 'DB_STATEMENT_TIMEOUT_MS' | 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS' | 'DB_MAINTENANCE_TIMEOUT_MS'>;

/**
 * PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite under DATA_DIR/pglite. The
 * timeouts apply to PostgreSQL (left out, as by tools and tests, nothing is bounded).
 */
export async function openDatabase(config: Pick<Config, 'DATABASE_URL' | 'dataDir'> & Partial<TimeoutSettings>): Promise<Database> {
  if (config.DATABASE_URL) {
    return openPostgresDatabase(config.DATABASE_URL, {
      connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: config.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      maintenanceTimeoutMs: config.DB_MAINTENANCE_TIMEOUT_MS,
    });
  }
  const release = await lockDataDirectory(config.dataDir);
  try {
    const database = await openPgliteDatabase(path.join(config.dataDir, 'pglite'));
    return {
      ...database,
      async close() {
        await database.close();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}
