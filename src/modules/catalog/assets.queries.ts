import sql from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import type { Viewer } from './plume-filter.js';
import { visiblePlumes } from './visible-plumes.queries.js';

/** The plume columns that name asset keys. */
export const ASSET_COLUMNS = ['plume_tif', 'plume_png', 'con_tif', 'rgb_tif', 'rgb_png'] as const;

/**
 * Registers asset keys to their owner (first come, first owner) and returns those that belong to
 * another owner. Two statements on purpose: the insert waits for a concurrent registration of the
 * same key to commit, and the select that follows then sees its owner.
 */
export async function registerAssets(db: Queryable, keys: string[], organizationId: string | null): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const unique = [...new Set(keys)].sort();
  await db.query(sql`
    INSERT INTO plume_assets (key, organization_id) SELECT key, ${organizationId}::uuid FROM unnest(${unique}::text[]) AS key
    ON CONFLICT (key) DO NOTHING`);
  const foreign = await db.query<{ key: string }>(sql`
    SELECT key FROM plume_assets WHERE key = ANY(${unique}::text[]) AND organization_id IS DISTINCT FROM ${organizationId}::uuid`);
  return new Set(foreign.map((row) => row.key));
}

/** Whether the asset belongs to the owner of a live plume that names it and that the viewer may see. */
export async function isVisibleAsset(db: Queryable, key: string, viewer: Viewer) {
  const rows = await db.query(sql`
    SELECT 1 FROM plume_assets a JOIN ${visiblePlumes(viewer)} p ON p.organization_id IS NOT DISTINCT FROM a.organization_id
    WHERE a.key = ${key} AND ${key} IN (p.plume_tif, p.plume_png, p.con_tif, p.rgb_tif, p.rgb_png) AND p.status <> 'deleted' LIMIT 1`);
  return rows.length > 0;
}

/** Whether the key is registered to this owner (a quicklook signs its plume's image only then). */
export async function isOwnedAsset(db: Queryable, key: string, organizationId: string | null) {
  const rows = await db.query(sql`SELECT 1 FROM plume_assets WHERE key = ${key} AND organization_id IS NOT DISTINCT FROM ${organizationId}::uuid`);
  return rows.length > 0;
}

/** The owner of a live plume: null for platform-owned, undefined when there is no such plume. */
export async function selectPlumeOwner(db: Queryable, id: string) {
  const [row] = await db.query<{ organization_id: string | null }>(sql`SELECT organization_id FROM plumes WHERE id = ${id} AND status <> 'deleted'`);
  return row;
}
