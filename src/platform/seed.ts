import type { Database } from './db/database.js';
import type { BlobStore } from './storage/blob-store.js';
import { SCOPES } from './auth/scopes.js';
import * as identity from './identity/identity.service.js';
import { seedDemoFacilities } from '../modules/facilities/facilities.seed.js';
import { seedDemoRegistry } from '../modules/registry/registry.seed.js';
import { seedDemoCatalog } from '../modules/catalog/catalog.seed.js';

export interface SeedResult {
  organizationId: string;
  /** A freshly minted demo key, unless BOOTSTRAP_API_KEY already gives one. */
  apiKey: string | null;
  facilities: number;
  plumes: number;
}

/**
 * Idempotent demo data in the demo organization. Without BOOTSTRAP_API_KEY a new demo key is minted
 * (and the previous one revoked), because a key's secret cannot be shown again once stored.
 */
export async function seedDemoData(db: Database, bootstrapApiKey: string | undefined, options: { assets?: BlobStore } = {}): Promise<SeedResult> {
  const organizationId = identity.BOOTSTRAP_ORGANIZATION_ID;
  let apiKey: string | null = null;
  if (bootstrapApiKey) {
    await identity.ensureBootstrapApiKey(db, bootstrapApiKey);
  } else {
    await identity.ensureDemoOrganization(db);
    for (const key of await identity.listApiKeys(db, organizationId)) {
      if (key.name === 'demo' && !key.revoked_at) await identity.revokeApiKey(db, organizationId, key.id);
    }
    apiKey = (await identity.createApiKey(db, { organizationId, name: 'demo', scopes: SCOPES, tier: 'enterprise' })).secret;
  }
  const facilities = await seedDemoFacilities(db, organizationId);
  await seedDemoRegistry(db, organizationId);
  const catalog = await seedDemoCatalog(db, organizationId, options.assets);
  return { organizationId, apiKey, facilities, plumes: catalog.plumes };
}
