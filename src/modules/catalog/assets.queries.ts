import sql from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import type { Viewer } from './plume-filter.js';

/** Whether the asset belongs to a plume the viewer may see. */
export async function isVisibleAsset(db: Queryable, key: string, viewer: Viewer) {
  const visible = viewer.organizationId ? sql`(status = 'published' OR organization_id = ${viewer.organizationId})` : sql`status = 'published'`;
  const rows = await db.query(sql`
    SELECT 1 FROM plumes WHERE ${key} IN (plume_tif, plume_png, con_tif, rgb_tif, rgb_png) AND status <> 'deleted' AND ${visible} LIMIT 1`);
  return rows.length > 0;
}

/** The owner of a live plume: null for platform-owned, undefined when there is no such plume. */
export async function selectPlumeOwner(db: Queryable, id: string) {
  const [row] = await db.query<{ organization_id: string | null }>(sql`SELECT organization_id FROM plumes WHERE id = ${id} AND status <> 'deleted'`);
  return row;
}
