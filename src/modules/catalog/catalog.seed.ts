import type { Database } from '../../platform/db/database.js';
import type { BlobStore } from '../../platform/storage/blob-store.js';
import { loadDemoCatalog } from './demo/demo.service.js';

/** Demo plumes for a fresh install: enough to try every filter, sources and exports. */
export const DEMO_PLUMES = 3000;
/** Not `demo-plumes`' default (42), so that its public catalog and this one rarely share a scene name. */
export const DEMO_CATALOG_SEED = 2019;

/** With an asset store, a few scenes also get rasters (scene and plume tiles). */
export function seedDemoCatalog(db: Database, organizationId: string, assets?: BlobStore) {
  return loadDemoCatalog(db, { plumes: DEMO_PLUMES, seed: DEMO_CATALOG_SEED, organizationId, ...(assets ? { rasters: { db, store: assets } } : {}) });
}
