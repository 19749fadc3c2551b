import sql from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';
import type { IngestReport } from './ingest.service.js';

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
      started_at = CASE WHEN ${to} = 'running' THEN now() ELSE started_at END
    WHERE id = ${id} AND status = ${from} RETURNING id`);
  return rows.length === 1;
}

export async function recordProgress(db: Queryable, id: string, report: IngestReport) {
  await db.query(sql`
    UPDATE emission_imports SET received = ${report.received}, created = ${report.created}, duplicates = ${report.duplicates}, failed = ${report.failed}
    WHERE id = ${id}`);
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
