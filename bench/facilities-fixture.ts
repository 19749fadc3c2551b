import sql from 'sql-template-tag';
import type { Database } from '../src/platform/db/database.js';
import * as identity from '../src/platform/identity/identity.service.js';

/** Set-based insert: `count` facilities with varied attributes and distinct creation times. */
async function insertFacilities(db: Database, organizationId: string, count: number) {
  await db.query(sql`
    INSERT INTO facilities (organization_id, name, type, country, address, status, logistic_factor, categories, cups_list, created_at, updated_at)
    SELECT ${organizationId}::uuid,
           'Site ' || n,
           (ARRAY['office','warehouse','factory','store','datacenter'])[1 + n % 5],
           (ARRAY['ES','FR','DE','IT','PT'])[1 + n % 5],
           'Street ' || n || ', City ' || (n % 97),
           CASE WHEN n % 10 = 0 THEN 'archived' ELSE 'active' END,
           round(((n % 100) / 100.0)::numeric, 2)::float8,
           CASE WHEN n % 2 = 0 THEN ARRAY['heat','electricity','water'] ELSE ARRAY['electricity','recharge'] END,
           '{}'::text[],
           now() - make_interval(secs => n),
           now() - make_interval(secs => n)
    FROM generate_series(1, ${count}) AS n`);
}

/** The scenario: 10,000 facilities in the measured organization, plus a neighbour's. */
export async function seedFacilitiesFixture(db: Database) {
  const organization = await identity.createOrganization(db, { name: 'Bench Org', tier: 'enterprise' });
  const neighbour = await identity.createOrganization(db, { name: 'Neighbour Org', tier: 'standard' });
  await insertFacilities(db, organization.id, 10_000);
  await insertFacilities(db, neighbour.id, 5_000);
  await db.query(sql`ANALYZE facilities`);
  const { secret } = await identity.createApiKey(db, { organizationId: organization.id, name: 'bench', scopes: ['facilities:read'], tier: 'enterprise' });
  return { organizationId: organization.id, apiKey: secret };
}
