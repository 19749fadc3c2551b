import sql, { type Sql } from 'sql-template-tag';

/** Who is asking for a layer: the caller's organization and user (either may be absent). */
export interface LayerViewer {
  organizationId: string | null;
  userId: string | null;
}

/**
 * The one visibility rule for uploaded layers, used by every read (list, get, features, files,
 * download, tiles): a layer is visible to the members and keys of its organization, and to the user
 * who uploaded it. A layer with neither is nobody's.
 */
export function visibleLayers(viewer: LayerViewer): Sql {
  return sql`(SELECT * FROM layers WHERE (organization_id IS NOT NULL AND organization_id = ${viewer.organizationId}::uuid)
    OR (user_id IS NOT NULL AND user_id = ${viewer.userId}::uuid))`;
}
