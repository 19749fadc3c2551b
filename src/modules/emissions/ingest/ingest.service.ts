import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { Compile } from 'typebox/compile';
import type { Queryable } from '../../../platform/db/database.js';
import * as queries from '../emissions.queries.js';
import { toNewEmission } from '../emissions.service.js';
import * as webhooks from '../webhooks/webhooks.service.js';
import { NewEmissionBody } from '../emissions.schemas.js';

const CHUNK = 500;
/** Imports at least this large refresh the table's statistics when they finish. */
const ANALYZE_AFTER = 10_000;
const MAX_REPORTED_ERRORS = 1000;
const check = Compile(NewEmissionBody);

export interface RowError {
  row: number;
  message: string;
}

export interface IngestReport {
  received: number;
  created: number;
  /** Records whose external_id was already stored: not created again. */
  duplicates: number;
  failed: number;
  /** The first 1,000 row errors; `failed` counts them all. */
  errors: RowError[];
}

/** A record as parsed from a line or row (1-based), or why it could not be parsed. */
export type Incoming = { row: number; value: unknown } | { row: number; error: string };

function describe(value: unknown): string | undefined {
  if (check.Check(value)) return undefined;
  const [first] = check.Errors(value);
  const where = first?.instancePath ? `${first.instancePath.slice(1).replace(/\//g, '.')}: ` : '';
  return `${where}${first?.message ?? 'invalid record'}`;
}

/**
 * Stores every valid record (in chunks of 500, one statement each), reports the invalid ones by
 * row — a partial failure keeps the good rows — and announces `import.completed` and any monthly
 * threshold the new records crossed. Memory stays flat however many records arrive.
 */
export async function ingest(
  db: Queryable,
  organizationId: string,
  source: 'batch' | 'ndjson' | 'csv',
  incoming: AsyncIterable<Incoming>,
  options: { onProgress?: (report: IngestReport) => void | Promise<void>; event?: Record<string, unknown> } = {},
): Promise<IngestReport> {
  const report: IngestReport = { received: 0, created: 0, duplicates: 0, failed: 0, errors: [] };
  const added = new webhooks.MonthlyAdditions();
  let chunk: queries.NewEmission[] = [];
  const fail = (row: number, message: string) => {
    report.failed += 1;
    if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push({ row, message });
  };
  const store = async (batch: queries.NewEmission[]) => {
    let created = 0;
    for (const month of await queries.insertEmissions(db, organizationId, batch)) {
      added.addToMonth(month.scope, month.month, month.kg);
      created += month.created;
    }
    report.created += created;
    report.duplicates += batch.length - created;
    await options.onProgress?.(report);
  };
  // One insert in flight while the next chunk is parsed: the database and the parser work at the
  // same time, chunks are still stored in order, and at most two chunks are held in memory.
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    const batch = chunk;
    chunk = [];
    await inFlight;
    inFlight = store(batch);
    inFlight.catch(() => undefined); // awaited at the next flush; this only keeps it from counting as unhandled meanwhile
  };
  const readAll = async () => {
    for await (const item of incoming) {
      report.received += 1;
      if ('error' in item) {
        fail(item.row, item.error);
        continue;
      }
      const problem = describe(item.value);
      if (problem) fail(item.row, problem);
      else if (Number.isNaN(Date.parse((item.value as NewEmissionBody).timestamp))) fail(item.row, 'timestamp: must be an ISO 8601 date-time');
      else chunk.push(toNewEmission(item.value as NewEmissionBody));
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();
  };
  try {
    await readAll();
  } catch (error) {
    await inFlight.catch(() => undefined); // nothing is left writing once the caller hears of the error
    throw error;
  }
  await inFlight;
  if (report.created >= ANALYZE_AFTER) await queries.analyzeEmissions(db);
  const { errors, ...counts } = report;
  await webhooks.emit(db, organizationId, 'import.completed', { source, ...options.event, ...counts, first_errors: errors.slice(0, 10) });
  await webhooks.checkThresholds(db, organizationId, added);
  return report;
}

export async function* fromArray(records: readonly unknown[]): AsyncIterable<Incoming> {
  for (const [index, value] of records.entries()) yield { row: index + 1, value };
}

/** One JSON record per line; blank lines are skipped but counted in row numbers. */
export async function* fromNdjson(stream: Readable): AsyncIterable<Incoming> {
  let row = 0;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    row += 1;
    if (!line.trim()) continue;
    try {
      yield { row, value: JSON.parse(line) };
    } catch {
      yield { row, error: 'not valid JSON' };
    }
  }
}

const NUMERIC = new Set(['scope', 'value']);

/**
 * CSV with a header row: facility_id, scope, category, value, unit, timestamp, external_id and
 * metadata (a JSON object); empty cells are absent. Row numbers count the header as row 1.
 */
export async function* fromCsv(stream: Readable): AsyncIterable<Incoming> {
  const parser = stream.pipe(parseCsv({ columns: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: true }));
  let row = 1;
  for await (const record of parser as AsyncIterable<Record<string, string>>) {
    row += 1;
    const value: Record<string, unknown> = {};
    let error: string | undefined;
    for (const [column, cell] of Object.entries(record)) {
      if (cell === '') continue;
      if (NUMERIC.has(column)) value[column] = Number(cell);
      else if (column === 'metadata') {
        try {
          value.metadata = JSON.parse(cell);
        } catch {
          error = 'metadata: not valid JSON';
        }
      } else value[column] = cell;
    }
    yield error ? { row, error } : { row, value };
  }
}
