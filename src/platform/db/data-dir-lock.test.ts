import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { DataDirectoryBusyError, lockDataDirectory } from './data-dir-lock.js';
import { openDatabase } from './open-database.js';
import { currentProcess } from './process-identity.js';

const LOCK_FILE = '.carbon-atlas.lock';
const children: ChildProcess[] = [];
const directories: string[] = [];

async function tempDir() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-lock-'));
  directories.push(dir);
  return dir;
}

/** Another process that opens the embedded database in `dataDir` (a copy of the migrated template) and keeps it open. */
async function processHoldingDatabase(dataDir: string): Promise<ChildProcess> {
  // The built module (global setup builds it when a source is newer): no TypeScript loader to start.
  const script = `
    import { openDatabase } from ${JSON.stringify(pathToFileURL(path.resolve('dist/platform/db/open-database.js')).href)};
    const db = await openDatabase({ dataDir: process.env.HOLD_DIR });
    await db.query({ text: 'SELECT count(*) FROM schema_migrations', values: [], sql: '' });
    console.log('open');
    setInterval(() => undefined, 60_000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, HOLD_DIR: dataDir }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  while (!output.includes('open')) {
    const [exited] = await Promise.race([once(child.stdout!, 'data'), once(child, 'exit').then(() => ['exit'])]);
    if (exited === 'exit') throw new Error('the child process exited before opening the database');
  }
  return child;
}

async function killHard(child: ChildProcess) {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

afterAll(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) await killHard(child);
  await Promise.all(directories.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe.skipIf(process.env.DATABASE_URL)('the embedded database after its process was killed', () => {
  async function migratedCopy() {
    const dataDir = await tempDir();
    await cp(inject('templateDataDir'), dataDir, { recursive: true });
    return dataDir;
  }

  // One owner process for both tests (starting one takes seconds): refused while it runs, then killed.
  let dataDir: string;
  let owner: ChildProcess;
  beforeAll(async () => {
    dataDir = await migratedCopy();
    owner = await processHoldingDatabase(dataDir);
  });

  it('stays refused while its owner runs in another process', async () => {
    const refusal = await openDatabase({ dataDir }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DataDirectoryBusyError);
    expect((refusal as Error).message).toContain(`pid ${owner.pid}`);
  });

  it('opens again at once after kill -9, with its data', async () => {
    await killHard(owner);
    const db = await openDatabase({ dataDir });
    try {
      const [row] = await db.query<{ count: number }>(sql`SELECT count(*)::int AS count FROM schema_migrations`);
      expect(row!.count).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });
});

describe('the data directory lock', () => {
  async function lockNaming(owner: object, ageSeconds = 0) {
    const dataDir = await tempDir();
    const lockPath = path.join(dataDir, LOCK_FILE);
    await writeFile(lockPath, JSON.stringify(owner));
    const then = new Date(Date.now() - ageSeconds * 1000);
    await utimes(lockPath, then, then);
    return dataDir;
  }

  it('is taken over when its pid now belongs to a process started at another time (a reused pid)', async () => {
    const self = await currentProcess();
    const dataDir = await lockNaming({ ...self, startTime: '1' });
    const release = await lockDataDirectory(dataDir);
    await release();
  });

  it('is refused to a second holder in the same process', async () => {
    const dataDir = await tempDir();
    const release = await lockDataDirectory(dataDir);
    await expect(lockDataDirectory(dataDir)).rejects.toBeInstanceOf(DataDirectoryBusyError);
    await release();
    await (await lockDataDirectory(dataDir))();
  });

  it('trusts an owner it cannot check (another machine or PID namespace) until its heartbeat stops', async () => {
    const foreign = { pid: 1, host: 'another-host', bootId: 'another-boot', pidNamespace: 'pid:[1]', startTime: '1' };
    await expect(lockDataDirectory(await lockNaming(foreign, 2))).rejects.toBeInstanceOf(DataDirectoryBusyError);
    const release = await lockDataDirectory(await lockNaming(foreign, 60));
    await release();
  });

  it("respects an older release's lock directory while it is refreshed, and takes it over once it is not", async () => {
    const dataDir = await tempDir();
    const lockPath = path.join(dataDir, LOCK_FILE);
    await mkdir(lockPath);
    await expect(lockDataDirectory(dataDir)).rejects.toBeInstanceOf(DataDirectoryBusyError);
    const then = new Date(Date.now() - 60_000);
    await utimes(lockPath, then, then);
    await (await lockDataDirectory(dataDir))();
  });
});
