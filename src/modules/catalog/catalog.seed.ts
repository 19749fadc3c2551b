import type { Queryable } from '../../platform/db/database.js';
import { loadDemoCatalog } from './demo/demo.service.js';

/** Demo plumes for a fresh install: enough to try every filter, sources and exports. */
export const DEMO_PLUMES = 3000;

export function seedDemoCatalog(db: Queryable, organizationId: string) {
  return loadDemoCatalog(db, { plumes: DEMO_PLUMES, organizationId });
}
