import { Readable, Transform } from 'node:stream';
import { DomainError, PayloadTooLargeError } from '../errors.js';
import sql from 'sql-template-tag';
import type { Queryable } from '../db/database.js';

/**
 * Uploads kept in PostgreSQL until a job has read them, so that any server or worker sharing the
 * database can run the job (a file would sit on one host's disk). Parts of 1 MiB, one row each,
 * read back one at a time: memory stays flat.
 */
const PART_BYTES = 1024 * 1024;

async function insertPart(db: Queryable, uploadId: string, seq: number, data: Buffer) {
  await db.query(sql`INSERT INTO upload_parts (upload_id, seq, data) VALUES (${uploadId}, ${seq}, ${data})`);
}

/** Stores the stream's bytes under `uploadId`; returns how many. */
export async function storeUpload(db: Queryable, uploadId: string, upload: Readable): Promise<number> {
  let pending = Buffer.alloc(0);
  let seq = 0;
  let bytes = 0;
  for await (const chunk of upload as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= PART_BYTES) {
      await insertPart(db, uploadId, seq++, pending.subarray(0, PART_BYTES));
      pending = pending.subarray(PART_BYTES);
    }
  }
  if (pending.length > 0) await insertPart(db, uploadId, seq, pending);
  return bytes;
}

async function* parts(db: Queryable, uploadId: string) {
  for (let seq = 0; ; seq += 1) {
    const [row] = await db.query<{ data: Uint8Array }>(sql`SELECT data FROM upload_parts WHERE upload_id = ${uploadId} AND seq = ${seq}`);
    if (!row) return;
    yield Buffer.from(row.data);
  }
}

/** The stored bytes as a stream, one part in memory at a time. */
export function readUpload(db: Queryable, uploadId: string): Readable {
  return Readable.from(parts(db, uploadId));
}

export async function countParts(db: Queryable, uploadId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM upload_parts WHERE upload_id = ${uploadId}`);
  return row!.n;
}

export async function deleteUpload(db: Queryable, uploadId: string) {
  await db.query(sql`DELETE FROM upload_parts WHERE upload_id = ${uploadId}`);
}

/** Refuses a stream once it has carried more than `limit` bytes (413). */
export function limited(stream: Readable, limit: number): Readable {
  let seen = 0;
  return stream.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        seen += chunk.length;
        if (seen > limit) callback(new PayloadTooLargeError(`Uploads are limited to ${limit} bytes.`));
        else callback(null, chunk);
      },
    }),
  );
}

/**
 * Runs a job over a stored upload and deletes the upload either way. A domain error's message
 * (written for clients) is recorded through `fail`; anything else (SQL, I/O) is recorded as
 * `fallback` and rethrown, for the server's log and the job queue.
 */
export async function consumeUpload(db: Queryable, uploadId: string, work: (upload: Readable) => Promise<void>, fail: (message: string) => Promise<void>, fallback: string) {
  try {
    await work(readUpload(db, uploadId));
  } catch (error) {
    await fail(error instanceof DomainError ? error.message : fallback);
    if (!(error instanceof DomainError)) throw error;
  } finally {
    await deleteUpload(db, uploadId);
  }
}
