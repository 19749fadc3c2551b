import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/platform/config.js';
import { migrate } from '../src/platform/db/migrate.js';
import { openDatabase } from '../src/platform/db/open-database.js';
import { importPlumeCsv } from '../src/modules/catalog/plume-import.js';
import { benchEnv, type Backend } from './backends.js';

/**
 * The plume CSV import's rate: the catalog's own export (`csv`, rows of the public CSV) imported
 * into a fresh, migrated database, so every row is a new plume and every index of the schema is
 * paid for (issue 21: the rate must not fall below 0.8 of the rate before the catalog indexes).
 */
export async function benchPlumeImport(backend: Backend, csv: string) {
  const config = loadConfig(benchEnv(backend));
  const db = await openDatabase(config);
  try {
    await migrate(db);
    const started = performance.now();
    const report = await importPlumeCsv(db, Readable.from([csv]), null);
    const seconds = (performance.now() - started) / 1000;
    return { rows: report.received, created: report.created, failed: report.failed, seconds, rowsPerSecond: report.received / seconds };
  } finally {
    await db.close();
  }
}

export function printPlumeImport(r: Awaited<ReturnType<typeof benchPlumeImport>>) {
  console.log(`plume CSV import into a fresh database: ${r.rows} rows (${r.created} created, ${r.failed} failed) in ${r.seconds.toFixed(1)} s: ${r.rowsPerSecond.toFixed(0)} rows/s`);
}
