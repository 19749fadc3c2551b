import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { BUILT_CLI } from './built-cli.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts the built CLI (global setup builds it when a source is newer) in a child process with `env` on top of this process's environment.
 * DATABASE_URL is inherited only when `env` sets it, so PGlite tests stay on PGlite.
 */
export function spawnCli(args: string[], env: Record<string, string>): ChildProcessWithoutNullStreams {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', ...env };
  if (!env.DATABASE_URL) delete childEnv.DATABASE_URL;
  return spawn(process.execPath, [BUILT_CLI, ...args], { env: childEnv });
}

export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawnCli(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
