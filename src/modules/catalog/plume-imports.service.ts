import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import type { Database, Queryable } from '../../platform/db/database.js';
import { NotFoundError } from '../../platform/errors.js';
import { betweenChunks, enqueueJob, JobInterrupted } from '../../platform/jobs/jobs.js';
import * as uploads from '../../platform/uploads/uploads.js';
import { importPlumeCsv, type PlumeImportReport } from './plume-import.js';
import { refreshSourcesAfterImport } from './sources/sources.service.js';
import * as queries from './plume-imports.queries.js';

export const PLUME_IMPORT_QUEUE = 'catalog.plume-import';

function view(row: queries.PlumeImportRow) {
  return {
    id: row.id,
    status: row.status,
    bytes: Number(row.bytes),
    received: row.received,
    created: row.created,
    updated: row.updated,
    failed: row.failed,
    errors: row.errors,
    failure: row.failure,
    created_at: row.created_at.toISOString(),
    started_at: row.started_at?.toISOString() ?? null,
    finished_at: row.finished_at?.toISOString() ?? null,
  };
}

export async function getPlumeImport(db: Queryable, organizationId: string, id: string) {
  const row = await queries.selectImport(db, id, organizationId);
  if (!row) throw new NotFoundError(`Import ${id} not found.`);
  return view(row);
}

const UPLOAD_FAILED = 'The upload was interrupted or refused.';

/** Stores the CSV and queues its import; the organization owns the plumes it brings. */
export async function startPlumeImport(db: Database, organizationId: string, upload: Readable) {
  const id = `pim_${randomBytes(12).toString('hex')}`;
  await uploads.beginUpload(db, id);
  await queries.insertImport(db, organizationId, id);
  let bytes: number;
  try {
    bytes = await uploads.storeUpload(db, id, upload);
  } catch (error) {
    await queries.finish(db, id, { failure: UPLOAD_FAILED });
    await uploads.deleteUpload(db, id);
    throw error;
  }
  await db.transaction(async (tx) => {
    await queries.transition(tx, id, 'uploading', 'queued', bytes);
    await uploads.handOver(tx, id);
    await enqueueJob(tx, PLUME_IMPORT_QUEUE, { importId: id });
  });
  return getPlumeImport(db, organizationId, id);
}

/**
 * The job. An interrupted import (handed back by a stopping worker, or found running because its
 * worker died) goes on after the rows it recorded; plumes are upserted by plume_id, so rows
 * stored after the last recorded progress (a process killed mid-chunk) are not stored twice.
 */
export async function runPlumeImport(db: Database, importId: string, signal?: AbortSignal) {
  const row = await queries.selectImport(db, importId);
  if (!row || (row.status !== 'queued' && row.status !== 'running')) return;
  if (row.status === 'queued' && !(await queries.transition(db, importId, 'queued', 'running'))) return;
  const resumeFrom = row.received > 0 ? { received: row.received, created: row.created, updated: row.updated, failed: row.failed, errors: row.errors } : undefined;
  const progress = async (report: PlumeImportReport) => {
    await queries.recordProgress(db, importId, report);
    await betweenChunks(signal);
  };
  try {
    await uploads.consumeUpload(
      db,
      importId,
      async (upload) => {
        const report = await importPlumeCsv(db, upload, row.organization_id, progress, resumeFrom);
        await queries.finish(db, importId, { report });
        // The import stands if this fails: the plumes stay marked, and a reader refreshes them.
        if (!signal?.aborted) await refreshSourcesAfterImport(db).catch(() => undefined);
      },
      (failure) => queries.finish(db, importId, { failure }),
      'The import failed; plumes already stored stay stored. Send it again to finish it.',
    );
  } catch (error) {
    if (error instanceof JobInterrupted) await queries.transition(db, importId, 'running', 'queued');
    throw error;
  }
}

/** Fails imports whose upload was abandoned (the request receiving it died) and deletes leftover bytes. */
export function sweepAbandoned(db: Queryable) {
  return uploads.sweepAbandonedImports(db, queries, `${UPLOAD_FAILED} Send it again.`);
}
