import sql from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import { ANONYMOUS, type Viewer } from './plume-filter.js';
import { visibleScenes } from './visible-scenes.queries.js';

/** The scene's owner and whether anyone (anonymous) may see it, if this viewer may. */
export async function selectSceneAccess(db: Queryable, sceneId: string, viewer: Viewer) {
  const [row] = await db.query<{ organization_id: string | null; public: boolean }>(sql`
    SELECT s.organization_id, EXISTS (SELECT 1 FROM ${visibleScenes(ANONYMOUS)} a WHERE a.id = s.id) AS public
    FROM ${visibleScenes(viewer)} s WHERE s.id = ${sceneId}::uuid`);
  return row;
}

/** Whether the organization owns this live scene. */
export async function isOwnScene(db: Queryable, sceneId: string, organizationId: string) {
  const rows = await db.query(sql`
    SELECT 1 FROM ${visibleScenes({ organizationId })} s WHERE s.id = ${sceneId}::uuid AND s.organization_id = ${organizationId}::uuid`);
  return rows.length > 0;
}

/** The registered owner of an asset key. */
export async function selectAssetOwner(db: Queryable, key: string) {
  const [row] = await db.query<{ organization_id: string | null }>(sql`SELECT organization_id FROM plume_assets WHERE key = ${key}`);
  return row;
}
