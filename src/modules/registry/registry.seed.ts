import type { Database } from '../../platform/db/database.js';
import * as registry from './registry.service.js';
import { selectProjectByName } from './registry.queries.js';

const DEMO_PROJECT = { fullName: 'Hellisheiði Direct Air Capture', countryCode: 'ISL' };

/** The demo organization runs the registry and holds one issued vintage; idempotent. */
export async function seedDemoRegistry(db: Database, organizationId: string) {
  await registry.updateRegistryProfile(db, organizationId, {
    isRegistryOperator: true,
    isPublic: true,
    type: 'registryOperator',
    countryCode: 'IS',
    city: 'Reykjavík',
  });
  if (await selectProjectByName(db, DEMO_PROJECT.fullName)) return;
  const project = await registry.createDemoProject(db, { ...DEMO_PROJECT, organizationId });
  await registry.issueDemoCredits(db, project.id, { vintage: 2024, supply: 5000, type: 'exPost', toOrganizationId: organizationId, ledger: 'live' });
}
