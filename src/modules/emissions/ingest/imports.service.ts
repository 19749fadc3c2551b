import type { Readable } from 'node:stream';
import type { Database, Queryable } from '../../../platform/db/database.js';
import { NotFoundError } from '../../../platform/errors.js';
import { betweenChunks, enqueueJob, JobInterrupted, JobTakenOver } from '../../../platform/jobs/jobs.js';
import * as uploads from '../../../platform/uploads/uploads.js';
import { randomId } from '../quantities.js';
import * as queries from './imports.queries.js';
import { fromCsv, fromNdjson, ingest } from './ingest.service.js';

export const IMPORT_QUEUE = 'emissions.import';

export function view(row: queries.ImportRow) {
  return {
    id: row.id,
    status: row.status,
    format: row.format,
    bytes: Number(row.bytes),
    received: row.received,
    created: row.created,
    duplicates: row.duplicates,
    failed: row.failed,
    errors: row.errors,
    failure: row.failure,
    created_at: row.created_at.toISOString(),
    started_at: row.started_at?.toISOString() ?? null,
    finished_at: row.finished_at?.toISOString() ?? null,
  };
}

/**
 * Stores an upload in the database and queues it: the answer comes as soon as the bytes are safe,
 * and any server or worker sharing the database runs the import. `onQueued` runs in the transaction
 * that queues it (an Idempotency-Key's answer naming the import is written there).
 */
export async function startImport(db: Database, organizationId: string, format: queries.ImportRow['format'], upload: Readable, onQueued?: (tx: Queryable, importId: string) => Promise<void>) {
  const id = randomId('imp');
  await uploads.beginUpload(db, id);
  await queries.insertImport(db, organizationId, id, format);
  try {
    await queries.recordBytes(db, id, await uploads.storeUpload(db, id, upload));
    await db.transaction(async (tx) => {
      await queries.transition(tx, id, 'uploading', 'queued');
      await uploads.handOver(tx, id);
      await enqueueJob(tx, IMPORT_QUEUE, { importId: id });
      await onQueued?.(tx, id);
    });
  } catch (error) {
    // Only an import still uploading is failed: if the queueing COMMIT went through although the
    // caller heard an error, the import is queued and stays so (a retry with its key finds it).
    if (await queries.failUploading(db, id, UPLOAD_FAILED).catch(() => false)) await uploads.deleteUpload(db, id).catch(() => undefined);
    throw error;
  }
  return getImport(db, organizationId, id);
}

const UPLOAD_FAILED = 'The upload was interrupted or refused.';

/** What an interrupted run recorded (in the transaction of its last stored chunk), to go on from. */
async function resumePoint(db: Queryable, row: queries.ImportRow) {
  if (row.received === 0) return undefined;
  const report = { received: row.received, created: row.created, duplicates: row.duplicates, failed: row.failed, errors: row.errors };
  return { report, monthly: await queries.selectMonthlyKg(db, row.id) };
}

/**
 * The import job. Each chunk is stored with its progress in one transaction, so an import that
 * was interrupted — handed back by a stopping worker ('queued'), or found 'running' because its
 * worker died — resumes after the last stored record: nothing is stored twice or skipped. A
 * stalled run whose import was taken over meanwhile stores nothing more (JobTakenOver).
 */
export async function runImport(db: Database, importId: string, signal?: AbortSignal) {
  const row = await queries.selectImportById(db, importId);
  if (!row || (row.status !== 'queued' && row.status !== 'running')) return;
  if (row.status === 'queued' && !(await queries.transition(db, importId, 'queued', 'running'))) return;
  const resumeFrom = await resumePoint(db, row);
  let saved = row.received;
  try {
    await uploads.consumeUpload(
      db,
      importId,
      async (upload) => {
        const records = row.format === 'csv' ? fromCsv(upload) : fromNdjson(upload);
        await ingest(db, row.organization_id, row.format, records, {
          event: { import_id: importId },
          onProgress: () => betweenChunks(signal),
          checkpoint: {
            resumeFrom,
            transaction: (work) => db.transaction(work),
            save: async (tx, progress, monthly) => {
              // Rolls the chunk back if a worker that took the import over has moved it on.
              if (!(await queries.saveCheckpoint(tx, importId, progress, monthly, saved))) throw new JobTakenOver();
              saved = progress.received;
            },
            complete: (tx, report) => queries.finish(tx, importId, { report }),
          },
        });
      },
      (failure) => queries.finish(db, importId, { failure }),
      'The import failed; stored records stay stored. Send it again to finish it.',
    );
  } catch (error) {
    // Handed back to the queue: shown as queued again, with the progress it has made.
    if (error instanceof JobInterrupted) await queries.transition(db, importId, 'running', 'queued');
    throw error;
  }
}

/** Fails imports whose upload was abandoned (the request receiving it died) and deletes leftover bytes. */
export function sweepAbandoned(db: Queryable) {
  return uploads.sweepAbandonedImports(db, queries, `${UPLOAD_FAILED} Send it again.`);
}

export async function getImport(db: Queryable, organizationId: string, id: string) {
  const row = await queries.selectImport(db, organizationId, id);
  if (!row) throw new NotFoundError(`Import ${id} not found.`);
  return view(row);
}

export async function listImports(db: Queryable, organizationId: string, limit: number) {
  return { data: (await queries.selectImports(db, organizationId, limit)).map(view) };
}
