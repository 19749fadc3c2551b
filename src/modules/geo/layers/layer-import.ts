import { buffer } from 'node:stream/consumers';
import type { Database } from '../../../platform/db/database.js';
import { isTransientDatabaseError } from '../../../platform/db/database-errors.js';
import type { BlobStore } from '../../../platform/storage/blob-store.js';
import type { Config } from '../../../platform/config.js';
import { startWorker } from '../../../platform/jobs/jobs.js';
import { configuredBlobStore } from '../../../platform/storage/configured-blob-store.js';
import { LAYER_IMPORT_QUEUE } from './layers.service.js';
import { deriveSchema, parseVectorUpload, VectorUploadError, type VectorFormat } from './parse/parse-vector-upload.js';
import * as files from './layer-files.queries.js';
import * as queries from './layers.queries.js';

/** Features are written in statements of this many; all of a file's in one transaction. */
const CHUNK = 1000;
/** Repaired features named in the file's detail, at most. */
const NAMED_REPAIRS = 20;

/**
 * The import job of one uploaded file: reads the original from the blob store, parses it, and in ONE
 * transaction writes its features, recomputes the layer's schema, bounds and count and sets the
 * status (0 ready, or 1 while another file of the layer still waits). A file that cannot be read
 * fails the layer (status 2) with a detail naming the file and the problem, and writes nothing: no
 * half-imported layer is ever visible.
 */
export async function runLayerImport(db: Database, store: BlobStore, fileId: number) {
  const file = await files.selectFileForImport(db, fileId);
  if (!file || file.status !== 'processing') return; // the layer was deleted, or a run before this one finished
  const layerId = Number(file.layer_id);
  try {
    const blob = await store.open(file.blob_key);
    if (!blob) throw new VectorUploadError('The uploaded file is missing from storage; upload it again.');
    const bytes = await buffer(blob.stream);
    const { features } = await parseVectorUpload({ name: file.file_name, bytes }, file.format as VectorFormat);
    await db.transaction(async (tx) => {
      const layer = await queries.lockLayer(tx, layerId);
      if (!layer) return;
      const repaired: number[] = [];
      for (let start = 0; start < features.length; start += CHUNK) {
        const fixed = await queries.insertFeatures(tx, layerId, fileId, features.slice(start, start + CHUNK));
        repaired.push(...fixed.map((index) => index + start + 1));
      }
      const detail = repaired.length
        ? `${repaired.length} invalid geometr${repaired.length === 1 ? 'y' : 'ies'} repaired with ST_MakeValid (feature${repaired.length === 1 ? '' : 's'} ${repaired.slice(0, NAMED_REPAIRS).join(', ')}${repaired.length > NAMED_REPAIRS ? ', …' : ''}).`
        : null;
      await files.markFile(tx, fileId, 'ready', detail, features.length);
      const pending = await files.hasOtherProcessingFiles(tx, layerId, fileId);
      await queries.finishLayer(tx, layerId, deriveSchema(features, layer.schema), pending ? 1 : 0, null);
    });
  } catch (error) {
    if (isTransientDatabaseError(error)) throw error; // the job runs again
    const message = error instanceof VectorUploadError ? error.message : 'The file could not be imported.';
    await db.transaction(async (tx) => {
      await files.markFile(tx, fileId, 'failed', message, 0);
      await queries.failLayer(tx, layerId, `${file.file_name}: ${message}`);
    });
    if (!(error instanceof VectorUploadError)) throw error; // for the server's log and the job's record
  }
}

/**
 * A worker of the layer import queue (the server runs IMPORT_WORKERS of them; `carbon-atlas worker`
 * runs them too). It must see the same asset store as the server that received the uploads.
 */
export function startLayerImportWorker(db: Database, config: Config, onError: (error: unknown) => void, pollMs = 250) {
  const store = configuredBlobStore(config);
  return startWorker(db, LAYER_IMPORT_QUEUE, (payload, jobDb) => runLayerImport(jobDb, store, Number(payload.fileId)), onError, pollMs);
}
