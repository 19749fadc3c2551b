import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { insertScenes } from './catalog-writes.queries.js';
import { SCENES } from './catalog.fixture.js';
import { ANONYMOUS } from './plume-filter.js';
import { ALWAYS_COUNTED, countItems, type StacSearch } from './stac.service.js';

let ctx: TestContext;
let ownerId: string;

/** `count` plumes of one organization at one point, a minute apart, with the given status; names from the `first`th letter triple on. */
async function plumesAt(count: number, lon: number, lat: number, status: string, first: number) {
  await ctx.db.query(sql`
    INSERT INTO plumes (plume_id, scene_id, scene_name, instrument, "datetime", organization_id, gas, geometry, status, emission_cmf_type, emission_version)
    SELECT s.name || '-' || chr(65 + i / 676) || chr(65 + (i / 26) % 26) || chr(65 + i % 26), s.id, s.name, 'GAO', '2021-01-01T00:00:00Z'::timestamptz + i * interval '1 minute', ${ownerId}::uuid, 'CH4',
      ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326), ${status}, 'mfa', 'v8'
    FROM generate_series(${first}::int, ${first + count - 1}::int) i, scenes s WHERE s.id = ${SCENES[0]!.id}::uuid`);
}

const within = (bbox: [number, number, number, number]): StacSearch => ({ bboxes: [bbox], limit: 10, sortby: [] });

beforeAll(async () => {
  ctx = await createTestContext();
  ownerId = (await ctx.organization('Count Org')).id;
  await insertScenes(ctx.db, [SCENES[0]!], ownerId);
  // 1,200 unpublished plumes at (10, 10); 300 published ones at (20, 20). Statistics make the
  // planner expect ~240 published plumes at (10, 10), where the public sees none.
  await plumesAt(1_200, 10, 10, 'valid', 0);
  await plumesAt(300, 20, 20, 'published', 2_000);
  await ctx.db.query(sql`ANALYZE plumes`);
}, 120_000);
afterAll(() => ctx?.close());

describe('STAC numberMatched (decision 0030)', () => {
  it('counts exactly, never estimates, where few items are visible, whatever the planner expects from rows the viewer cannot see', async () => {
    // The planner, from statistics over every row, expects published plumes where there are none…
    const [plan] = await ctx.db.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(sql`
      EXPLAIN (FORMAT JSON) SELECT 1 FROM plumes p WHERE p.status = 'published' AND ST_Intersects(p.geometry, ST_MakeEnvelope(9, 9, 11, 11, 4326))`);
    expect(plan!['QUERY PLAN'][0].Plan['Plan Rows']).toBeGreaterThan(50);
    // …so with a cap of 50 its estimate would read "more than the cap": the visible answer (0) is given instead.
    expect(await countItems(ctx.db, ANONYMOUS, within([9, 9, 11, 11]), 50)).toBe(0);
    expect(await countItems(ctx.db, ANONYMOUS, within([19, 19, 21, 21]), 50)).toBe(300);
    // The owner sees the unpublished ones: over ALWAYS_COUNTED of them, and the planner expects over the cap.
    const ownerCount = await countItems(ctx.db, { organizationId: ownerId }, within([9, 9, 11, 11]), 50);
    expect(ALWAYS_COUNTED).toBe(1_000);
    expect(ownerCount).toBeGreaterThan(ALWAYS_COUNTED);
    expect(Math.abs(ownerCount - 1_200)).toBeLessThan(300);
  });
});
