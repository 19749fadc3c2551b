import sql, { join, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';

export interface PlatformRow {
  id: string;
  name: string;
  tle_line1: string;
  tle_line2: string;
  created_at: Date;
  modified: Date;
}

const COLUMNS = sql`id, name, tle_line1, tle_line2, created_at, modified`;

export async function insertPlatform(db: Queryable, organizationId: string, platform: { name: string; tle_line1: string; tle_line2: string }) {
  const [row] = await db.query<PlatformRow>(sql`
    INSERT INTO tasking_platforms (organization_id, name, tle_line1, tle_line2)
    VALUES (${organizationId}, ${platform.name}, ${platform.tle_line1}, ${platform.tle_line2}) RETURNING ${COLUMNS}`);
  return row!;
}

export async function selectPlatform(db: Queryable, organizationId: string, id: string) {
  const [row] = await db.query<PlatformRow>(sql`SELECT ${COLUMNS} FROM tasking_platforms WHERE organization_id = ${organizationId} AND id = ${id}::uuid`);
  return row;
}

export function selectPlatforms(db: Queryable, organizationId: string, page: { limit: number; offset: number }) {
  return db.query<PlatformRow>(sql`
    SELECT ${COLUMNS} FROM tasking_platforms WHERE organization_id = ${organizationId} ORDER BY lower(name), id LIMIT ${page.limit} OFFSET ${page.offset}`);
}

export async function countPlatforms(db: Queryable, organizationId: string) {
  const [row] = await db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM tasking_platforms WHERE organization_id = ${organizationId}`);
  return row!.n;
}

export async function updatePlatform(db: Queryable, organizationId: string, id: string, changes: { name?: string | undefined; tle_line1?: string | undefined; tle_line2?: string | undefined }) {
  const assignments: Sql[] = [sql`modified = now()`];
  if (changes.name !== undefined) assignments.push(sql`name = ${changes.name}`);
  if (changes.tle_line1 !== undefined) assignments.push(sql`tle_line1 = ${changes.tle_line1}`);
  if (changes.tle_line2 !== undefined) assignments.push(sql`tle_line2 = ${changes.tle_line2}`);
  const [row] = await db.query<PlatformRow>(sql`
    UPDATE tasking_platforms SET ${join(assignments, ', ')} WHERE organization_id = ${organizationId} AND id = ${id}::uuid RETURNING ${COLUMNS}`);
  return row;
}

export async function deletePlatform(db: Queryable, organizationId: string, id: string) {
  const rows = await db.query(sql`DELETE FROM tasking_platforms WHERE organization_id = ${organizationId} AND id = ${id}::uuid RETURNING id`);
  return rows.length === 1;
}
