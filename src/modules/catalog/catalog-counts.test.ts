import sql, { raw } from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import { loadDemoCatalog } from './demo/demo.service.js';
import { nearbyCellKeys, pointCellKey } from './nearby-cells.js';
import { candidateCellKey, cellRow, NEWEST_SCANNED, selectNearbyAmongNewest, selectNearbyByDistance } from './plumes.queries.js';

/*
 * The catalog's pages read counts and page ids from covering indexes and maintained counts
 * (decision 0018). Every answer here is checked against plain SQL over the plumes table — count(*)
 * and ORDER BY … LIMIT … OFFSET — written without any of the catalog's query code.
 */
let ctx: TestContext;
let acme: TestOrganization;
let acmeKey: string;
let rivalKey: string;
let acmeReaderKey: string; // Acme's read-only key: sees what everyone sees

const BOX = [-120, 31, -101, 36] as const;
const YEAR = ['2021-01-01T00:00:00Z', '2021-12-31T23:59:59.001Z'] as const;

interface Scenario {
  name: string;
  query: string;
  /** The same filter as plain SQL on plumes, visibility aside; `$org` stands for the viewer's organization. */
  where: string;
  box?: boolean | readonly [number, number, number, number];
  offset?: number;
}

const within = (box: readonly number[]) => `ST_X(geometry) BETWEEN ${box[0]} AND ${box[2]} AND ST_Y(geometry) BETWEEN ${box[1]} AND ${box[3]}`;
const bboxQuery = BOX.map((v) => `bbox=${v}`).join('&');
// Edges off the 1/8-degree grid of the time cells (decision 0025): the cells they cut are counted row by row.
const CUT = [-118.31, 31.77, -102.29, 33.93] as const;
const cutQuery = CUT.map((v) => `bbox=${v}`).join('&');
const SCENARIOS: Scenario[] = [
  { name: 'bbox + datetime + sector', query: `${bboxQuery}&datetime=2021-01-01T00:00:00Z/2021-12-31T23:59:59Z&sectors=1B2`, where: `"datetime" >= '${YEAR[0]}' AND "datetime" < '${YEAR[1]}' AND sector = '1B2'`, box: true },
  { name: 'no filter', query: '', where: 'true' },
  { name: 'no filter, deep offset', query: 'offset=150', where: 'true', offset: 150 },
  { name: 'bbox only', query: bboxQuery, where: 'true', box: true },
  { name: 'a status', query: 'status=publish_ready', where: `status = 'publish_ready'` },
  {
    name: 'every filter',
    query: `${bboxQuery}&datetime=2019-01-01T00:00:00Z/2024-12-31T23:59:59Z&sectors=1B2&sectors=6A&sectors=NULL&plume_gas=CH4&instruments=GAO&instruments=av3&instruments=tan&emission_min=50&emission_max=100000&has_phme=false`,
    where: `"datetime" >= '2019-01-01T00:00:00Z' AND "datetime" < '2024-12-31T23:59:59.001Z' AND (sector IN ('1B2', '6A') OR sector IS NULL) AND gas = 'CH4'
      AND instrument IN ('GAO', 'av3', 'tan') AND phme_candidate IS NOT TRUE
      AND (CASE WHEN NOT hide_emission OR organization_id IS NOT DISTINCT FROM $org THEN emission_auto END) BETWEEN 50 AND 100000`,
    box: true,
  },
  // Answered by the time cells (sector, gas, instrument, dates, box) with exact edges.
  {
    name: 'cut box, months covered in part (the uncovered part is shorter)',
    query: `${cutQuery}&datetime=2020-01-03T05:00:00Z/2020-12-25T12:00:00Z&sectors=1B2&sectors=NULL&plume_gas=CH4&instruments=ssc&instruments=av3&instruments=GAO`,
    where: `"datetime" >= '2020-01-03T05:00:00Z' AND "datetime" < '2020-12-25T12:00:00.001Z' AND (sector = '1B2' OR sector IS NULL) AND gas = 'CH4' AND instrument IN ('ssc', 'av3', 'GAO')`,
    box: CUT,
  },
  {
    name: 'cut box, a few days inside one month (the covered part is shorter)',
    query: 'bbox=-119.41&bbox=35.2&bbox=-119.27&bbox=35.33&datetime=2020-12-10/2020-12-16',
    where: `"datetime" >= '2020-12-10T00:00:00Z' AND "datetime" < '2020-12-17T00:00:00Z'`,
    box: [-119.41, 35.2, -119.27, 35.33],
  },
  { name: 'open-ended dates, no box', query: 'datetime=2022-02-15T00:00:00Z/..&sectors=6A', where: `"datetime" >= '2022-02-15T00:00:00Z' AND sector = '6A'` },
  { name: 'whole months, cut box', query: `${cutQuery}&datetime=2020-01-01/2021-06-30&plume_gas=CH4`, where: `"datetime" >= '2020-01-01' AND "datetime" < '2021-07-01' AND gas = 'CH4'`, box: CUT },
  // Decision 0044: 2019 taken whole less its first months, 2020–2022 whole, February 2023 in part.
  {
    name: 'years taken whole and in part, cut box',
    query: `${cutQuery}&datetime=2019-03-10T00:00:00Z/2023-02-20T00:00:00Z&sectors=1B2&sectors=6A`,
    where: `"datetime" >= '2019-03-10T00:00:00Z' AND "datetime" < '2023-02-20T00:00:00.001Z' AND sector IN ('1B2', '6A')`,
    box: CUT,
  },
  { name: 'to the last day a request may name, cut box', query: `${cutQuery}&datetime=2020-06-01T00:00:00Z/9999-12-31T00:00:00Z&sectors=6A`, where: `"datetime" >= '2020-06-01T00:00:00Z' AND "datetime" < '9999-12-31T00:00:00.001Z' AND sector = '6A'`, box: CUT },
  { name: 'up to a date, no box', query: 'datetime=../2021-04-20T00:00:00Z&plume_gas=CO2', where: `"datetime" < '2021-04-20T00:00:00.001Z' AND gas = 'CO2'` },
  { name: 'a box smaller than a cell', query: 'bbox=-102.5&bbox=31.6&bbox=-102.39&bbox=31.72', where: 'true', box: [-102.5, 31.6, -102.39, 31.72] },
];

