import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';

/**
 * Where a command's words go and where its input comes from: this process's terminal, or — when
 * the command runs inside a server for a CLI beside it — the caller's, over the control socket.
 * Commands write through this, never through console or process, so both give the same output.
 */
export interface Terminal {
  out(line: string): void;
  err(line: string): void;
  /** Raw text on stderr (progress bars redraw one line). */
  errRaw(text: string): void;
  readonly stderrIsTTY: boolean;
  setExitCode(code: number): void;
  /** Variables read from the caller's environment (CARBON_ATLAS_PASSWORD). */
  env(name: 'CARBON_ATLAS_PASSWORD'): string | undefined;
  readStdin(): Promise<string>;
  /** A file of the caller's; a readable error when it is missing or not a file. */
  openFile(file: string): Promise<{ size: number; stream: Readable }>;
}

export interface WithDatabaseOptions {
  /** Apply pending migrations first (default); `migrate` does it itself to report what it applied. */
  migrate?: boolean;
}

export interface CliContext {
  terminal: Terminal;
  /** Where this command runs: `local` opens the database; `server` uses the running server's. */
  where: 'local' | 'server';
  config(): Config;
  /** Runs `work` against the database; beside a server holding DATA_DIR, runs the whole command there instead. */
  withDatabase(work: (db: Database) => Promise<void>, options?: WithDatabaseOptions): Promise<void>;
}

/** A command file adds its commands to the program; main.ts lists them. */
export type Registration = (program: Command, context: CliContext) => void;

/** Passwords and other small inputs; a larger standard input is refused. */
export const MAX_STDIN_BYTES = 64 * 1024;

export async function openLocalFile(file: string): Promise<{ size: number; stream: Readable }> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error(`${file} is not a file.`);
    size = info.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`File not found: ${file}`);
    if (code === 'EACCES') throw new Error(`Permission denied reading ${file}`);
    throw error;
  }
  return { size, stream: createReadStream(file) };
}

export function processTerminal(): Terminal {
  return {
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
    errRaw: (text) => void process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY === true,
    setExitCode: (code) => void (process.exitCode = code),
    env: (name) => process.env[name],
    async readStdin() {
      if (process.stdin.isTTY) return '';
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of process.stdin) {
        total += (chunk as Buffer).length;
        if (total > MAX_STDIN_BYTES) throw new Error(`Standard input is over ${MAX_STDIN_BYTES} bytes.`);
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks).toString('utf8');
    },
    openFile: openLocalFile,
  };
}

export function environmentConfig(): Config {
  return loadConfig(process.env);
}
