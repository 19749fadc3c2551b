import sql from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import type { Viewer } from './plume-filter.js';
import { visiblePlumes } from './visible-plumes.queries.js';
import { mayName, reservedOwnerOf } from './asset-keys.js';

/** The plume columns that name asset keys. */
export const ASSET_COLUMNS = ['plume_tif', 'plume_png', 'con_tif', 'rgb_tif', 'rgb_png'] as const;

/**
 * The keys this owner may not name: those stored under another organization's id, and shared
 * keys already registered to another owner. Keys under an organization's id are refused by their
 * place alone, without a look-up, so a refusal reveals nothing about what another owner holds.
 */
export async function foreignAssetKeys(db: Queryable, keys: string[], organizationId: string | null): Promise<Set<string>> {
  const foreign = new Set(keys.filter((key) => !mayName(key, organizationId)));
  const shared = [...new Set(keys.filter((key) => !foreign.has(key)))];
  if (shared.length === 0) return foreign;
  const taken = await db.query<{ key: string }>(sql`
    SELECT key FROM plume_assets WHERE key = ANY(${shared}::text[]) AND organization_id IS DISTINCT FROM ${organizationId}::uuid`);
  for (const row of taken) foreign.add(row.key);
  return foreign;
}

/**
 * Registers the keys of plumes just written to their owner. A key under an organization's id is
 * always that organization's (a registration made otherwise is corrected); a shared key keeps its
 * first owner, so when two imports name one new key at once the later plume simply cannot serve it.
 */
export async function registerAssets(db: Queryable, keys: string[], organizationId: string | null): Promise<void> {
  const mine = [...new Set(keys.filter((key) => mayName(key, organizationId)))].sort();
  if (mine.length === 0) return;
  await db.query(sql`
    INSERT INTO plume_assets (key, organization_id) SELECT key, ${organizationId}::uuid FROM unnest(${mine}::text[]) AS key
    ON CONFLICT (key) DO UPDATE SET organization_id = EXCLUDED.organization_id
    WHERE lower(split_part(plume_assets.key, '/', 1)) = EXCLUDED.organization_id::text`);
}

/** Whether the asset belongs to the owner of a live plume that names it and that the viewer may see. */
export async function isVisibleAsset(db: Queryable, key: string, viewer: Viewer) {
  // A key stored under an organization's id is served only through that organization's plumes, whatever was registered.
  const reserved = reservedOwnerOf(key) ?? null;
  const rows = await db.query(sql`
    SELECT 1 FROM plume_assets a JOIN ${visiblePlumes(viewer)} p ON p.organization_id IS NOT DISTINCT FROM a.organization_id
    WHERE a.key = ${key} AND (${reserved}::uuid IS NULL OR a.organization_id = ${reserved}::uuid) AND ${key} IN (p.plume_tif, p.plume_png, p.con_tif, p.rgb_tif, p.rgb_png) AND p.status <> 'deleted' LIMIT 1`);
  return rows.length > 0;
}

/** Whether the key is registered to this owner (a quicklook signs its plume's image only then). */
export async function isOwnedAsset(db: Queryable, key: string, organizationId: string | null) {
  if (!mayName(key, organizationId)) return false;
  const rows = await db.query(sql`SELECT 1 FROM plume_assets WHERE key = ${key} AND organization_id IS NOT DISTINCT FROM ${organizationId}::uuid`);
  return rows.length > 0;
}

/** The owner of a live plume: null for platform-owned, undefined when there is no such plume. */
export async function selectPlumeOwner(db: Queryable, id: string) {
  const [row] = await db.query<{ organization_id: string | null }>(sql`SELECT organization_id FROM plumes WHERE id = ${id} AND status <> 'deleted'`);
  return row;
}
