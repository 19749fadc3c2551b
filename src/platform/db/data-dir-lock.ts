import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { currentProcess, livenessOf, type ProcessIdentity } from './process-identity.js';

export class DataDirectoryBusyError extends Error {
  override name = 'DataDirectoryBusyError';
}

const LOCK_FILE = '.carbon-atlas.lock';
/** The owner touches the lock this often, so that a process that cannot check its pid can tell it runs. */
const HEARTBEAT_MS = 5_000;
/** An owner we cannot check (another machine or PID namespace) is gone once its lock is this old. */
const STALE_MS = 15_000;

interface SeenLock {
  /** The file's text; null when it cannot be read as one (a lock directory of an older release). */
  text: string | null;
  owner: ProcessIdentity | null;
  ageMs: number;
}

function parseOwner(text: string | null): ProcessIdentity | null {
  try {
    const owner = JSON.parse(text ?? '') as ProcessIdentity;
    return Number.isInteger(owner.pid) && typeof owner.host === 'string' ? owner : null;
  } catch {
    return null;
  }
}

/** The lock as it is now; undefined when there is none. */
async function readLock(lockPath: string): Promise<SeenLock | undefined> {
  try {
    const { mtimeMs } = await stat(lockPath);
    const text = await readFile(lockPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EISDIR') return null;
      throw error;
    });
    return { text, owner: parseOwner(text), ageMs: Date.now() - mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Creates the lock only if there is none (O_EXCL), with the owner written in it. */
async function createLock(lockPath: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockPath, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Whether the lock's owner is gone: at once when its pid can be checked (dead, or the pid now
 * belongs to a process started at another time); otherwise once the owner stopped touching it.
 */
async function isStale(lockPath: string, seen: SeenLock, self: ProcessIdentity): Promise<{ stale: boolean; seen: SeenLock }> {
  if (!seen.owner && seen.text !== null && seen.ageMs < 1_000) {
    // Another process created the lock a moment ago and is still writing its owner into it.
    await sleep(100);
    seen = (await readLock(lockPath)) ?? seen;
  }
  const liveness = seen.owner ? await livenessOf(seen.owner, self) : 'unknown';
  return { stale: liveness === 'dead' || (liveness === 'unknown' && seen.ageMs > STALE_MS), seen };
}

/**
 * Moves a stale lock out of the way. Moving is atomic, so of several processes that saw the same
 * stale lock one removes it; one that finds it moved someone's fresh lock instead puts it back.
 */
async function removeStaleLock(lockPath: string, seen: SeenLock) {
  const aside = `${lockPath}.stale-${randomBytes(6).toString('hex')}`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => null);
  if (moved !== seen.text) await link(aside, lockPath).catch(() => undefined);
  await rm(aside, { recursive: true, force: true });
}

function busy(dataDir: string, owner: ProcessIdentity | null) {
  const who = owner ? ` (pid ${owner.pid} on ${owner.host})` : '';
  return new DataDirectoryBusyError(
    `The embedded database in ${dataDir} is already open in another Carbon Atlas process${who}. ` +
      'PGlite allows one process per data directory: stop the other process, use another DATA_DIR, ' +
      'or set DATABASE_URL to share a PostgreSQL server between processes.',
  );
}

function holdLock(lockPath: string, text: string): () => Promise<void> {
  const heartbeat = setInterval(() => {
    const now = new Date();
    void utimes(lockPath, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return async () => {
    clearInterval(heartbeat);
    // Remove only our own lock: never one another process took over.
    if ((await readFile(lockPath, 'utf8').catch(() => null)) === text) await unlink(lockPath).catch(() => undefined);
  };
}

/**
 * PGlite is single-process: two processes writing one data directory would corrupt it. The lock
 * file names its owner (pid, start time, host, boot and PID namespace), so a process killed with
 * SIGKILL does not block the restart a supervisor attempts right after.
 */
export async function lockDataDirectory(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_FILE);
  const self = await currentProcess();
  const text = JSON.stringify(self);
  let owner: ProcessIdentity | null = null;
  // Create the lock; if a dead owner's is there, remove it and try again (a few times at most).
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createLock(lockPath, text)) return holdLock(lockPath, text);
    const found = await readLock(lockPath);
    if (!found) continue;
    const { stale, seen } = await isStale(lockPath, found, self);
    owner = seen.owner;
    if (!stale) break;
    await removeStaleLock(lockPath, seen);
  }
  throw busy(dataDir, owner);
}
