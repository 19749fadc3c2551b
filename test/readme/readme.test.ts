import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILT_CLI } from '../support/built-cli.js';
import { freshDatabase } from '../support/test-app.js';
import { runnableBlocks, scriptFor } from './readme-blocks.js';

interface DemoServer {
  process: ChildProcess;
  baseUrl: string;
  key: string;
  password: string;
  env: Record<string, string>;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** `serve --seed` as `npm run demo` runs it, on a fresh database, on a free port; resolves once it listens. */
async function startDemoServer(): Promise<DemoServer> {
  const database = await freshDatabase();
  cleanups.push(database.drop);
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...database.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', LOG_FORMAT: 'json' };
  const child = spawn(process.execPath, [BUILT_CLI, 'serve', '--seed'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`serve --seed exited ${code}:\n${output}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const baseUrl = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (!baseUrl) return;
      const key = /Demo API key[^:]*: (sk_\S+)/.exec(output)?.[1];
      const password = /Demo user: \S+ \/ (\S+)/.exec(output)?.[1];
      if (!key || !password) return reject(new Error(`serve --seed printed no demo key or password:\n${output}`));
      resolve({ process: child, baseUrl, key, password, env });
    });
  });
}

async function runBash(script: string, options: { cwd: string; env: Record<string, string> }) {
  const child = spawn('bash', ['-c', script], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let output = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output, errors };
}

// The README's commands are written for `npm run demo`, which runs on the embedded database: that is
// the set-up a reader has, and the run that proves the README (the API itself is tested on both).
describe.skipIf(Boolean(process.env.DATABASE_URL))('README.md', () => {
  it('runs every shell block meant to run, in order, against a freshly seeded demo server, without an unannounced error', async () => {
    const blocks = runnableBlocks(readFileSync('README.md', 'utf8'));
    expect(blocks.length).toBeGreaterThan(5);
    const started = Date.now();
    const server = await startDemoServer();
    const seeded = Date.now();
    const workDir = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-readme-'));
    cleanups.push(() => rm(workDir, { recursive: true, force: true }));

    // The environment the README asks the reader to set from what `npm run demo` printed.
    const env = { ...server.env, CA: server.baseUrl, KEY: server.key, PASSWORD: server.password };
    const { code, output, errors } = await runBash(scriptFor(blocks, { baseUrl: server.baseUrl, cli: BUILT_CLI }), { cwd: workDir, env });
    // Where the time goes (seeding dominates; on a loaded machine both stretch): no assertion on it.
    console.info(`README test: demo server seeded and listening in ${seeded - started} ms; blocks ran in ${Date.now() - seeded} ms`);
    // The whole transcript on failure: which block, which command, what the server answered.
    expect({ code, errors, tail: output.slice(-3000) }).toEqual({ code: 0, errors: expect.any(String), tail: expect.stringContaining('every block ran') });
  }, 600_000);
});
