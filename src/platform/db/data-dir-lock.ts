import lockfile from 'proper-lockfile';
import { mkdir } from 'node:fs/promises';

export class DataDirectoryBusyError extends Error {
  override name = 'DataDirectoryBusyError';
}

/**
 * PGlite is single-process: two processes writing one data directory would corrupt it. The lock is
 * a directory created atomically and refreshed while we run; a crashed owner's lock goes stale.
 */
export async function lockDataDirectory(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  try {
    return await lockfile.lock(dataDir, { lockfilePath: `${dataDir}/.carbon-atlas.lock`, stale: 15_000, update: 5_000 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new DataDirectoryBusyError(
        `The embedded database in ${dataDir} is already open in another Carbon Atlas process. ` +
          'PGlite allows one process per data directory: stop the other process, use another DATA_DIR, ' +
          'or set DATABASE_URL to share a PostgreSQL server between processes.',
      );
    }
    throw error;
  }
}
