import type { Queryable } from '../../platform/db/database.js';
import { isUuid } from '../../platform/uuid.js';
import { isVisibleAsset } from './assets.queries.js';
import { ANONYMOUS, type Viewer } from './plume-filter.js';
import * as queries from './rasters.queries.js';

/**
 * What the raster tiles (geo/raster) may show, decided by the catalog's own visibility rules:
 * `visibleScenes` for a scene's products, and for a plume asset the rule of the asset downloads
 * (`isVisibleAsset`: a live plume the viewer may see names it, and the key is its owner's).
 */
export interface RasterAccess {
  /** The owner of the scene or asset (null: the platform's own). */
  organizationId: string | null;
  /** Whether anyone, signed in or not, may see it: public caches may keep its tiles. */
  public: boolean;
}

/** The scene's access for this viewer, or undefined when the viewer may not see it (or it does not exist). */
export async function sceneRasterAccess(db: Queryable, sceneId: string, viewer: Viewer): Promise<RasterAccess | undefined> {
  if (!isUuid(sceneId)) return undefined;
  const row = await queries.selectSceneAccess(db, sceneId, viewer);
  return row ? { organizationId: row.organization_id, public: row.public } : undefined;
}

/** Whether the organization owns the scene, so it may upload the scene's rasters. */
export function ownsScene(db: Queryable, sceneId: string, organizationId: string): Promise<boolean> {
  return isUuid(sceneId) ? queries.isOwnScene(db, sceneId, organizationId) : Promise.resolve(false);
}

/** The asset's access for this viewer, or undefined when the viewer may not see it. */
export async function assetRasterAccess(db: Queryable, key: string, viewer: Viewer): Promise<RasterAccess | undefined> {
  const everyone = await isVisibleAsset(db, key, ANONYMOUS);
  if (!everyone && (viewer.organizationId === null || !(await isVisibleAsset(db, key, viewer)))) return undefined;
  const owner = await queries.selectAssetOwner(db, key);
  return owner ? { organizationId: owner.organization_id, public: everyone } : undefined;
}
