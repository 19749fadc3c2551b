import type { Queryable } from '../../platform/db/database.js';
import { loadDemoCatalog } from './demo/demo.service.js';

/** Demo plumes for a fresh install: enough to try every filter, sources and exports. */
export const DEMO_PLUMES = 3000;
/** Not `demo-plumes`' default (42), so that its public catalog and this one rarely share a scene name. */
export const DEMO_CATALOG_SEED = 2019;

export function seedDemoCatalog(db: Queryable, organizationId: string) {
  return loadDemoCatalog(db, { plumes: DEMO_PLUMES, seed: DEMO_CATALOG_SEED, organizationId });
}