function visible(org: string | null) {
  return org ? `(status = 'published' OR organization_id = '${org}') AND status <> 'deleted'` : `status = 'published'`;
}

function boxOf(scenario: Scenario) {
  if (!scenario.box) return 'true';
  return within(scenario.box === true ? BOX : scenario.box);
}

async function expected(scenario: Scenario, org: string | null) {
  const where = `${visible(org)} AND ${scenario.where.replaceAll('$org', org ? `'${org}'::uuid` : 'NULL::uuid')}`;
  const [counts] = await ctx.db.query<{ total: number; in_bbox: number }>(
    sql`SELECT count(*)::int AS total, count(*) FILTER (WHERE ${raw(boxOf(scenario))})::int AS in_bbox FROM plumes WHERE ${raw(where)}`,
  );
  const ids = await ctx.db.query<{ id: string }>(
    sql`SELECT id FROM plumes WHERE ${raw(where)} AND ${raw(boxOf(scenario))} ORDER BY "datetime" DESC, plume_id DESC, id LIMIT 100 OFFSET ${scenario.offset ?? 0}`,
  );
  return { total: counts!.total, inBox: counts!.in_bbox, ids: ids.map((row) => row.id) };
}

async function page(scenario: Scenario, key?: string) {
  const response = await ctx.request({ method: 'GET', url: `/api/v1/catalog/plumes/annotated?limit=100&${scenario.query}`, ...(key ? { key } : {}) });
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json() as { total_count: number; bbox_count: number; items: { id: string }[] };
  return { total: body.total_count, inBox: body.bbox_count, ids: body.items.map((item) => item.id) };
}

async function countsByOwnerAndStatus() {
  const maintained = await ctx.db.query(sql`SELECT organization_id, status, plumes::int AS plumes FROM plume_counts WHERE plumes <> 0 ORDER BY 1, 2`);
  const counted = await ctx.db.query(sql`SELECT organization_id, status, count(*)::int AS plumes FROM plumes GROUP BY 1, 2 ORDER BY 1, 2`);
  return { maintained, counted };
}

