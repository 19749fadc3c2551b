import type { Readable } from 'node:stream';
import type { Database, Queryable } from '../../../platform/db/database.js';
import { NotFoundError } from '../../../platform/errors.js';
import { enqueueJob } from '../../../platform/jobs/jobs.js';
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
 * and any server or worker sharing the database runs the import.
 */
export async function startImport(db: Database, organizationId: string, format: queries.ImportRow['format'], upload: Readable) {
  const id = randomId('imp');
  await queries.insertImport(db, organizationId, id, format);
  try {
    await queries.recordBytes(db, id, await uploads.storeUpload(db, id, upload));
  } catch (error) {
    await queries.finish(db, id, { failure: 'The upload was interrupted or refused.' });
    await uploads.deleteUpload(db, id);
    throw error;
  }
  await db.transaction(async (tx) => {
    await queries.transition(tx, id, 'uploading', 'queued');
    await enqueueJob(tx, IMPORT_QUEUE, { importId: id });
  });
  return getImport(db, organizationId, id);
}

/**
 * The import job. An import found already running was interrupted (its worker died): it is marked
 * failed rather than run again, because records without an external_id would be stored twice.
 */
export async function runImport(db: Database, importId: string) {
  const row = await queries.selectImportById(db, importId);
  if (!row) return;
  if (row.status === 'running') {
    await queries.finish(db, importId, {
      failure: `Interrupted after ${row.received} records (${row.created} stored). Send it again: records with an external_id are not stored twice.`,
    });
    await uploads.deleteUpload(db, importId);
    return;
  }
  if (!(await queries.transition(db, importId, 'queued', 'running'))) return;
  await uploads.consumeUpload(
    db,
    importId,
    async (upload) => {
      const records = row.format === 'csv' ? fromCsv(upload) : fromNdjson(upload);
      const report = await ingest(db, row.organization_id, row.format, records, {
        onProgress: (progress) => queries.recordProgress(db, importId, progress),
        event: { import_id: importId },
      });
      await queries.finish(db, importId, { report });
    },
    (failure) => queries.finish(db, importId, { failure }),
    'The import failed; stored records stay stored. Send it again to finish it.',
  );
}

export async function getImport(db: Queryable, organizationId: string, id: string) {
  const row = await queries.selectImport(db, organizationId, id);
  if (!row) throw new NotFoundError(`Import ${id} not found.`);
  return view(row);
}

export async function listImports(db: Queryable, organizationId: string, limit: number) {
  return { data: (await queries.selectImports(db, organizationId, limit)).map(view) };
}
