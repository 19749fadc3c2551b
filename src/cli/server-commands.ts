import { CommanderError, InvalidArgumentError } from 'commander';
import type { FastifyInstance } from 'fastify';
import type { ControlHandler } from '../platform/control/control-server.js';
import { MAX_STDIN_BYTES, type CliContext, type Registration, type Terminal } from './context.js';
import { buildProgram } from './program.js';
import { describeFailure } from './failures.js';

/**
 * Runs a CLI's command line inside this server, against its open database, with the caller's
 * terminal: the same command code as in a process of its own, so the same output and exit code.
 */
export function serverCommandHandler(app: FastifyInstance, registrations: readonly Registration[]): ControlHandler {
  return async (request, remote) => {
    let exitCode = 0;
    const terminal: Terminal = {
      out: (line) => remote.write('out', `${line}\n`),
      err: (line) => remote.write('err', `${line}\n`),
      errRaw: (text) => remote.write('err', text),
      stderrIsTTY: request.stderrIsTTY,
      setExitCode: (code) => void (exitCode = code),
      env: (name) => request.env[name],
      readStdin: () => remote.readStdin(MAX_STDIN_BYTES),
      openFile: (file) => remote.openFile(file),
    };
    const context: CliContext = {
      terminal,
      where: 'server',
      config: () => app.config,
      // The server's own database: already migrated, and it stays open after the command.
      withDatabase: (work) => work(app.db),
    };
    const program = buildProgram(context, registrations, (root) =>
      root.exitOverride().configureOutput({ writeOut: (text) => remote.write('out', text), writeErr: (text) => remote.write('err', text) }),
    );
    app.log.info({ command: request.argv.filter((word) => !word.startsWith('-')).slice(0, 2).join(' ') }, 'command from the CLI');
    try {
      await program.parseAsync(request.argv, { from: 'user' });
    } catch (error) {
      // Commander has written its own refusals (unknown option, bad choice); an action's error it has not.
      if (error instanceof CommanderError && !(error instanceof InvalidArgumentError)) return error.exitCode;
      terminal.err(describeFailure(error, app.config));
      return 1;
    }
    return exitCode;
  };
}
