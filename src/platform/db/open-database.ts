import path from 'node:path';
import type { Config } from '../config.js';
import type { Database } from './database.js';
import { lockDataDirectory } from './data-dir-lock.js';
import { openPgliteDatabase } from './pglite-database.js';
import { openPostgresDatabase } from './postgres-database.js';

/** PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite under DATA_DIR/pglite. */
export async function openDatabase(config: Pick<Config, 'DATABASE_URL' | 'dataDir'>): Promise<Database> {
  if (config.DATABASE_URL) return openPostgresDatabase(config.DATABASE_URL);
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
