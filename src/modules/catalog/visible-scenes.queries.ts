import sql, { type Sql } from 'sql-template-tag';
import type { Viewer } from './plume-filter.js';

/**
 * The scenes a viewer may read, as a FROM item to alias as the caller likes: the viewer's own
 * organization's scenes, published scenes, and unpublished ones that hold a published plume (a
 * scene an organization imported privately becomes public with its first published plume, so a
 * public plume never points at a scene its readers may not open). Deleted scenes are no one's; a
 * hidden scene stays its owner's even when it holds published plumes. Every scene read — lists,
 * counts, dates, downloads, the scene a new plume is drawn in — selects from this one rule.
 */
export function visibleScenes(viewer: Viewer): Sql {
  const own = viewer.organizationId ? sql`vs.organization_id = ${viewer.organizationId}::uuid` : sql`false`;
  return sql`(
    SELECT vs.* FROM scenes vs
    WHERE vs.status <> 'deleted' AND (
      vs.status = 'published' OR ${own}
      OR (vs.status = 'valid' AND EXISTS (SELECT 1 FROM plumes vp WHERE vp.scene_id = vs.id AND vp.status = 'published'))))`;
}
