import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Queryable } from '../../../platform/db/database.js';
import { BadRequestError } from '../../../platform/errors.js';
import { DeferJob } from '../../../platform/jobs/jobs.js';
import { consumeUpload } from '../../../platform/uploads/uploads.js';
import { fromNdjson, ingest } from './ingest.service.js';
import { lines } from './lines.js';

const chunks = (...parts: (string | Buffer)[]) => Readable.from(parts.map((part) => Buffer.from(part)));
const all = async <T>(items: AsyncIterable<T>) => {
  const seen: T[] = [];
  for await (const item of items) seen.push(item);
  return seen;
};

const RECORD = JSON.stringify({ facility_id: 'fac_lines', scope: 1, category: 'fuel', value: 1, unit: 'kgCO2e', timestamp: '2024-05-05T00:00:00Z' });

const connectionLost = () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' });

/**
 * A database whose connection PostgreSQL terminates during an import: the upload's first part
 * (1,200 records) is read, then the chunk's insert fails, and the read of the next part fails a
 * moment later — after the import has stopped reading. That late failure crashed the process.
 */
function connectionLostMidImport(): Queryable {
  return {
    async query<Row>(statement: { text: string; values: unknown[] }) {
      if (!/FROM upload_parts/.test(statement.text)) throw connectionLost();
      if (statement.values.includes(0)) return [{ data: Buffer.from(`${RECORD}\n`.repeat(1200)) }] as Row[];
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw connectionLost();
    },
  } as Queryable;
}

describe('splitting an upload into lines', () => {
  it('splits on LF, CRLF and a lone CR, even when a terminator or a character is cut between chunks', async () => {
    const euro = Buffer.from('€');
    const stream = chunks('a\r\nb\r', '\nc\rd\n', Buffer.concat([Buffer.from('x'), euro.subarray(0, 1)]), Buffer.concat([euro.subarray(1), Buffer.from('\n\nlast')]));
    expect(await all(lines(stream))).toEqual(['a', 'b', 'c', 'd', 'x€', '', 'last']);
  });

  it('refuses a line longer than the limit with a 400 naming it, before holding all of it', async () => {
    const stream = chunks('short\n', 'x'.repeat(40), 'x'.repeat(40), '\nnever read');
    const failure = await all(lines(stream, 64)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BadRequestError);
    expect((failure as Error).message).toBe('Line 2 is longer than 64 bytes, the most a line may hold.');
  });

  it('when the source fails mid-way, reading NDJSON rejects with its error', async () => {
    const failing = Readable.from((async function* () {
      yield Buffer.from(`${RECORD}\n`);
      throw connectionLost();
    })());
    await expect(all(fromNdjson(failing))).rejects.toMatchObject({ code: '57P01' });
  });

  it('when the database connection is lost mid-import, the import job is deferred, not crashed or failed', async () => {
    const db = connectionLostMidImport();
    let failed = false;
    const run = consumeUpload(
      db,
      'u1',
      (upload) => ingest(db, 'org_lines', 'ndjson', fromNdjson(upload)).then(() => undefined),
      async () => void (failed = true),
      'failed',
    );
    await expect(run).rejects.toBeInstanceOf(DeferJob);
    expect(failed).toBe(false);
    // The read still pending fails after the import has stopped: it must not surface as an unhandled 'error' event.
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
});
