import { pipeline as pipelineCallback, Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError, PayloadTooLargeError } from '../errors.js';
import type { Queryable } from '../db/database.js';
import { JobInterrupted, JobTakenOver, yieldToEventLoop } from '../jobs/interruption.js';
import * as queries from './uploads.queries.js';
import { DeferJob } from '../jobs/jobs.js';
import { isTransientDatabaseError } from '../db/database-errors.js';

export { countParts, deleteUpload } from './uploads.queries.js';

/**
 * Uploads kept in PostgreSQL until a job has read them, so that any server or worker sharing the
 * database can run the job (a file would sit on one host's disk). Parts of 1 MiB, one row each,
 * read back one at a time: memory stays flat.
 *
 * The request receiving an upload leases it and renews the lease while it works; once its job owns
 * it (`handOver`, in the transaction that queues the job) the lease is gone. A process killed
 * mid-upload leaves a lease that runs out, and `sweepAbandonedUploads` deletes what it stored.
 */
const PART_BYTES = 1024 * 1024;
export const UPLOAD_LEASE_SECONDS = 60;

/** Registers an upload about to be received; call it before the row (an import) that names it. */
export function beginUpload(db: Queryable, uploadId: string) {
  return queries.insertUpload(db, uploadId, UPLOAD_LEASE_SECONDS);
}

/** In the transaction that queues the upload's job: the job owns it now. */
export function handOver(db: Queryable, uploadId: string) {
  return queries.clearLease(db, uploadId);
}

/** Writes what it is given as parts of 1 MiB. */
function partWriter(db: Queryable, uploadId: string) {
  let pending = Buffer.alloc(0);
  let seq = 0;
  let bytes = 0;
  const writer = new Writable({
    async write(chunk: Buffer, _encoding, callback) {
      try {
        bytes += chunk.length;
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= PART_BYTES) {
          await queries.insertPart(db, uploadId, seq++, pending.subarray(0, PART_BYTES));
          pending = pending.subarray(PART_BYTES);
          // On the embedded database the insert resolves on the microtask queue: without a turn of
          // the event loop, a large upload's parts are written back to back and probes go unanswered.
          await yieldToEventLoop();
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    async final(callback) {
      try {
        if (pending.length > 0) await queries.insertPart(db, uploadId, seq, pending);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  return { writer, bytes: () => bytes };
}

/**
 * Stores the stream's bytes under `uploadId` (registered with `beginUpload`); returns how many.
 * Rejects as soon as the stream fails: a client that drops mid-upload, or a refused size.
 */
export async function storeUpload(db: Queryable, uploadId: string, upload: Readable): Promise<number> {
  const heartbeat = setInterval(() => void queries.extendLease(db, uploadId, UPLOAD_LEASE_SECONDS).catch(() => undefined), (UPLOAD_LEASE_SECONDS * 1000) / 4);
  try {
    const { writer, bytes } = partWriter(db, uploadId);
    await pipeline(upload, writer);
    return bytes();
  } finally {
    clearInterval(heartbeat);
  }
}

async function* parts(db: Queryable, uploadId: string) {
  for (let seq = 0; ; seq += 1) {
    const part = await queries.selectPart(db, uploadId, seq);
    if (!part) return;
    yield part;
    await yieldToEventLoop();
  }
}

/** The stored bytes as a stream, one part in memory at a time. */
export function readUpload(db: Queryable, uploadId: string): Readable {
  return Readable.from(parts(db, uploadId));
}

/** Deletes uploads whose request died; returns their ids. */
export function sweepAbandonedUploads(db: Queryable) {
  return queries.deleteAbandoned(db);
}

/** What the sweep needs of an import table whose rows own an upload (emission and plume imports). */
export interface UploadingImports {
  /** Fails the imports still receiving an upload that was swept; returns their ids. */
  failAbandoned(db: Queryable, failure: string): Promise<string[]>;
  /** Uploads of imports that ended without deleting them (a process died in between). */
  selectLeftoverUploads(db: Queryable): Promise<string[]>;
}

/**
 * Deletes uploads whose request died, fails the imports that were receiving them, and deletes the
 * bytes of imports that ended without doing so. Returns the ids of the imports failed.
 */
export async function sweepAbandonedImports(db: Queryable, imports: UploadingImports, failure: string) {
  await sweepAbandonedUploads(db);
  const failed = await imports.failAbandoned(db, failure);
  for (const id of await imports.selectLeftoverUploads(db)) await queries.deleteUpload(db, id);
  return failed;
}

/**
 * Refuses a stream once it has carried more than `limit` bytes (413). Joined with `pipeline`, not
 * `pipe()`: an aborted request or a failing source fails the returned stream too, instead of
 * leaving its reader waiting forever.
 */
export function limited(stream: Readable, limit: number): Readable {
  let seen = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit) callback(new PayloadTooLargeError(`Uploads are limited to ${limit} bytes.`));
      else callback(null, chunk);
    },
  });
  return pipelineCallback(stream, limiter, () => undefined);
}

/**
 * Runs a job over a stored upload and deletes the upload when the job has ended. A domain error's
 * message (written for clients) is recorded through `fail`; anything else (SQL, I/O) is recorded
 * as `fallback` and rethrown, for the server's log and the job queue. An interrupted job keeps its
 * upload: it resumes from it (and a job taken over leaves it to its new owner).
 */
const TRANSIENT_RETRY_SECONDS = 5;

export async function consumeUpload(db: Queryable, uploadId: string, work: (upload: Readable) => Promise<void>, fail: (message: string) => Promise<void>, fallback: string) {
  try {
    await work(readUpload(db, uploadId));
  } catch (error) {
    if (error instanceof JobInterrupted || error instanceof JobTakenOver) throw error;
    // A passing outage must not fail an accepted import: the job runs again and resumes.
    if (isTransientDatabaseError(error)) throw new DeferJob(TRANSIENT_RETRY_SECONDS);
    await fail(error instanceof DomainError ? error.message : fallback);
    await queries.deleteUpload(db, uploadId);
    if (!(error instanceof DomainError)) throw error;
    return;
  }
  await queries.deleteUpload(db, uploadId);
}
