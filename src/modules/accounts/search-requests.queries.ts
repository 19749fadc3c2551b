import sql, { join, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';

export interface SearchRequestRow {
  id: string;
  aoi_id: string | null;
  name: string;
  query: Record<string, unknown>;
  change_detection_enabled: boolean;
  change_detection_schedule: string | null;
  created_at: Date;
}

const COLUMNS = sql`id, aoi_id, name, query, change_detection_enabled, change_detection_schedule, created_at`;

export interface SearchRequestFields {
  aoiId?: string | null | undefined;
  name?: string | undefined;
  query?: Record<string, unknown> | undefined;
  changeDetectionEnabled?: boolean | undefined;
  changeDetectionSchedule?: string | null | undefined;
}

export async function insertSearchRequest(db: Queryable, userId: string, fields: SearchRequestFields) {
  const [row] = await db.query<SearchRequestRow>(sql`
    INSERT INTO search_requests (user_id, aoi_id, name, query, change_detection_enabled, change_detection_schedule)
    VALUES (${userId}, ${fields.aoiId ?? null}, ${fields.name ?? ''}, ${JSON.stringify(fields.query ?? {})}::jsonb,
            ${fields.changeDetectionEnabled ?? false}, ${fields.changeDetectionSchedule ?? null})
    RETURNING ${COLUMNS}`);
  return row!;
}

export async function selectSearchRequest(db: Queryable, userId: string, id: string) {
  const [row] = await db.query<SearchRequestRow>(sql`SELECT ${COLUMNS} FROM search_requests WHERE user_id = ${userId} AND id = ${id}`);
  return row;
}

export async function updateSearchRequest(db: Queryable, userId: string, id: string, fields: SearchRequestFields) {
  const assignments: Sql[] = [sql`updated_at = now()`];
  if (fields.aoiId !== undefined) assignments.push(sql`aoi_id = ${fields.aoiId}`);
  if (fields.name !== undefined) assignments.push(sql`name = ${fields.name}`);
  if (fields.query !== undefined) assignments.push(sql`query = ${JSON.stringify(fields.query)}::jsonb`);
  if (fields.changeDetectionEnabled !== undefined) assignments.push(sql`change_detection_enabled = ${fields.changeDetectionEnabled}`);
  if (fields.changeDetectionSchedule !== undefined) assignments.push(sql`change_detection_schedule = ${fields.changeDetectionSchedule}`);
  const [row] = await db.query<SearchRequestRow>(sql`
    UPDATE search_requests SET ${join(assignments, ', ')} WHERE user_id = ${userId} AND id = ${id} RETURNING ${COLUMNS}`);
  return row;
}

export async function deleteSearchRequest(db: Queryable, userId: string, id: string) {
  const rows = await db.query(sql`DELETE FROM search_requests WHERE user_id = ${userId} AND id = ${id} RETURNING id`);
  return rows.length === 1;
}

export function selectSearchRequests(db: Queryable, userId: string, page: { limit: number; offset: number }) {
  return db.query<SearchRequestRow>(sql`
    SELECT ${COLUMNS} FROM search_requests WHERE user_id = ${userId} ORDER BY created_at DESC, id LIMIT ${page.limit} OFFSET ${page.offset}`);
}

export async function countSearchRequests(db: Queryable, userId: string) {
  const [row] = await db.query<{ count: number }>(sql`SELECT count(*)::int AS count FROM search_requests WHERE user_id = ${userId}`);
  return row?.count ?? 0;
}
