import { pipeline, type Readable } from 'node:stream';
import { CsvError, parse as parseCsv } from 'csv-parse';
import type { Queryable } from '../../../platform/db/database.js';
import { BadRequestError } from '../../../platform/errors.js';
import { compileBodyCheck } from '../../../platform/http/validators.js';
import * as queries from '../emissions.queries.js';
import { toNewEmission } from '../emissions.service.js';
import * as webhooks from '../webhooks/webhooks.service.js';
import { NewEmissionBody } from '../emissions.schemas.js';
import { lines, MAX_LINE_BYTES } from './lines.js';

const CHUNK = 500;
/** Imports at least this large refresh the table's statistics when they finish. */
const ANALYZE_AFTER = 10_000;
const MAX_REPORTED_ERRORS = 1000;
/** The same checks as a record sent to POST /v2/emissions: the first problem, as `field: message`. */
const describe = compileBodyCheck(NewEmissionBody);

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

/** kgCO2e added to one scope and UTC month (`YYYY-MM`). */
export interface MonthlyKg {
  scope: number;
  month: string;
  kg: number;
}

/**
 * For a job that must survive interruption: each chunk's insert and `save` run in one transaction,
 * so what the job has recorded is exactly what is stored, and a run given `resumeFrom` skips the
 * records already counted and goes on. `complete` runs in the transaction of the final events.
 */
export interface IngestCheckpoint {
  resumeFrom?: { report: IngestReport; monthly: MonthlyKg[] } | undefined;
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  save(tx: Queryable, progress: IngestReport, monthly: MonthlyKg[]): Promise<void>;
  complete(tx: Queryable, report: IngestReport): Promise<void>;
}

function additionsWith(before: webhooks.MonthlyAdditions, months: readonly MonthlyKg[]) {
  const after = new webhooks.MonthlyAdditions();
  for (const entry of [...before.entries(), ...months]) after.addToMonth(entry.scope, entry.month, entry.kg);
  return after;
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
  options: { onProgress?: (report: IngestReport) => void | Promise<void>; event?: Record<string, unknown>; checkpoint?: IngestCheckpoint } = {},
): Promise<IngestReport> {
  const { checkpoint } = options;
  const resumed = checkpoint?.resumeFrom;
  const report: IngestReport = resumed ? { ...resumed.report, errors: [...resumed.report.errors] } : { received: 0, created: 0, duplicates: 0, failed: 0, errors: [] };
  let added = additionsWith(new webhooks.MonthlyAdditions(), resumed?.monthly ?? []);
  const inTransaction = <T>(work: (tx: Queryable) => Promise<T>) => (checkpoint ? checkpoint.transaction(work) : work(db));
  let chunk: queries.NewEmission[] = [];
  const fail = (row: number, message: string) => {
    report.failed += 1;
    if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push({ row, message });
  };
  /** `through`: the counts of every row up to the end of this batch (parsing has gone on since). */
  const store = async (batch: queries.NewEmission[], through: Pick<IngestReport, 'received' | 'failed'> & { errors: number }) => {
    const { months, after } = await inTransaction(async (tx) => {
      const months = await queries.insertEmissions(tx, organizationId, batch);
      const after = additionsWith(added, months);
      const created = months.reduce((sum, month) => sum + month.created, 0);
      const progress = { ...through, created: report.created + created, duplicates: report.duplicates + batch.length - created, errors: report.errors.slice(0, through.errors) };
      await checkpoint?.save(tx, progress, [...after.entries()]);
      return { months, after };
    });
    const created = months.reduce((sum, month) => sum + month.created, 0);
    added = after;
    report.created += created;
    report.duplicates += batch.length - created;
    await options.onProgress?.(report);
  };
  // One insert in flight while the next chunk is parsed: the database and the parser work at the
  // same time, chunks are still stored in order, and at most two chunks are held in memory.
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    const batch = chunk;
    const through = { received: report.received, failed: report.failed, errors: report.errors.length };
    chunk = [];
    await inFlight;
    inFlight = store(batch, through);
    inFlight.catch(() => undefined); // awaited at the next flush; this only keeps it from counting as unhandled meanwhile
  };
  const readAll = async () => {
    let skip = resumed?.report.received ?? 0; // counted (and stored) by the interrupted run
    for await (const item of incoming) {
      if (skip > 0) {
        skip -= 1;
        continue;
      }
      report.received += 1;
      if ('error' in item) {
        fail(item.row, item.error);
        continue;
      }
      const problem = describe(item.value);
      if (problem) fail(item.row, problem);
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
  await inTransaction(async (tx) => {
    await webhooks.emit(tx, organizationId, 'import.completed', { source, ...options.event, ...counts, first_errors: errors.slice(0, 10) });
    await webhooks.checkThresholds(tx, organizationId, added);
    await checkpoint?.complete(tx, report);
  });
  return report;
}

export async function* fromArray(records: readonly unknown[]): AsyncIterable<Incoming> {
  for (const [index, value] of records.entries()) yield { row: index + 1, value };
}

/**
 * One JSON record per line; blank lines are skipped but counted in row numbers. A line longer than
 * 1 MiB is refused (400, naming it). A failing stream (a dropped client, a lost database
 * connection under a job) rejects the iteration.
 */
export async function* fromNdjson(stream: Readable): AsyncIterable<Incoming> {
  let row = 0;
  for await (const line of lines(stream)) {
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
 * A file the parser cannot read past is the client's error, not the server's: a 400 (or the import
 * job's failure) naming the line. Rows before it were read and may have been stored.
 */
function malformedCsv(error: CsvError): BadRequestError {
  // Rows as the report counts them: the header is row 1, and `records` rows were read after it.
  const row = Number(error.records ?? 0) + 2;
  const where =
    error.code === 'CSV_QUOTE_NOT_CLOSED'
      ? `a quoted field opened in row ${row} is never closed (the file ends at line ${error.lines})`
      : `line ${error.lines}: ${error.message}`;
  return new BadRequestError(`Malformed CSV, ${where}. Rows before it may have been stored; records with an external_id are never stored twice.`);
}

async function* csvRecords(parser: AsyncIterable<Record<string, string>>) {
  try {
    yield* parser;
  } catch (error) {
    throw error instanceof CsvError ? malformedCsv(error) : error;
  }
}

/**
 * CSV with a header row: facility_id, scope, category, value, unit, timestamp, external_id and
 * metadata (a JSON object); empty cells are absent. Row numbers count the header as row 1.
 */
export async function* fromCsv(stream: Readable): AsyncIterable<Incoming> {
  // pipeline, not pipe(): an aborted upload fails the parser too, instead of leaving it waiting.
  // max_record_size: a record (or an unclosed quote) may not grow without bound in memory.
  const options = { columns: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: true, max_record_size: MAX_LINE_BYTES };
  const parser = pipeline(stream, parseCsv(options), () => undefined);
  let row = 1;
  for await (const record of csvRecords(parser as AsyncIterable<Record<string, string>>)) {
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
