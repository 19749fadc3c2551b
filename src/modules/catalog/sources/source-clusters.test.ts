import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../../test/support/test-app.js';
import { insertScenes, upsertPlumes, type PlumeValues } from '../catalog-writes.queries.js';
import { fixturePlume, SCENES } from '../catalog.fixture.js';
import { ANONYMOUS, plumeLetter } from '../plume-filter.js';
import { visiblePlumes } from '../visible-plumes.queries.js';
import { backgroundRebuildsSettled, feature, listSources, type SourceQuery } from './sources.service.js';
import { expectListsExact } from './source-lists.fixture.js';
import { refreshSourceClusters } from './source-cluster-refresh.queries.js';

/*
 * Migration 0054 keeps DBSCAN (eps 100 m, minpoints 1) of the published plumes clustered, refreshed
 * from the changes writers mark. After random sequences of plume and scene changes, the maintained
 * clusters must be those a fresh ST_ClusterDBSCAN finds over the same plumes, and every source
 * answer (names, plume ids, figures, scene dates) that of clustering on demand, for every filter.
 */
let ctx: TestContext;
let acme: TestOrganization;
let other: TestOrganization;

/** Deterministic pseudo-random numbers (mulberry32), so a failing sequence can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(21);
const pick = <T>(values: readonly T[]): T => values[Math.floor(rand() * values.length)]!;

// Spots 60–250 m apart (so chains form, bridge and break), and two across a UTM zone border (-72°).
const SPOTS: [number, number][] = [[-74, 40.7], [-74.0012, 40.7004], [-74.0025, 40.7], [-74.02, 40.71], [-72.0004, 40.7], [-71.9996, 40.7]];
const METRE = 1 / 85_000; // about a metre of longitude at 40.7°N
let serial = 0;

// A sparse line, 600 m long: gaps of 70–100 m between neighbours are common.
const LINE: [number, number] = [-73.9, 40.75];

function newPlume(): PlumeValues {
  const sparse = rand() < 0.25;
  const [lon, lat] = sparse ? LINE : pick(SPOTS);
  const n = serial++;
  const owner = pick([acme.id, acme.id, other.id]);
  const published = rand() < 0.6;
  return fixturePlume(owner, crypto.randomUUID(), n % 5, plumeLetter(n), {
    longitude: lon + (rand() - 0.5) * (sparse ? 600 : 120) * METRE,
    latitude: lat + (rand() - 0.5) * (sparse ? 5 : 60) * METRE,
    gas: rand() < 0.85 ? 'CH4' : 'CO2',
    sector: pick(['6A', '6A', '1B2', null]),
    emission_auto: Math.round(rand() * 1000),
    emission_uncertainty_auto: Math.round(rand() * 100),
    status: published ? 'published' : pick(['valid', 'publish_ready']),
    published_at: published ? new Date('2024-03-01T00:00:00Z') : null,
  });
}

async function somePlume(condition = sql`true`): Promise<string | undefined> {
  const rows = await ctx.db.query<{ id: string }>(sql`SELECT id FROM plumes WHERE ${condition} ORDER BY id`);
  return rows.length ? pick(rows).id : undefined;
}

/** One random change, through the same statements the catalog's writers use. */
async function randomChange(): Promise<unknown> {
  const kind = pick(['create', 'create', 'import', 'publish', 'unpublish', 'move', 'hide', 'delete', 'remove', 'regroup', 'mask', 'reassess', 'retime', 'curate', 'scene']);
  if (kind === 'create') return upsertPlumes(ctx.db, [newPlume()]);
  if (kind === 'import') return upsertPlumes(ctx.db, Array.from({ length: 5 + Math.floor(rand() * 20) }, newPlume));
  if (kind === 'scene') {
    const scene = pick(SCENES.slice(0, 5));
    return ctx.db.query(sql`UPDATE scenes SET status = ${pick(['published', 'valid', 'hidden'])} WHERE id = ${scene.id}`);
  }
  const id = await somePlume(kind === 'publish' ? sql`status <> 'published' AND status <> 'deleted'` : kind === 'unpublish' || kind === 'hide' ? sql`status = 'published'` : sql`true`);
  if (!id) return;
  if (kind === 'publish') return ctx.db.query(sql`UPDATE plumes SET status = 'published', published_at = now() WHERE id = ${id}`);
  if (kind === 'unpublish') return ctx.db.query(sql`UPDATE plumes SET status = 'publish_ready' WHERE id = ${id}`);
  if (kind === 'hide') return ctx.db.query(sql`UPDATE plumes SET status = 'hidden' WHERE id = ${id}`);
  if (kind === 'delete') return ctx.db.query(sql`UPDATE plumes SET status = 'deleted' WHERE id = ${id}`);
  if (kind === 'remove') return ctx.db.query(sql`DELETE FROM plumes WHERE id = ${id}`);
  if (kind === 'mask') return ctx.db.query(sql`UPDATE plumes SET hide_emission = NOT hide_emission WHERE id = ${id}`);
  if (kind === 'reassess') return ctx.db.query(sql`UPDATE plumes SET emission_auto = ${Math.round(rand() * 1000)}, emission_uncertainty_auto = NULL WHERE id = ${id}`);
  if (kind === 'retime') return ctx.db.query(sql`UPDATE plumes SET "datetime" = ${SCENES[Math.floor(rand() * 5)]!.timestamp}, published_at = CASE WHEN published_at IS NOT NULL THEN now() END WHERE id = ${id}`);
  if (kind === 'regroup') return ctx.db.query(sql`UPDATE plumes SET sector = ${pick(['6A', '1B2'])} WHERE id = ${id}`);
  if (kind === 'curate') return ctx.db.query(sql`UPDATE plumes SET notes = ${`checked ${serial++}`} WHERE id = ${id}`);
  const [lon, lat] = pick(SPOTS);
  return ctx.db.query(sql`UPDATE plumes SET geometry = ST_SetSRID(ST_MakePoint(${lon + (rand() - 0.5) * 200 * METRE}, ${lat + (rand() - 0.5) * 100 * METRE}), 4326) WHERE id = ${id}`);
}

