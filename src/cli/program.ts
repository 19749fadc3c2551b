import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { CliContext, Registration } from './context.js';

/** Same relative depth from src/cli and dist/cli. */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export const VERSION = packageVersion();

/**
 * The command tree for one run. Settings made here (output, exit override) are inherited by every
 * subcommand, so they come before the registrations.
 */
export function buildProgram(context: CliContext, registrations: readonly Registration[], setup?: (program: Command) => void): Command {
  const program = new Command('carbon-atlas')
    .description('Carbon Atlas: greenhouse-gas data server. Commands that use the database run through a running server when it holds the embedded database.')
    .version(VERSION, '-V, --version', 'print the version')
    .showHelpAfterError('(add --help for usage)');
  setup?.(program);
  for (const register of registrations) register(program, context);
  return program;
}
