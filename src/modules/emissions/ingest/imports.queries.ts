import sql from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';
import type { IngestReport, MonthlyKg } from './ingest.service.js';

export type ImportStatus = 'uploading' | 'queued' | 'running' | 'completed' | 'failed';

export interface ImportRow {
  organization_id: string;
  id: string;
  format: 'ndjson' | 'csv';
  status: ImportStatus;
  bytes: number;
  received: number;
  created: number;
  duplicates: number;
  failed: number;
  errors: IngestReport['errors'];
  failure: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const COLUMNS = sql`organization_id, id, format, status, bytes::float8 AS bytes, received, created, duplicates, failed, errors, failure, created_at, started_at, finished_at`;

export async function insertImport(db: Queryable, organizationId: string, id: string, format: ImportRow['format']) {
  await db.query(sql`INSERT INTO emission_imports (organization_id, id, format) VALUES (${organizationId}, ${id}, ${format})`);
}

export async function recordBytes(db: Queryable, id: string, bytes: number) {
  await db.query(sql`UPDATE emission_imports SET bytes = ${bytes} WHERE id = ${id}`);
}

export async function selectImport(db: Queryable, organizationId: string, id: string) {
  const [row] = await db.query<ImportRow>(sql`SELECT ${COLUMNS} FROM emission_imports WHERE organization_id = ${organizationId} AND id = ${id}`);
  return row;
}

export async function selectImportById(db: Queryable, id: string) {
  const [row] = await db.query<ImportRow>(sql`SELECT ${COLUMNS} FROM emission_imports WHERE id = ${id}`);
  return row;
}

export function selectImports(db: Queryable, organizationId: string, limit: number) {
  return db.query<ImportRow>(sql`SELECT ${COLUMNS} FROM emission_imports WHERE organization_id = ${organizationId} ORDER BY created_at DESC, id DESC LIMIT ${limit}`);
}

/** Moves an import from one status to another; false when it was not in `from` (another worker has it). */
export async function transition(db: Queryable, id: string, from: ImportStatus, to: ImportStatus) {
  const rows = await db.query(sql`
    UPDATE emission_imports SET status = ${to},
      started_at = CASE WHEN ${to} = 'running' THEN COALESCE(started_at, now()) ELSE started_at END
    WHERE id = ${id} AND status = ${from} RETURNING id`);
  return rows.length === 1;
}

/**
 * In the transaction of a stored chunk: exactly what is stored so far, to resume from. False when
 * the import is no longer where this run left it (another worker took it over): nothing is saved.
 */
export async function saveCheckpoint(db: Queryable, id: string, report: IngestReport, monthly: MonthlyKg[], previousReceived: number) {
  const rows = await db.query(sql`
    UPDATE emission_imports SET received = ${report.received}, created = ${report.created}, duplicates = ${report.duplicates}, failed = ${report.failed},
      errors = ${JSON.stringify(report.errors)}::jsonb, monthly_kg = ${JSON.stringify(monthly)}::jsonb
    WHERE id = ${id} AND status = 'running' AND received = ${previousReceived} RETURNING id`);
  return rows.length === 1;
}

export async function selectMonthlyKg(db: Queryable, id: string) {
  const [row] = await db.query<{ monthly_kg: MonthlyKg[] }>(sql`SELECT monthly_kg FROM emission_imports WHERE id = ${id}`);
  return row?.monthly_kg ?? [];
}

/** Fails an import whose upload or queueing failed, if it is still uploading; false when it is not. */
export async function failUploading(db: Queryable, id: string, failure: string) {
  const rows = await db.query(sql`
    UPDATE emission_imports SET status = 'failed', failure = ${failure}, finished_at = now()
    WHERE id = ${id} AND status = 'uploading' RETURNING id`);
  return rows.length === 1;
}

/** Imports still 'uploading' whose upload was swept (the request receiving it died) fail. */
export async function failAbandoned(db: Queryable, failure: string) {
  const rows = await db.query<{ id: string }>(sql`
    UPDATE emission_imports i SET status = 'failed', failure = ${failure}, finished_at = now()
    WHERE i.status = 'uploading' AND NOT EXISTS (SELECT 1 FROM uploads u WHERE u.id = i.id)
    RETURNING i.id`);
  return rows.map((row) => row.id);
}

/** Uploads left behind by imports that ended (a process died between the end and the clean-up). */
export async function selectLeftoverUploads(db: Queryable) {
  const rows = await db.query<{ id: string }>(sql`
    SELECT u.id FROM uploads u JOIN emission_imports i ON i.id = u.id
    WHERE u.lease_until IS NULL AND i.status IN ('completed', 'failed')`);
  return rows.map((row) => row.id);
}

export async function finish(db: Queryable, id: string, outcome: { report?: IngestReport; failure?: string }) {
  const report = outcome.report;
  await db.query(sql`
    UPDATE emission_imports SET
      status = ${outcome.failure ? 'failed' : 'completed'}, failure = ${outcome.failure ?? null}, finished_at = now(),
      received = COALESCE(${report?.received ?? null}, received), created = COALESCE(${report?.created ?? null}, created),
      duplicates = COALESCE(${report?.duplicates ?? null}, duplicates), failed = COALESCE(${report?.failed ?? null}, failed),
      errors = COALESCE(${report ? JSON.stringify(report.errors) : null}::jsonb, errors)
    WHERE id = ${id}`);
}