/** The month cells (migration 0050) or the year cells (0059) against GROUP BY over the plumes, cell and period computed here from the coordinates. */
async function cellsPer(period: 'month' | 'year') {
  const [table, format] = period === 'month' ? ['plume_time_cells', 'YYYY-MM-01'] : ['plume_year_cells', 'YYYY-01-01'];
  const maintained = await ctx.db.query(sql`
    SELECT organization_id, status, ${raw(period)}::text AS period, cell, sector, gas, instrument, plumes::int AS plumes FROM ${raw(table)} ORDER BY 1, 2, 3, 4, 5, 6, 7`);
  const counted = await ctx.db.query(sql`
    SELECT organization_id, status, to_char("datetime" AT TIME ZONE 'UTC', ${format}) AS period,
      (floor(ST_Y(geometry) * 8)::int + 720) * 4096 + (floor(ST_X(geometry) * 8)::int + 1440) AS cell, sector, gas, instrument, count(*)::int AS plumes
    FROM plumes GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7`);
  return { maintained, counted };
}

beforeAll(async () => {
  ctx = await createTestContext();
  acme = await ctx.organization('Acme');
  acmeKey = await acme.key(['catalog:read', 'catalog:write']);
  rivalKey = await (await ctx.organization('Rival')).key(['catalog:read', 'catalog:write']);
  acmeReaderKey = await acme.key(['catalog:read']);
  await loadDemoCatalog(ctx.db, { plumes: 600, seed: 5, organizationId: null });
  await loadDemoCatalog(ctx.db, { plumes: 200, seed: 11, organizationId: acme.id });
  // Some of everything the visibility rule distinguishes: hidden emissions, hidden and deleted plumes.
  await ctx.db.query(sql`UPDATE plumes SET hide_emission = true WHERE organization_id = ${acme.id} AND plume_id LIKE '%-A' AND status = 'published'`);
  await ctx.db.query(sql`UPDATE plumes SET status = 'hidden' WHERE organization_id = ${acme.id} AND plume_id LIKE '%-B' AND status <> 'published'`);
  await ctx.db.query(sql`UPDATE plumes SET status = 'deleted' WHERE organization_id = ${acme.id} AND plume_id LIKE '%-C' AND status <> 'published'`);
});
afterAll(() => ctx?.close());

describe('catalog pages against plain SQL', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: the counts are count(*) and the page is the same rows in the same order, for every viewer`, async () => {
      for (const [key, org] of [[undefined, null], [acmeKey, acme.id], [rivalKey, null], [acmeReaderKey, null]] as const) {
        const want = await expected(scenario, org);
        if (scenario.name !== 'a status' || org) expect(want.inBox, 'the fixture matches this filter').toBeGreaterThan(0);
        if (scenario.box && scenario.box !== true) expect(want.inBox, 'the box leaves some out').toBeLessThan(want.total);
        const got = await page(scenario, key);
        expect({ total: got.total, inBox: got.inBox }).toEqual({ total: want.total, inBox: scenario.box ? want.inBox : want.total });
        expect(got.ids).toEqual(want.ids);
      }
    });
  }

  it('another organization sees none of Acme’s unpublished plumes in the counts', async () => {
    const acmeOwn = await page({ name: '', query: '', where: 'true' }, acmeKey);
    const rivals = await page({ name: '', query: '', where: 'true' }, rivalKey);
    const [unpublished] = await ctx.db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM plumes WHERE organization_id = ${acme.id} AND status NOT IN ('published', 'deleted')`);
    expect(unpublished!.n).toBeGreaterThan(0);
    expect(acmeOwn.total - rivals.total).toBe(unpublished!.n);
  });

  it('a bad filter is refused and an unknown key is not let in', async () => {
    expect((await ctx.request({ method: 'GET', url: '/api/v1/catalog/plumes/annotated?bbox=1&bbox=2' })).statusCode).toBe(422);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/catalog/plumes/annotated', key: 'ca_not_a_key' })).statusCode).toBe(401);
  });
});

type PageItem = { id: string; gas: string; geometry_json: { coordinates: number[] } };

