import { randomBytes } from 'node:crypto';
import type { Database, Queryable } from './platform/db/database.js';
import { joinedTransaction } from './platform/db/joined-transaction.js';
import { lockForTransaction } from './platform/db/transaction-lock.queries.js';
import type { BlobStore } from './platform/storage/blob-store.js';
import { SCOPES } from './platform/auth/scopes.js';
import * as identity from './platform/identity/identity.service.js';
import { DEMO_FACILITIES, seedDemoFacilities } from './modules/facilities/facilities.seed.js';
import { getFacility } from './modules/facilities/facilities.service.js';
import { seedDemoEmissions } from './modules/emissions/emissions.seed.js';
import { seedDemoRegistry } from './modules/registry/registry.seed.js';
import { seedDemoCatalog } from './modules/catalog/catalog.seed.js';
import { seedDemoTasking } from './modules/tasking/tasking.seed.js';
import { seedDemoPicker } from './modules/picker/picker.seed.js';
import { seedDemoCommunity } from './modules/community/community.seed.js';

export const DEMO_USER_EMAIL = 'demo@carbon-atlas.test';

export interface SeedResult {
  organizationId: string;
  /** A freshly minted demo key, unless BOOTSTRAP_API_KEY already gives one. */
  apiKey: string | null;
  /** The demo user and the password set for it by this seed. */
  /** No password when the demo address belongs to an account outside the demo organization. */
  user: { email: string; password: string | null };
  facilities: number;
  emissions: number;
  plumes: number;
}

/** A member of the demo organization who can sign in at once (token examples): its password is new at every seed. */
async function seedDemoUser(db: Queryable, organizationId: string): Promise<SeedResult['user']> {
  const password = `demo-${randomBytes(12).toString('base64url')}`;
  const existing = await identity.getUserByEmail(db, DEMO_USER_EMAIL);
  // An account someone else registered under the demo address is theirs: never made an admin of
  // the demo organization, nor given a password by the seed.
  if (existing && !(await identity.getMembership(db, existing.id, organizationId))) return { email: DEMO_USER_EMAIL, password: null };
  const user = existing ?? (await identity.createUser(db, { email: DEMO_USER_EMAIL, password, firstName: 'Demo', lastName: 'User', emailVerified: true }));
  if (existing) await identity.setPassword(db, existing.id, password);
  else await identity.addMember(db, organizationId, user.id, 'admin');
  return { email: DEMO_USER_EMAIL, password };
}

/**
 * The demo organization's data, in ONE transaction under an advisory lock: two processes seeding
 * at once take turns, a failure leaves nothing half made (not even a revoked key), and running it
 * again finds what is there. Without BOOTSTRAP_API_KEY a new demo key is minted and the previous
 * one revoked in that same transaction, because a key's secret cannot be shown again once stored.
 */
export async function seedDemoData(db: Database, bootstrapApiKey: string | undefined, options: { assets?: BlobStore } = {}): Promise<SeedResult> {
  return db.transaction(async (tx) => {
    await lockForTransaction(tx, 'carbon-atlas:demo-seed');
    const joined = joinedTransaction(tx, db.kind);
    const organizationId = identity.BOOTSTRAP_ORGANIZATION_ID;
    let apiKey: string | null = null;
    if (bootstrapApiKey) {
      await identity.ensureBootstrapApiKey(joined, bootstrapApiKey);
    } else {
      await identity.ensureDemoOrganization(tx);
      for (const key of await identity.listApiKeys(tx, organizationId)) {
        if (key.name === 'demo' && !key.revoked_at) await identity.revokeApiKey(tx, organizationId, key.id);
      }
      apiKey = (await identity.createApiKey(tx, { organizationId, name: 'demo', scopes: SCOPES, tier: 'enterprise' })).secret;
    }
    const user = await seedDemoUser(tx, organizationId);
    const facilities = await seedDemoFacilities(joined, organizationId);
    // The sites as they are now: a user may have archived one or changed its categories.
    const sites = await Promise.all(
      DEMO_FACILITIES.map(async ({ id, name }) => {
        const current = await getFacility(tx, organizationId, id);
        return { id, name, status: current.status, categories: current.categories };
      }),
    );
    const emissions = await seedDemoEmissions(joined, organizationId, sites);
    await seedDemoRegistry(joined, organizationId);
    const catalog = await seedDemoCatalog(joined, organizationId, options.assets);
    await seedDemoTasking(tx, organizationId);
    await seedDemoPicker(joined, organizationId);
    await seedDemoCommunity(joined, organizationId);
    return { organizationId, apiKey, user, facilities, emissions, plumes: catalog.plumes };
  });
}
