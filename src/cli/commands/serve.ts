import { environmentVariables } from '../../platform/config.js';
import { startControlServer } from '../../platform/control/control-server.js';
import { startServer } from '../../server.js';
import type { Registration } from '../context.js';
import { serverCommandHandler } from '../server-commands.js';
import { printSeed } from './database.js';

function environmentHelp(): string {
  const lines = environmentVariables().map(({ name, defaultValue, description }) => {
    const shown = defaultValue === undefined ? '' : ` (default ${JSON.stringify(defaultValue)})`;
    return `  ${name}${shown}${description ? `\n      ${description}` : ''}`;
  });
  return `\nEnvironment variables (validated at start; the README's Configuration table explains each):\n${lines.join('\n')}\n`;
}

/**
 * `serve`, which also takes the other commands from a CLI beside it while it holds the embedded
 * database (`commands`: the registrations it may run; never serve or worker).
 */
export function serveCommand(commands: readonly Registration[]): Registration {
  return (program, { terminal, config, where }) => {
    if (where === 'server') return;
    program
      .command('serve')
      .description('Apply migrations and start the HTTP server (with --seed: the demo data first)')
      .option('--seed', 'load the demo data first (idempotent; prints a new demo key and password)')
      .addHelpText('after', environmentHelp)
      .action(async (options: { seed?: boolean }) => {
        const settings = config();
        const app = await startServer(settings, {
          seed: options.seed ?? false,
          onSeeded: (result) => printSeed(terminal, result),
          async beforeListen(server) {
            // With PostgreSQL every CLI connects directly; the socket is for the embedded database.
            if (settings.DATABASE_URL) return;
            const control = await startControlServer(settings.dataDir, serverCommandHandler(server, commands), (error) => server.log.error({ err: error }, 'command from the CLI failed'));
            if (!control) server.log.warn({ dataDir: settings.dataDir }, 'DATA_DIR is too long a path for a Unix socket: the CLI cannot run commands beside this server');
            else server.addHook('preClose', () => control.close());
          },
        });
        const bound = app.server.address();
        const port = typeof bound === 'object' && bound ? bound.port : settings.PORT;
        const address = `http://${settings.HOST}:${port}`;
        terminal.out(`Carbon Atlas listening on ${address} (database: ${app.db.kind}); API reference at ${address}/docs`);
      });
  };
}
