import type { Database } from '../../platform/db/database.js';
import type { BlobStore } from '../../platform/storage/blob-store.js';
import { loadDemoCatalog } from './demo/demo.service.js';

/** Demo plumes for a fresh install: enough to try every filter, sources and exports. */
export const DEMO_PLUMES = 3000;

/** With an asset store, a few scenes also get rasters (scene and plume tiles). */
export function seedDemoCatalog(db: Database, organizationId: string, assets?: BlobStore) {
  return loadDemoCatalog(db, { plumes: DEMO_PLUMES, organizationId, ...(assets ? { rasters: { db, store: assets } } : {}) });
}
