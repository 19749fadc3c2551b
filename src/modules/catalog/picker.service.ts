import sql from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import { containsPattern } from '../../platform/db/like.js';
import type { Viewer } from './plume-filter.js';
import { visibleScenes } from './visible-scenes.queries.js';

/** What the plume picker reads of scenes: only through the catalog's one visibility rule. */

/** The viewer's visible scenes among `ids`, with their names (an id not returned is unknown or hidden to the viewer). */
export async function visibleSceneNames(db: Queryable, viewer: Viewer, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<{ id: string; name: string }>(sql`SELECT s.id, s.name FROM ${visibleScenes(viewer)} s WHERE s.id = ANY(${[...ids]}::uuid[])`);
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** Ids of the viewer's visible scenes whose name contains `search` (at most `limit`). */
export async function searchSceneIds(db: Queryable, viewer: Viewer, search: string, limit = 10_000): Promise<string[]> {
  const rows = await db.query<{ id: string }>(sql`SELECT s.id FROM ${visibleScenes(viewer)} s WHERE s.name ILIKE ${containsPattern(search)} LIMIT ${limit}`);
  return rows.map((row) => row.id);
}

/** The viewer's newest visible scenes (the demo seed assigns them). */
export async function newestSceneIds(db: Queryable, viewer: Viewer, limit: number): Promise<string[]> {
  const rows = await db.query<{ id: string }>(sql`SELECT s.id FROM ${visibleScenes(viewer)} s ORDER BY s."timestamp" DESC, s.id LIMIT ${limit}`);
  return rows.map((row) => row.id);
}