/** The page's plumes as selectNearbyAmongNewest takes them: where the page found them. */
const originsOf = (items: PageItem[]) => items.map(({ id, gas, geometry_json: { coordinates } }) => ({ id, longitude: coordinates[0]!, latitude: coordinates[1]!, gas }));

/** Plain SQL for nearby_items: visible plumes of the same gas within 1 km of a page plume, newest 100. */
async function expectedNearby(pageIds: string[], org: string | null) {
  const rows = await ctx.db.query<{ id: string }>(sql`
    SELECT n.id FROM plumes n WHERE ${raw(visible(org).replaceAll('status', 'n.status').replaceAll('organization_id', 'n.organization_id'))}
      AND NOT (n.id = ANY(${pageIds}::uuid[]))
      AND EXISTS (SELECT 1 FROM plumes o WHERE o.id = ANY(${pageIds}::uuid[]) AND o.gas = n.gas AND ST_DWithin(o.geometry::geography, n.geometry::geography, 1000))
    ORDER BY n."datetime" DESC, n.plume_id DESC LIMIT 100`);
  return rows.map((row) => row.id);
}

describe('nearby_items against plain SQL', () => {
  it('are the newest visible plumes of the same gas within 1 km, whichever way they are looked for', async () => {
    for (const [key, org] of [[undefined, null], [acmeKey, acme.id]] as const) {
      for (const scenario of SCENARIOS) {
        const response = await ctx.request({ method: 'GET', url: `/api/v1/catalog/plumes/annotated?limit=100&${scenario.query}`, ...(key ? { key } : {}) });
        const body = response.json() as { items: PageItem[]; nearby_items: { id: string }[] };
        const pageIds = body.items.map((item) => item.id);
        const origins = originsOf(body.items);
        if (!pageIds.length) continue;
        const want = await expectedNearby(pageIds, org);
        expect(body.nearby_items.map((item) => item.id)).toEqual(want);
        const viewer = { organizationId: org };
        // Each way alone: among the newest (exact when it fills the limit) and outwards by distance.
        const newest = (await selectNearbyAmongNewest(ctx.db, origins, viewer, 1000, 100)).map((row) => row.id);
        expect(want.slice(0, newest.length)).toEqual(newest);
        expect((await selectNearbyByDistance(ctx.db, pageIds, viewer, 1000, 100)).map((row) => row.id)).toEqual(want);
        const few = (await selectNearbyAmongNewest(ctx.db, origins, viewer, 1000, 3)).map((row) => row.id);
        expect(few).toEqual(want.slice(0, few.length));
      }
    }
  });
});

