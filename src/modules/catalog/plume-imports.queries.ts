import sql from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import type { PlumeImportReport } from './plume-import.js';

export type PlumeImportStatus = 'uploading' | 'queued' | 'running' | 'completed' | 'failed';

export interface PlumeImportRow extends PlumeImportReport {
  organization_id: string;
  id: string;
  status: PlumeImportStatus;
  bytes: number;
  failure: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const COLUMNS = sql`organization_id, id, status, bytes::float8 AS bytes, received, created, updated, failed, errors, failure, created_at, started_at, finished_at`;

export async function insertImport(db: Queryable, organizationId: string, id: string) {
  await db.query(sql`INSERT INTO plume_imports (organization_id, id) VALUES (${organizationId}, ${id})`);
}

export async function selectImport(db: Queryable, id: string, organizationId?: string) {
  const [row] = await db.query<PlumeImportRow>(sql`
    SELECT ${COLUMNS} FROM plume_imports WHERE id = ${id} AND (${organizationId ?? null}::uuid IS NULL OR organization_id = ${organizationId ?? null})`);
  return row;
}

/** Moves an import on; false when it was not in `from` (another worker has it). */
export async function transition(db: Queryable, id: string, from: PlumeImportStatus, to: PlumeImportStatus, bytes?: number) {
  const rows = await db.query(sql`
    UPDATE plume_imports SET status = ${to}, bytes = COALESCE(${bytes ?? null}, bytes),
      started_at = CASE WHEN ${to} = 'running' THEN COALESCE(started_at, now()) ELSE started_at END
    WHERE id = ${id} AND status = ${from} RETURNING id`);
  return rows.length === 1;
}

export async function recordProgress(db: Queryable, id: string, report: PlumeImportReport) {
  await db.query(sql`
    UPDATE plume_imports SET received = ${report.received}, created = ${report.created}, updated = ${report.updated}, failed = ${report.failed},
      errors = ${JSON.stringify(report.errors)}::jsonb
    WHERE id = ${id}`);
}

export async function finish(db: Queryable, id: string, outcome: { report?: PlumeImportReport; failure?: string }) {
  const r = outcome.report;
  await db.query(sql`
    UPDATE plume_imports SET status = ${outcome.failure ? 'failed' : 'completed'}, failure = ${outcome.failure ?? null}, finished_at = now(),
      received = COALESCE(${r?.received ?? null}, received), created = COALESCE(${r?.created ?? null}, created),
      updated = COALESCE(${r?.updated ?? null}, updated), failed = COALESCE(${r?.failed ?? null}, failed),
      errors = COALESCE(${r ? JSON.stringify(r.errors) : null}::jsonb, errors)
    WHERE id = ${id}`);
}

/** Imports still 'uploading' whose upload was swept (the request receiving it died) fail. */
export async function failAbandoned(db: Queryable, failure: string) {
  const rows = await db.query<{ id: string }>(sql`
    UPDATE plume_imports i SET status = 'failed', failure = ${failure}, finished_at = now()
    WHERE i.status = 'uploading' AND NOT EXISTS (SELECT 1 FROM uploads u WHERE u.id = i.id)
    RETURNING i.id`);
  return rows.map((row) => row.id);
}

/** Uploads left behind by imports that ended (a process died between the end and the clean-up). */
export async function selectLeftoverUploads(db: Queryable) {
  const rows = await db.query<{ id: string }>(sql`
    SELECT u.id FROM uploads u JOIN plume_imports i ON i.id = u.id
    WHERE u.lease_until IS NULL AND i.status IN ('completed', 'failed')`);
  return rows.map((row) => row.id);
}
