import sql from 'sql-template-tag';
import type { Queryable } from '../db/database.js';

export async function insertUpload(db: Queryable, uploadId: string, leaseSeconds: number) {
  await db.query(sql`INSERT INTO uploads (id, lease_until) VALUES (${uploadId}, now() + make_interval(secs => ${leaseSeconds}))`);
}

export async function extendLease(db: Queryable, uploadId: string, leaseSeconds: number) {
  await db.query(sql`UPDATE uploads SET lease_until = now() + make_interval(secs => ${leaseSeconds}) WHERE id = ${uploadId} AND lease_until IS NOT NULL`);
}

/** The upload belongs to its job from now on: no lease, never swept. */
export async function clearLease(db: Queryable, uploadId: string) {
  await db.query(sql`UPDATE uploads SET lease_until = NULL WHERE id = ${uploadId}`);
}

export async function insertPart(db: Queryable, uploadId: string, seq: number, data: Buffer) {
  await db.query(sql`INSERT INTO upload_parts (upload_id, seq, data) VALUES (${uploadId}, ${seq}, ${data})`);
}

export async function selectPart(db: Queryable, uploadId: string, seq: number) {
  const [row] = await db.query<{ data: Uint8Array }>(sql`SELECT data FROM upload_parts WHERE upload_id = ${uploadId} AND seq = ${seq}`);
  return row ? Buffer.from(row.data) : undefined;
}

export async function countParts(db: Queryable, uploadId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM upload_parts WHERE upload_id = ${uploadId}`);
  return row!.n;
}

export async function deleteUpload(db: Queryable, uploadId: string) {
  await db.query(sql`DELETE FROM upload_parts WHERE upload_id = ${uploadId}`);
  await db.query(sql`DELETE FROM uploads WHERE id = ${uploadId}`);
}

/** Uploads whose request died (lease ran out) go, with their parts; returns their ids. */
export async function deleteAbandoned(db: Queryable) {
  const rows = await db.query<{ id: string }>(sql`
    WITH gone AS (DELETE FROM uploads WHERE lease_until < now() RETURNING id),
    parts AS (DELETE FROM upload_parts WHERE upload_id IN (SELECT id FROM gone))
    SELECT id FROM gone`);
  return rows.map((row) => row.id);
}