describe('nearby cells', () => {
  it('are keyed alike in SQL and in the service, on every side of the equator, the meridian and the bands', async () => {
    const points = [
      [0, 0], [-0.001, -0.001], [179.9999, 89.99], [-179.9999, -89.99], [-118.3125, 31.77], [12.3456789, 59.99999], [12.3456789, 60.00001],
      [-45.0039, -74.999], [100.0001, 75.001], [3.1, -82.4999], [3.1, 82.5001], [-0.00390625, -0.00390625], [0.00390625, 0.00390625],
    ];
    for (const gas of ['CH4', 'CO2']) {
      const keys = await ctx.db.query<{ key: string }>(sql`
        SELECT (${candidateCellKey(sql`x`, cellRow(sql`y`), sql`${gas}::text`)})::text AS key
        FROM unnest(${points.map((p) => p[0])}::float8[], ${points.map((p) => p[1])}::float8[]) WITH ORDINALITY AS point(x, y, n) ORDER BY n`);
      expect(keys.map((row) => Number(row.key))).toEqual(points.map(([x, y]) => pointCellKey(x!, y!, gas)));
    }
  });

  it('hold every point the exact test accepts, up to its edges: the box (float4 rounding included) and 1 km on the spheroid', async () => {
    // Page plumes at the poles' clamp, the antimeridian, the longitude bands' edges, cell edges and the equator.
    const pages = [
      [0, 0], [-0.001, -0.001], [100, -0.0045], [179.995, 0.0045], [12.3, 59.996], [12.3, -60], [45, 74.999], [45, 82.499], [-100, -82.5],
      [0, 89.427], [30, 89.9999], [0, -89.99], [179.5, 89.5], [-179.995, -89.995], [-118.3125, 31.77], [-179.5, -89.43],
      // Near a pole the box (its reach clamped at cos 0.01) is narrower than 1 km: boxes whose east or
      // west edge stops 1e-7 degree short of a cell's edge (100.5 = 402 / 4 there), which `&&`, rounding to float4, lets candidates cross.
      [100.5 - 1000 / 111000 / 0.01 - 1e-7, 89.5], [100.5 + 1000 / 111000 / 0.01 + 1e-7, 89.5],
    ];
    let accepted = 0;
    for (const [x, y] of pages) {
      // Candidates stepping out across the box's edge in longitude and across 1 km in latitude, and a grid inside.
      const rows = await ctx.db.query<{ x: number; y: number; key: string }>(sql`
        WITH o AS (SELECT ST_SetSRID(ST_MakePoint(${x}::float8, ${y}::float8), 4326) AS geometry),
        page AS (SELECT geometry, geometry::geography AS place, (1000::float8 / 111000.0 / GREATEST(cos(radians(ST_Y(geometry))), 0.01)) AS reach FROM o),
        candidates AS (
          SELECT ST_SetSRID(ST_MakePoint(cx, cy), 4326) AS g FROM page,
            LATERAL (SELECT ${x}::float8 + side * (page.reach + k * 2e-6) AS cx FROM generate_series(-20, 20) k, (VALUES (-1), (1)) AS sides(side)
                     UNION ALL SELECT ${x}::float8 + i * page.reach / 8 FROM generate_series(-8, 8) i) xs,
            LATERAL (SELECT ${y}::float8 + side * (0.00904 + k * 2e-6) AS cy FROM generate_series(-12, 12) k, (VALUES (-1), (1)) AS sides(side)
                     UNION ALL SELECT ${y}::float8 + i * 0.001 FROM generate_series(-8, 8) i) ys
          WHERE cy BETWEEN -90 AND 90 AND cx BETWEEN -180 AND 180)
        SELECT ST_X(c.g) AS x, ST_Y(c.g) AS y, (${candidateCellKey(sql`ST_X(c.g)`, cellRow(sql`ST_Y(c.g)`), sql`'CH4'::text`)})::text AS key
        FROM candidates c, page o
        WHERE c.g && ST_Expand(o.geometry, o.reach) AND ST_DWithin(o.place, c.g::geography, 1000)`);
      const keys = new Set(nearbyCellKeys([{ longitude: x!, latitude: y!, gas: 'CH4' }], 1000));
      expect(rows.filter((row) => !keys.has(Number(row.key)))).toEqual([]);
      accepted += rows.length;
    }
    expect(accepted).toBeGreaterThan(pages.length * 100);
  });

  it('leave the newest neighbours as plain SQL finds them among the newest, to the last one', async () => {
    const response = await ctx.request({ method: 'GET', url: `/api/v1/catalog/plumes/annotated?limit=50&${bboxQuery}` });
    const items = (response.json() as { items: PageItem[] }).items;
    const origins = originsOf(items);
    const ids = origins.map((origin) => origin.id);
    const expected = await ctx.db.query<{ id: string }>(sql`
      SELECT n.id FROM (SELECT * FROM plumes WHERE status = 'published' ORDER BY "datetime" DESC, plume_id DESC LIMIT ${NEWEST_SCANNED}) n
      WHERE NOT (n.id = ANY(${ids}::uuid[]))
        AND EXISTS (SELECT 1 FROM plumes o WHERE o.id = ANY(${ids}::uuid[]) AND o.gas = n.gas AND ST_DWithin(o.geometry::geography, n.geometry::geography, 1000))
      ORDER BY n."datetime" DESC, n.plume_id DESC`);
    expect(expected.length).toBeGreaterThan(0);
    const found = await selectNearbyAmongNewest(ctx.db, origins, { organizationId: null }, 1000, NEWEST_SCANNED);
    expect(found.map((row) => row.id)).toEqual(expected.map((row) => row.id));
  });
});