/** Clusters as sorted lists of sorted plume ids, comparable whatever their numbering. */
const canonical = (rows: { plume: string; cluster: string }[]) => {
  const groups = new Map<string, string[]>();
  for (const row of rows) groups.set(row.cluster, [...(groups.get(row.cluster) ?? []), row.plume]);
  return [...groups.values()].map((g) => g.sort().join(' ')).sort();
};

async function expectClustersExact() {
  await refreshSourceClusters(ctx.db);
  const maintained = await ctx.db.query<{ plume: string; cluster: string }>(sql`SELECT plume::text, cluster::text FROM source_members`);
  const fresh = await ctx.db.query<{ plume: string; cluster: string }>(sql`
    SELECT id::text AS plume, concat_ws(' ', gas, sec, srid, ST_ClusterDBSCAN(ST_Transform(geometry, srid), 100, 1) OVER (PARTITION BY gas, sec, srid)) AS cluster
    FROM (SELECT p.*, COALESCE(p.sector, 'NULL') AS sec,
            (CASE WHEN ST_Y(p.geometry) >= 0 THEN 32600 ELSE 32700 END) + LEAST(60, floor((ST_X(p.geometry) + 180) / 6)::int + 1) AS srid
          FROM plumes p WHERE p.status = 'published') p`);
  expect(canonical(maintained)).toEqual(canonical(fresh));
  // Each member holds its plume's answer and filtered fields as an anonymous viewer reads them.
  const stale = await ctx.db.query(sql`
    SELECT m.plume FROM source_members m LEFT JOIN ${visiblePlumes(ANONYMOUS)} p ON p.id = m.plume
    WHERE (m.plume_id, m.geometry, m."datetime", m.published_at, m.emission_auto, m.emission_uncertainty_auto, NULLIF(m.sector, 'NULL'), m.gas)
      IS DISTINCT FROM (p.plume_id, p.geometry, p."datetime", p.published_at, p.emission_auto, p.emission_uncertainty_auto, p.sector, p.gas)`);
  expect(stale).toEqual([]);
  // Each stored answer counts its members, and nothing is left to refresh.
  const [check] = await ctx.db.query<{ miscounted: number; dirty: number }>(sql`
    SELECT (SELECT count(*) FROM source_clusters c WHERE c.plume_count <> (SELECT count(*) FROM source_members m WHERE m.cluster = c.id)
              OR c.plume_count <> cardinality(c.plume_ids))::int AS miscounted,
           ((SELECT count(*) FROM source_dirty_plumes) + (SELECT count(*) FROM source_dirty_footprints))::int AS dirty`);
  expect(check).toEqual({ miscounted: 0, dirty: 0 });
}

