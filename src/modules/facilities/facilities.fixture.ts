import sql from 'sql-template-tag';
import { afterAll, beforeAll, expect } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';

/** The facilities tests' fixture: two organizations, Acme and Globex, each with a key that reads and writes facilities. */
export interface FacilitiesFixture {
  ctx: TestContext;
  acme: TestOrganization;
  globex: TestOrganization;
  acmeKey: string;
  globexKey: string;
}

/** The page's example facility. */
export const MADRID = {
  name: 'Madrid Office',
  type: 'office',
  country: 'ES',
  address: 'Calle Gran Vía 1, Madrid',
  categories: ['heat', 'electricity', 'water'],
  cups_list: ['ES0021000000000001RK'],
};

/** The fixture, made before the file's tests (one database per file) and closed after them, `create`, which posts a facility, and `expectCountsExact`. */
export function useFacilitiesFixture() {
  const fx = {} as FacilitiesFixture;
  beforeAll(async () => {
    fx.ctx = await createTestContext();
    fx.acme = await fx.ctx.organization('Acme');
    fx.globex = await fx.ctx.organization('Globex');
    fx.acmeKey = await fx.acme.key(['facilities:read', 'facilities:write']);
    fx.globexKey = await fx.globex.key(['facilities:read', 'facilities:write']);
  });
  afterAll(() => fx.ctx?.close());
  async function create(body: Record<string, unknown>, key = fx.acmeKey) {
    const response = await fx.ctx.request({ method: 'POST', url: '/v1/facilities', key, payload: body });
    return { status: response.statusCode, body: response.json() };
  }
  /** The maintained counts (facility_counts) against the rows, over the whole table: no difference either way. */
  async function expectCountsExact() {
    const drift = await fx.ctx.db.query(sql`
      (SELECT organization_id, status, type, country, count(*)::int AS n FROM facilities GROUP BY 1, 2, 3, 4
       EXCEPT SELECT organization_id, status, type, country, facilities FROM facility_counts WHERE facilities <> 0)
      UNION ALL
      (SELECT organization_id, status, type, country, facilities FROM facility_counts WHERE facilities <> 0
       EXCEPT SELECT organization_id, status, type, country, count(*)::int FROM facilities GROUP BY 1, 2, 3, 4)`);
    expect(drift).toEqual([]);
  }
  return { fx, create, expectCountsExact };
}