describe('maintained counts per owner and status', () => {
  it('equal count(*) after inserts, status moves, owner changes, deletions and a rollback (per owner and status, and per month and year cell)', async () => {
    expect((await countsByOwnerAndStatus()).maintained).toEqual((await countsByOwnerAndStatus()).counted);
    for (const period of ['month', 'year'] as const) expect((await cellsPer(period)).maintained).toEqual((await cellsPer(period)).counted);
    await ctx.db.query(sql`UPDATE plumes SET status = 'published', published_at = now() WHERE organization_id = ${acme.id} AND status = 'publish_ready' AND plume_id LIKE '%-A'`);
    await ctx.db.query(sql`UPDATE plumes SET notes = 'checked' WHERE plume_id LIKE '%-A'`);
    await ctx.db.query(sql`UPDATE plumes SET status = 'hidden' WHERE organization_id IS NULL AND plume_id LIKE '%-B'`);
    // A move to another cell and month, and a sector change: the time cells follow.
    await ctx.db.query(sql`UPDATE plumes SET geometry = ST_SetSRID(ST_MakePoint(ST_X(geometry) + 0.3, ST_Y(geometry) - 0.2), 4326), "datetime" = "datetime" - interval '40 days' WHERE plume_id LIKE '%-A'`);
    await ctx.db.query(sql`UPDATE plumes SET sector = NULL WHERE plume_id LIKE '%-D' AND sector = '6A'`);
    await ctx.db.transaction(async (tx) => {
      await tx.query(sql`DELETE FROM plumes WHERE organization_id = ${acme.id} AND status = 'deleted'`);
      await tx.query(sql`UPDATE plumes SET organization_id = NULL WHERE organization_id = ${acme.id} AND plume_id LIKE '%-D'`);
    });
    await expect(ctx.db.transaction(async (tx) => {
      await tx.query(sql`DELETE FROM plumes WHERE organization_id IS NULL AND status = 'hidden'`);
      throw new Error('rolled back');
    })).rejects.toThrow('rolled back');
    await loadDemoCatalog(ctx.db, { plumes: 100, seed: 23, organizationId: acme.id });
    const { maintained, counted } = await countsByOwnerAndStatus();
    expect(maintained).toEqual(counted);
    for (const period of ['month', 'year'] as const) {
      const cells = await cellsPer(period);
      expect(cells.maintained).toEqual(cells.counted);
      expect(cells.maintained.length, period).toBeGreaterThan(0);
    }
  });
});

describe('after a bulk load', () => {
  it('the planner statistics already count every plume, scene and time cell (no wait for autovacuum)', async () => {
    const stats = await ctx.db.query<{ relname: string; reltuples: number; rows: number }>(sql`
      SELECT c.relname, c.reltuples::int AS reltuples,
        CASE c.relname WHEN 'plumes' THEN (SELECT count(*) FROM plumes) WHEN 'scenes' THEN (SELECT count(*) FROM scenes)
          WHEN 'plume_time_cells' THEN (SELECT count(*) FROM plume_time_cells) ELSE (SELECT count(*) FROM plume_year_cells) END::int AS rows
      FROM pg_class c WHERE c.relname IN ('plumes', 'scenes', 'plume_time_cells', 'plume_year_cells') AND c.relkind = 'r' ORDER BY 1`);
    expect(stats).toHaveLength(4);
    for (const table of stats) expect(table.reltuples, table.relname).toBe(table.rows);
  });

  it.runIf(process.env.DATABASE_URL)('on PostgreSQL the new pages are vacuumed: index-only scans need not read the heap (no wait for autovacuum)', async () => {
    const vacuums = () =>
      ctx.db.query<{ relname: string; vacuums: number; visible: number }>(sql`
        SELECT c.relname, s.vacuum_count::int AS vacuums, c.relallvisible::int AS visible
        FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.relname IN ('plumes', 'scenes', 'plume_time_cells', 'plume_year_cells') ORDER BY 1`);
    const before = await vacuums();
    await loadDemoCatalog(ctx.db, { plumes: 300, seed: 29, organizationId: null });
    const after = await vacuums();
    expect(after.map((t) => t.relname)).toEqual(['plume_time_cells', 'plume_year_cells', 'plumes', 'scenes']);
    for (const [i, table] of after.entries()) expect(table.vacuums, table.relname).toBe(before[i]!.vacuums + 1);
    expect(after.find((t) => t.relname === 'plumes')!.visible).toBeGreaterThan(0);
  });
});