const QUERIES: Partial<SourceQuery>[] = [
  {},
  { bbox: [-74.0015, 40.69, -73.99, 40.71] },
  { bbox: [-74.1, 40.6, -73.8, 40.8] },
  { datetime: '2024-01-15T00:00:00Z/2024-02-10T00:00:00Z' },
  // Bounds inside a day holding two scenes (15:00 and 17:00), on an instant at either end (a start
  // takes it; an end written to the millisecond before leaves it out), and an open start.
  { datetime: '2024-01-20T16:00:00Z/2024-02-15T15:00:00Z' },
  { datetime: '2024-01-20T15:00:00Z/2024-02-15T14:59:59.999Z' },
  { datetime: '../2024-01-20T15:00:00.001Z', bbox: [-74.0015, 40.69, -73.99, 40.71] },
  // A start on the instant of a scene alone on its day (C, 2024-02-01 15:00, wide).
  { datetime: '2024-02-01T15:00:00Z/..' },
  { sectors: ['6A'] },
  { status: 'all' },
  { status: 'published' },
  { emission_min: 300 },
  { published_at_datetime: '2024-01-01T00:00:00Z/2024-06-01T00:00:00Z', bbox: [-74.01, 40.69, -71.9, 40.72] },
  { instruments: ['GAO'], plume_gas: 'CH4' },
  { plume_gas: 'CO2', sectors: ['6A', 'NULL'] },
  { sectors: ['NULL'], emission_max: 600, datetime: '2024-01-10T00:00:00Z/..', bbox: [-74.01, 40.69, -73.99, 40.71] },
];

/** The maintained clustering, and others clustered from the members (minpoints 1, another eps). */
const CLUSTERINGS = [{ eps: 100 }, { eps: 60 }, { eps: 150 }];

async function expectSourcesExact() {
  for (const query of QUERIES.flatMap((q) => CLUSTERINGS.map((clustering) => ({ ...clustering, ...q })))) {
    const full = { minpoints: 1, status: 'not_deleted', ...query } as SourceQuery;
    const sources = await listSources(ctx.db, full, ANONYMOUS);
    // The answer refreshed the clusters itself (a failed refresh would have clustered on demand).
    const [dirty] = await ctx.db.query<{ n: number }>(sql`SELECT ((SELECT count(*) FROM source_dirty_plumes) + (SELECT count(*) FROM source_dirty_footprints))::int AS n`);
    expect(dirty, JSON.stringify(query)).toEqual({ n: 0 });
    const fresh = await listSources(ctx.db, full, ANONYMOUS, { onDemand: true });
    expect(sources.map(feature), JSON.stringify(query)).toEqual(fresh.map(feature));
    expect(sources.map((s) => s.observationDates), JSON.stringify(query)).toEqual(fresh.map((s) => s.observationDates));
    await expectListsExact(ctx.db, full, fresh);
  }
}

beforeAll(async () => {
  ctx = await createTestContext();
  acme = await ctx.organization('Acme');
  other = await ctx.organization('Other');
  await insertScenes(ctx.db, SCENES, null);
});
afterAll(() => ctx?.close());

