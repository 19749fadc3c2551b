import { describe, expect, it, vi } from 'vitest';
import type { Queryable } from '../db/database.js';
import { DeferJob } from '../jobs/jobs.js';
import { BadRequestError } from '../errors.js';
import { consumeUpload } from './uploads.js';

/** Records the statements run, so a test can tell whether the upload was deleted. */
function recordingDb() {
  const statements: string[] = [];
  const db: Queryable = {
    async query(statement) {
      statements.push(statement.text);
      return [];
    },
  };
  return { db, statements };
}

function databaseError(code: string) {
  return Object.assign(new Error('terminating connection due to administrator command'), { code });
}

describe('consuming an accepted upload', () => {
  it('when the database goes away mid-import, the job is deferred and the upload kept, not failed', async () => {
    const { db, statements } = recordingDb();
    const fail = vi.fn(async () => undefined);
    const outcome = consumeUpload(db, 'u1', async () => Promise.reject(databaseError('57P01')), fail, 'failed');
    await expect(outcome).rejects.toBeInstanceOf(DeferJob);
    expect(fail).not.toHaveBeenCalled();
    expect(statements.some((text) => /DELETE/i.test(text))).toBe(false);
  });

  it('when the input is refused, the import fails with its message and the upload is deleted', async () => {
    const { db, statements } = recordingDb();
    const fail = vi.fn(async () => undefined);
    await consumeUpload(db, 'u1', async () => Promise.reject(new BadRequestError('Malformed CSV at line 3.')), fail, 'failed');
    expect(fail).toHaveBeenCalledWith('Malformed CSV at line 3.');
    expect(statements.some((text) => /DELETE/i.test(text))).toBe(true);
  });
});
