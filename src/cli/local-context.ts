import type { Config } from '../platform/config.js';
import { openDatabase } from '../platform/db/open-database.js';
import { DataDirectoryBusyError } from '../platform/db/data-dir-lock.js';
import { migrate } from '../platform/db/migrate.js';
import { loadBundledAdministrativeAreas } from '../modules/geo/areas/bundled-areas.js';
import { runThroughServer } from '../platform/control/control-client.js';
import { environmentConfig, processTerminal, type CliContext } from './context.js';

/** Thrown when a command ran inside the server instead: its output and exit code are already here. */
export class RanThroughServer extends Error {
  override name = 'RanThroughServer';
  constructor(readonly exitCode: number) {
    super('The command ran in the server holding the data directory.');
  }
}

/**
 * The CLI as a process of its own. It opens the database itself, unless the embedded database is
 * held by a running server: then the whole command line runs inside that server, over its control
 * socket, with the same output and exit code (docs/decisions/0015-cli-beside-a-running-server.md).
 */
export function localContext(argv: string[]): CliContext {
  let settings: Config | undefined;
  const config = () => (settings ??= environmentConfig());
  return {
    terminal: processTerminal(),
    where: 'local',
    config,
    async withDatabase(work, options = {}) {
      const current = config();
      let db;
      try {
        db = await openDatabase(current);
      } catch (error) {
        if (!(error instanceof DataDirectoryBusyError)) throw error;
        const code = await runThroughServer(current.dataDir, argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
        if (code === undefined) {
          throw new DataDirectoryBusyError(`${error.message} (It is not a server this command can run through: only \`carbon-atlas serve\` takes commands from a CLI beside it.)`);
        }
        throw new RanThroughServer(code);
      }
      try {
        if (options.migrate !== false) {
          await migrate(db);
          await loadBundledAdministrativeAreas(db);
        }
        await work(db);
      } finally {
        await db.close();
      }
    },
  };
}