describe('maintained sources (migration 0054)', () => {
  it('equal a fresh ST_ClusterDBSCAN, names, figures and scene dates included, after random plume and scene changes', async () => {
    await upsertPlumes(ctx.db, Array.from({ length: 40 }, newPlume));
    for (let round = 0; round < 12; round++) {
      for (let step = 0; step < 6; step++) await randomChange();
      // Every other round the answers refresh the clusters themselves, before any direct check.
      if (round % 2) await expectSourcesExact();
      await expectClustersExact();
      await expectSourcesExact();
    }
    const [counted] = await ctx.db.query<{ plumes: number; clusters: number }>(sql`
      SELECT (SELECT count(*) FROM plumes WHERE status = 'published')::int AS plumes, (SELECT count(*) FROM source_clusters)::int AS clusters`);
    expect(counted!.plumes).toBeGreaterThan(30);
    expect(counted!.clusters).toBeGreaterThan(3);
  }, 300_000);

  it('answers sources.geojson over HTTP as clustering afresh does, and keeps another organization’s drafts out', async () => {
    await upsertPlumes(ctx.db, [newPlume(), newPlume()]);
    const response = await ctx.request({ method: 'GET', url: '/api/v1/catalog/sources.geojson' });
    expect(response.statusCode).toBe(200);
    const fresh = (await listSources(ctx.db, { eps: 100, minpoints: 1, status: 'not_deleted' } as SourceQuery, ANONYMOUS, { onDemand: true })).map(feature);
    expect(response.json().features).toEqual(fresh);
    const key = await other.key(['catalog:read', 'catalog:write']);
    const mine = await ctx.request({ method: 'GET', url: '/api/v1/catalog/sources.geojson?status=all', key });
    const seen = (mine.json().features as { properties: { plume_ids: string[] } }[]).flatMap((f) => f.properties.plume_ids);
    const acmeDrafts = await ctx.db.query<{ plume_id: string }>(sql`SELECT plume_id FROM plumes WHERE organization_id = ${acme.id} AND status <> 'published'`);
    expect(acmeDrafts.length).toBeGreaterThan(0);
    expect(seen.filter((id) => acmeDrafts.some((d) => d.plume_id === id))).toEqual([]);
  });

  it('follows a valid scene that a plume’s publication makes visible, or hides again, over another source', async () => {
    // Scene E (California, 2024-03-01) is 'valid': visible only while it holds a published plume.
    // Q is published, in another scene, under E's footprint; P, in E, lies 4 km away: its own source.
    const E = SCENES[5]!;
    const q = fixturePlume(acme.id, crypto.randomUUID(), 0, plumeLetter(serial++), { longitude: -119.5, latitude: 35.5, status: 'published' });
    const p = fixturePlume(acme.id, crypto.randomUUID(), 5, plumeLetter(serial++), { longitude: -119.45, latitude: 35.5, status: 'publish_ready', published_at: null });
    await ctx.db.query(sql`UPDATE scenes SET status = 'valid' WHERE id = ${E.id}`);
    await upsertPlumes(ctx.db, [q, p]);
    const observedByQ = async () => {
      const query = { eps: 100, minpoints: 1, status: 'not_deleted', bbox: [-119.6, 35.4, -119.4, 35.6] } as SourceQuery;
      const [maintained, fresh] = [await listSources(ctx.db, query, ANONYMOUS), await listSources(ctx.db, query, ANONYMOUS, { onDemand: true })];
      expect(maintained.map(feature)).toEqual(fresh.map(feature));
      const source = maintained.find((s) => s.row.plume_ids.includes(q.plume_id))!;
      expect(source.observationDates).toEqual(fresh.find((s) => s.row.plume_ids.includes(q.plume_id))!.observationDates);
      return source.observationDates;
    };
    expect(await observedByQ()).not.toContain('2024-03-01');
    await ctx.db.query(sql`UPDATE plumes SET status = 'published', published_at = now() WHERE id = ${p.id}`);
    expect(await observedByQ()).toContain('2024-03-01');
    await ctx.db.query(sql`UPDATE plumes SET status = 'publish_ready' WHERE id = ${p.id}`);
    expect(await observedByQ()).not.toContain('2024-03-01');
  });

  it('dates the new centre of a cluster a filter cuts by the scenes whose footprint crosses the cluster', async () => {
    // Scenes B and B2 (2024-01-20) have their west edge at -74.02. A lies 60 m west of it, Z 30 m
    // east: one source, centred west of the edge. A time filter that keeps Z alone centres it inside.
    const at = (metres: number, day: string) => fixturePlume(acme.id, crypto.randomUUID(), 2, plumeLetter(serial++), {
      longitude: -74.02 + metres * METRE, latitude: 40.695, sector: '1B1a', status: 'published', datetime: new Date(`${day}T12:00:00Z`),
    });
    const [a, z] = [at(-60, '2024-03-05'), at(30, '2024-01-22')];
    // The random changes above may have hidden some of them.
    await ctx.db.query(sql`UPDATE scenes SET status = 'published' WHERE id = ANY(${SCENES.slice(0, 5).map((s) => s.id)}::uuid[])`);
    await upsertPlumes(ctx.db, [a, z]);
    const dates = async (datetime?: string) => {
      const query = { eps: 100, minpoints: 1, status: 'not_deleted', sectors: ['1B1a'], bbox: [-74.03, 40.69, -74.01, 40.7], datetime } as SourceQuery;
      const [maintained, fresh] = [await listSources(ctx.db, query, ANONYMOUS), await listSources(ctx.db, query, ANONYMOUS, { onDemand: true })];
      expect(maintained.map(feature)).toEqual(fresh.map(feature));
      expect(maintained.map((s) => s.observationDates)).toEqual(fresh.map((s) => s.observationDates));
      return maintained.map((s) => s.observationDates);
    };
    // Whole: scenes A and C (wide) cover the centre, B and B2 do not.
    expect(await dates()).toEqual([['2024-01-10', '2024-01-22', '2024-02-01', '2024-03-05']]);
    expect(await dates('2024-01-15T00:00:00Z/2024-01-25T00:00:00Z')).toEqual([['2024-01-20', '2024-01-22']]);
  });

  it('answers another eps with a stored cluster only when the filter keeps all of it and no other plume joins it', async () => {
    // At eps 100 two clusters of three, 120 m apart: A at 0, 50 and 90 m, B at 210, 260 and 300 m.
    // At eps 150 they are one. A time filter keeping 50, 90 and 210 m leaves three plumes, as many
    // as each stored cluster holds, in one new cluster made of both; one keeping 50 and 90 m, part of A.
    const at = (metres: number, day: string) => fixturePlume(acme.id, crypto.randomUUID(), 2, plumeLetter(serial++), {
      longitude: -73.95 + metres * METRE, latitude: 40.65, sector: '1B1a', status: 'published', datetime: new Date(`${day}T12:00:00Z`),
    });
    const [kept, later, left] = ['2024-02-05', '2024-02-20', '2024-03-20'];
    await upsertPlumes(ctx.db, [at(0, left), at(50, kept), at(90, kept), at(210, later), at(260, left), at(300, left)]);
    // A scene over A's centre (47 m) and one over B's (257 m), neither over the new one's (117 m),
    // nor over the centre of A's 50 and 90 m alone (70 m): dated as a stored cluster, such a new
    // source would gain one of their dates.
    const over = (name: string, west: number, east: number) => ({
      ...SCENES[0]!, id: crypto.randomUUID(), name, timestamp: new Date(`${name.slice(3, 7)}-${name.slice(7, 9)}-${name.slice(9, 11)}T10:00:00Z`),
      footprint: [-73.95 + west * METRE, 40.64, -73.95 + east * METRE, 40.66] as [number, number, number, number],
    });
    await insertScenes(ctx.db, [over('GAO20240210t100000p0000', -100, 60), over('GAO20240212t100000p0000', 200, 400)], null);
    // The random changes above may have hidden the wide scenes A and C.
    await ctx.db.query(sql`UPDATE scenes SET status = 'published' WHERE id = ANY(${SCENES.slice(0, 5).map((s) => s.id)}::uuid[])`);
    const sources = async (eps: number, datetime?: string) => {
      const query = { eps, minpoints: 1, status: 'not_deleted', sectors: ['1B1a'], bbox: [-73.96, 40.64, -73.94, 40.66], datetime } as SourceQuery;
      const [fromMembers, fresh] = [await listSources(ctx.db, query, ANONYMOUS), await listSources(ctx.db, query, ANONYMOUS, { onDemand: true })];
      expect(fromMembers.map(feature)).toEqual(fresh.map(feature));
      return fromMembers.map((s) => ({ plumes: s.row.plume_count, dates: s.observationDates }));
    };
    expect((await sources(100)).map((s) => s.plumes)).toEqual([3, 3]);
    // At eps 60 A and B stay whole: each dated as stored, by its own scene (A and C, wide, cover all).
    const byDates = (found: { dates: string[] }[]) => found.map((s) => s.dates).sort((x, y) => x.join().localeCompare(y.join()));
    expect(byDates(await sources(60))).toEqual([
      ['2024-01-10', '2024-02-01', kept, '2024-02-10', left],
      ['2024-01-10', '2024-02-01', '2024-02-12', later, left],
    ]);
    expect((await sources(150)).map((s) => s.plumes)).toEqual([6]);
    // The wide scene C (2024-02-01) covers every centre here.
    expect(await sources(150, '2024-02-01T00:00:00Z/2024-03-01T00:00:00Z')).toEqual([{ plumes: 3, dates: ['2024-02-01', kept, later] }]);
    // A's 50 and 90 m alone: part of one stored cluster, so not dated as it.
    expect(await sources(150, '2024-02-01T00:00:00Z/2024-02-15T00:00:00Z')).toEqual([{ plumes: 2, dates: ['2024-02-01', kept] }]);
  });

  // PostgreSQL only: the embedded database has one connection, so no refresh can hold the lock beside a reader.
  it.runIf(process.env.DATABASE_URL)('clusters on demand, exactly, while another refresh holds the lock', async () => {
    const published = (): PlumeValues => ({ ...newPlume(), status: 'published', published_at: new Date('2024-03-01T00:00:00Z') });
    await upsertPlumes(ctx.db, [published(), published(), published()]);
    const query = { eps: 100, minpoints: 1, status: 'not_deleted' } as SourceQuery;
    const answered = await ctx.db.transaction(async (tx) => {
      await tx.query(sql`LOCK TABLE source_cluster_state IN EXCLUSIVE MODE`);
      return listSources(ctx.db, query, ANONYMOUS);
    });
    const [dirty] = await ctx.db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM source_dirty_plumes`);
    expect(dirty!.n).toBeGreaterThan(0);
    expect(answered.map(feature)).toEqual((await listSources(ctx.db, query, ANONYMOUS, { onDemand: true })).map(feature));
  });

  it('answers on demand while a rebuild a reader found due runs in the background (in the request on the embedded database)', async () => {
    const published = (): PlumeValues => ({ ...newPlume(), status: 'published', published_at: new Date('2024-03-01T00:00:00Z') });
    const vacuums = async () => ctx.db.kind === 'postgres'
      ? (await ctx.db.query<{ n: number }>(sql`
        SELECT sum(vacuum_count)::int AS n FROM pg_stat_user_tables WHERE relname IN ('source_members', 'source_clusters', 'source_dirty_plumes', 'source_dirty_footprints')`))[0]!.n
      : 0;
    const vacuumsBefore = await vacuums();
    await upsertPlumes(ctx.db, [published(), published()]);
    await ctx.db.query(sql`UPDATE source_cluster_state SET rebuild = true`);
    const query = { eps: 100, minpoints: 1, status: 'not_deleted' } as SourceQuery;
    const answered = await listSources(ctx.db, query, ANONYMOUS);
    expect(answered.map(feature)).toEqual((await listSources(ctx.db, query, ANONYMOUS, { onDemand: true })).map(feature));
    await backgroundRebuildsSettled();
    const [state] = await ctx.db.query<{ rebuild: boolean }>(sql`SELECT rebuild FROM source_cluster_state`);
    expect(state).toEqual({ rebuild: false });
    await expectClustersExact();
    // On PostgreSQL the rows the rebuild replaced or emptied are vacuumed once it has committed (all four tables), not left to autovacuum.
    expect(await vacuums()).toBe(vacuumsBefore + (ctx.db.kind === 'postgres' ? 4 : 0));
  });

  it('clusters everything afresh after TRUNCATE', async () => {
    await ctx.db.query(sql`TRUNCATE plumes CASCADE`);
    const [state] = await ctx.db.query<{ rebuild: boolean }>(sql`SELECT rebuild FROM source_cluster_state`);
    expect(state).toEqual({ rebuild: true });
    const response = await ctx.request({ method: 'GET', url: '/api/v1/catalog/sources.geojson' });
    expect(response.json().features).toEqual([]);
    await backgroundRebuildsSettled();
    const [counts] = await ctx.db.query<{ n: number }>(sql`SELECT ((SELECT count(*) FROM source_members) + (SELECT count(*) FROM source_clusters))::int AS n`);
    expect(counts).toEqual({ n: 0 });
  });
});
