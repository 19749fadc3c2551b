import { openDatabase } from '../../platform/db/open-database.js';
import { migrate } from '../../platform/db/migrate.js';
import { startWorker } from '../../platform/jobs/jobs.js';
import { startSweeper } from '../../platform/jobs/sweeper.js';
import { describeDatabaseError, isTransientDatabaseError } from '../../platform/db/database-errors.js';
import * as registry from '../../modules/registry/registry.service.js';
import * as imports from '../../modules/emissions/ingest/imports.service.js';
import * as plumeImports from '../../modules/catalog/plume-imports.service.js';
import { startLayerImportWorker } from '../../modules/geo/layers/layer-import.js';
import type { Registration, Terminal } from '../context.js';
import { parseInteger } from '../options.js';

/** A background failure on stderr: an outage as one line (it repeats at every poll), anything else with its stack. */
function consoleFailure(terminal: Terminal, what: string) {
  return (error: unknown) => {
    if (isTransientDatabaseError(error)) terminal.err(`${what}: database unavailable, retrying (${describeDatabaseError(error)})`);
    else terminal.err(`${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  };
}

/** Runs in its own process only: it holds the database for as long as it runs. */
export const registerWorker: Registration = (program, { terminal, config }) => {
  program
    .command('worker')
    .description('Process queued registry transactions, emission, plume and layer imports without serving HTTP (run several against one PostgreSQL)')
    .option('--concurrency <n>', 'workers of each kind in this process (1-16)', parseInteger('--concurrency', 1, 16), 1)
    .action(async (options: { concurrency: number }) => {
      const db = await openDatabase(config());
      await migrate(db);
      const workers = Array.from({ length: options.concurrency }, () => [
        startWorker(db, registry.TRANSACTIONS_QUEUE, (payload, jobDb) => registry.processTransaction(jobDb, String(payload.transactionId)), consoleFailure(terminal, 'registry worker'), 50),
        startWorker(db, imports.IMPORT_QUEUE, (payload, jobDb, signal) => imports.runImport(jobDb, String(payload.importId), signal), consoleFailure(terminal, 'import worker'), 250),
        startWorker(db, plumeImports.PLUME_IMPORT_QUEUE, (payload, jobDb, signal) => plumeImports.runPlumeImport(jobDb, String(payload.importId), signal), consoleFailure(terminal, 'plume import worker'), 250),
        startLayerImportWorker(db, config(), consoleFailure(terminal, 'layer import worker')),
      ]).flat();
      const sweepers = [startSweeper(() => imports.sweepAbandoned(db), consoleFailure(terminal, 'import sweep')), startSweeper(() => plumeImports.sweepAbandoned(db), consoleFailure(terminal, 'plume import sweep'))];
      terminal.out(`Processing ${registry.TRANSACTIONS_QUEUE}, ${plumeImports.PLUME_IMPORT_QUEUE} and ${imports.IMPORT_QUEUE} with ${options.concurrency} worker(s) each (database: ${db.kind}); SIGTERM to stop.`);
      // At SIGTERM no further job is taken; a running import stops after its current chunk and goes
      // back to the queue with its progress, to be resumed by the next worker.
      const stop = async () => {
        const force = setTimeout(() => process.exit(1), 10_000);
        force.unref();
        await Promise.all([...workers, ...sweepers].map((worker) => worker.stop()));
        await db.close();
        process.exit(0);
      };
      process.once('SIGTERM', () => void stop());
      process.once('SIGINT', () => void stop());
    });
};
