import sql from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';

/** The owner's scenes of these names, by name (a demo catalog attaches its plumes to its own scenes only). */
export async function selectOwnScenes(db: Queryable, names: string[], organizationId: string | null): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const rows = await db.query<{ id: string; name: string }>(sql`
    SELECT id, name FROM scenes WHERE name = ANY(${names}::text[]) AND organization_id IS NOT DISTINCT FROM ${organizationId}::uuid`);
  return new Map(rows.map((row) => [row.name, row.id]));
}
