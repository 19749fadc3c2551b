import sql, { type Sql } from 'sql-template-tag';
import type { Database, Queryable } from '../../../platform/db/database.js';
import { vacuumOnOwnSession } from '../../../platform/db/vacuum-on-own-session.js';
import { ANONYMOUS } from '../plume-filter.js';
import { visiblePlumes } from '../visible-plumes.queries.js';
import { visibleScenes } from '../visible-scenes.queries.js';
import { MAINTAINED_EPS, MAINTAINED_MINPOINTS } from './source-clusters.queries.js';
import { aggregateSources, clusterRowColumns, sceneDatesAt, sceneTimesAt, SRID, type ClusterRow } from './sources.queries.js';
import { ANSWER_VERSION, storedAnswer } from './source-answers.js';

/*
 * Keeping the maintained sources (migration 0054, decision 0034) current: writers mark what they
 * change, and a refresh re-clusters the neighbourhoods those changes can affect, or everything.
 * The reads that answer from the clusters are in source-clusters.queries.ts.
 */

/** Past this many changed plumes, clustering everything afresh costs less than finding their neighbourhoods. */
const REBUILD_ABOVE = 50_000;

interface RefreshState {
  rebuild: boolean;
  plumes: number;
  footprints: boolean;
  /** The stored answers were written by code of another version (or never). */
  answers_outdated: boolean;
}

/**
 * Whether the maintained clusters miss a committed change, and whether their stored answers are
 * this code's (read in the caller's snapshot). Answers never make the clusters stale: a cluster
 * without one, or with one of another version, is described from its arrays.
 */
export async function clusterState(db: Queryable): Promise<{ stale: boolean; answersCurrent: boolean }> {
  const [row] = await db.query<{ stale: boolean; answers_current: boolean }>(sql`
    SELECT rebuild OR EXISTS (SELECT 1 FROM source_dirty_plumes) OR EXISTS (SELECT 1 FROM source_dirty_footprints) AS stale,
      answer_version IS NOT DISTINCT FROM ${ANSWER_VERSION} AS answers_current
    FROM source_cluster_state`);
  return { stale: row?.stale ?? true, answersCurrent: row?.answers_current ?? false };
}

/**
 * Brings the maintained clusters up to date: everything afresh after a bulk change, otherwise only
 * the clusters the changed plumes were in or now lie within eps of. `rebuild: 'defer'`: not
 * everything afresh — 'deferred' says that is what is due. One refresher at a time (the
 * lock), in one snapshot taken after the lock, so the changes it takes are exactly those it sees.
 */
export async function refreshSourceClusters(db: Database, options: { lockTimeout?: 'short'; rebuild?: 'defer' } = {}): Promise<'deferred' | void> {
  // A refresh that may rebuild is maintenance, not a request (a command, the server's start, a
  // background rebuild): a rebuild's length grows with the catalog (at a million plumes one of its
  // statements ran past the requests' 30 s limit while a checkpoint was writing, and each retry
  // would have failed the same way), and it may wait that long for another's lock. So it runs off
  // the pool, under the maintenance bound. Readers defer a rebuild and keep the pool's limits.
  const outcome = options.rebuild === 'defer'
    ? await db.transaction((tx) => refreshIn(tx, options))
    : await db.maintenanceTransaction((tx) => refreshIn(tx, options));
  if (outcome === 'rebuilt') await vacuumAfterRebuild(db);
  return outcome === 'deferred' ? outcome : undefined;
}

/** Its own transaction, never a joined one: SET TRANSACTION must come first. */
async function refreshIn(tx: Queryable, options: { lockTimeout?: 'short'; rebuild?: 'defer' }): Promise<'deferred' | 'rebuilt' | void> {
  await tx.query(sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ`);
  // A reader waits this long for another's refresh (20-45 ms after one change), then clusters on
  // demand: never the ~30 s of a rebuild at a million plumes, nor holding a pooled connection for it.
  if (options.lockTimeout === 'short') await tx.query(sql`SET LOCAL lock_timeout = '250ms'`);
  // The tables the refresh reads first, in the order TRUNCATE ... CASCADE takes them (its trigger
  // then writes the state row): the two never wait for each other in a cycle.
  await tx.query(sql`LOCK TABLE scenes, plumes IN ACCESS SHARE MODE`);
  await tx.query(sql`LOCK TABLE source_cluster_state IN EXCLUSIVE MODE`);
  const [state] = await tx.query<RefreshState>(sql`
    SELECT rebuild, (SELECT count(*) FROM (SELECT 1 FROM source_dirty_plumes LIMIT ${REBUILD_ABOVE + 1}) d)::int AS plumes,
      EXISTS (SELECT 1 FROM source_dirty_footprints) AS footprints, answer_version IS DISTINCT FROM ${ANSWER_VERSION} AS answers_outdated
    FROM source_cluster_state`);
  if (!state) return;
  if (state.rebuild || state.plumes > REBUILD_ABOVE) {
    if (options.rebuild === 'defer') return 'deferred';
    await rebuild(tx);
    await storeAnswers(tx, state.answers_outdated ? 'rewrite all' : undefined);
    return 'rebuilt';
  }
  if (state.plumes > 0) await reclusterChanged(tx);
  if (state.plumes > 0 || state.footprints) await refreshSceneDates(tx, state.plumes > 0);
  // Answers of another version are rewritten only by a refresh that may also rebuild (a command, the
  // server's start, a background refresh on PostgreSQL: ~3 s at a million plumes; a reader's on the
  // embedded database). A PostgreSQL reader's refresh then writes none, so that no answer of this
  // version sits among another's.
  if (!state.answers_outdated) await storeAnswers(tx);
  else if (options.rebuild !== 'defer') await storeAnswers(tx, 'rewrite all');
}

/** Clusters described per statement: a basin's hold ~46,000 plumes, everything ~930,000 (~27 MB of answers). */
const ANSWERS_PER_BATCH = 200;

/**
 * Every cluster without a stored answer (new, or changed since: migration 0060's trigger drops
 * it) gets one: described from its arrays as a read on demand describes it, by the same code.
 * 'rewrite all': the answers are another version's; every one is written anew, and the version
 * recorded.
 */
async function storeAnswers(tx: Queryable, scope?: 'rewrite all') {
  if (scope) {
    await tx.query(sql`UPDATE source_clusters SET answer_json = NULL WHERE answer_json IS NOT NULL`);
    await tx.query(sql`UPDATE source_cluster_state SET answer_version = ${ANSWER_VERSION}`);
  }
  for (;;) {
    const rows = await tx.query<ClusterRow>(sql`
      SELECT ${clusterRowColumns(sql`c`, sql`c.gas, c.sector, c.srid, c.id AS cluster`, 'list')}, to_json(c.scene_dates) AS scene_dates
      FROM source_clusters c WHERE c.answer_json IS NULL ORDER BY c.id LIMIT ${ANSWERS_PER_BATCH}`);
    if (!rows.length) return;
    const answers = rows.map((row) => storedAnswer(row, MAINTAINED_EPS));
    const column = <K extends keyof (typeof answers)[number]>(key: K) => answers.map((a) => a[key]);
    const written = await tx.query(sql`
      UPDATE source_clusters c SET answer_json = a.json, answer_name = a.name, answer_emission = a.emission,
        answer_uncertainty = a.uncertainty, answer_persistence = a.persistence
      FROM unnest(${column('cluster')}::bigint[], ${column('answer_json')}::text[], ${column('answer_name')}::text[],
        ${column('answer_emission')}::float8[], ${column('answer_uncertainty')}::float8[], ${column('answer_persistence')}::float8[])
        AS a(id, json, name, emission, uncertainty, persistence)
      WHERE c.id = a.id AND c.answer_json IS NULL
      RETURNING c.id`);
    // The loop ends when no cluster lacks an answer: each pass must answer every one it read.
    if (written.length !== rows.length) throw new Error(`Stored ${written.length} source answers of ${rows.length}`);
  }
}

/**
 * A rebuild deletes and reinserts every member and cluster: at a million plumes ~930k dead member
 * rows, which index scans of the members step over until autovacuum comes (a basin's box read 277k
 * index entries for its 91k members). On PostgreSQL they are vacuumed as soon as the rebuild has
 * committed; the embedded database has no other reader to slow down. Best effort: a VACUUM that
 * fails or waits more than 5 s for its lock leaves only the reads slower, never wrong.
 */
async function vacuumAfterRebuild(db: Database) {
  // The rebuild analysed the members and clusters before it committed. The dirty lists it emptied
  // are read by every reader (clusterState: EXISTS over a heap of dead rows, 53 MB after a
  // million-plume load, while autovacuum may be off or far behind).
  await vacuumOnOwnSession(db, 'carbon-atlas:source-clusters-vacuum', sql`VACUUM source_members, source_clusters, source_dirty_plumes, source_dirty_footprints`);
}

async function rebuild(tx: Queryable) {
  await tx.query(sql`DELETE FROM source_dirty_plumes`);
  await tx.query(sql`DELETE FROM source_dirty_footprints`);
  await tx.query(sql`DELETE FROM source_members`);
  await tx.query(sql`DELETE FROM source_clusters`);
  await clusterAndStore(tx, sql`true`);
  await tx.query(sql`UPDATE source_cluster_state SET rebuild = false`);
  // The reads are planned from these tables' statistics: current ones at once, not after autovacuum.
  await tx.query(sql`ANALYZE source_clusters, source_members`);
}

/**
 * The changed plumes' old clusters, and every cluster with a member within eps of where a changed
 * plume now is, clustered again with the changed plumes that are published now. Any other cluster
 * keeps its members and no new neighbour, so it stays a component as it was.
 */
async function reclusterChanged(tx: Queryable) {
  await tx.query(sql`CREATE TEMP TABLE source_refresh_dirty (plume uuid, scene uuid) ON COMMIT DROP`);
  await tx.query(sql`
    WITH taken AS (DELETE FROM source_dirty_plumes RETURNING plume, scene)
    INSERT INTO source_refresh_dirty SELECT DISTINCT plume, scene FROM taken`);
  // Temporary tables have no statistics until analysed: without them the planner scans every member.
  await tx.query(sql`ANALYZE source_refresh_dirty`);
  await tx.query(sql`CREATE TEMP TABLE source_refresh_clusters (cluster bigint PRIMARY KEY) ON COMMIT DROP`);
  await tx.query(sql`
    WITH now_published AS (
      SELECT p.gas, COALESCE(p.sector, 'NULL') AS sector, ${SRID} AS srid, p.geometry FROM plumes p
      WHERE p.id IN (SELECT plume FROM source_refresh_dirty) AND p.status = 'published'
    ), near AS (
      SELECT n.gas, n.sector, n.srid, ST_SetSRID(ST_Transform(n.geometry, n.srid), 0) AS utm FROM now_published n
    )
    INSERT INTO source_refresh_clusters
    SELECT m.cluster FROM source_members m WHERE m.plume IN (SELECT plume FROM source_refresh_dirty)
    UNION
    SELECT m.cluster FROM near n JOIN source_members m
      ON ST_DWithin(m.utm, n.utm, ${MAINTAINED_EPS}::float8) AND m.gas = n.gas AND m.sector = n.sector AND m.srid = n.srid`);
  await tx.query(sql`ANALYZE source_refresh_clusters`);
  await tx.query(sql`CREATE TEMP TABLE source_refresh_plumes (plume uuid PRIMARY KEY) ON COMMIT DROP`);
  await tx.query(sql`
    INSERT INTO source_refresh_plumes
    SELECT plume FROM source_members WHERE cluster IN (SELECT cluster FROM source_refresh_clusters)
    UNION SELECT plume FROM source_refresh_dirty`);
  await tx.query(sql`ANALYZE source_refresh_plumes`);
  await tx.query(sql`DELETE FROM source_members WHERE plume IN (SELECT plume FROM source_refresh_plumes)`);
  await tx.query(sql`DELETE FROM source_clusters WHERE id IN (SELECT cluster FROM source_refresh_clusters)`);
  await clusterAndStore(tx, sql`p.id IN (SELECT plume FROM source_refresh_plumes)`);
}

/**
 * Degrees around a cluster's extent that still hold the centroid of any of its members, rounding
 * included (a sum of n coordinates is off by at most ~n × 2⁻⁵³ × 180°; 1e-6° is ~0.1 m). A wider
 * margin only moves scenes from covering to crossing, where they are tested exactly.
 */
const REACH_MARGIN = 1e-6;

/**
 * Whether a footprint covers a box, exactly. A footprint that is its own envelope (what the
 * catalog's writers store) covers it when its bounds do, with no GEOS call: ~3 µs against ~9 µs,
 * over every scene under every cluster of a rebuild. Any other shape goes through ST_Covers, which
 * needs a valid polygon (and refuses collections): anything else counts as not covering, so it is
 * tested point by point.
 */
function footprintCovers(footprint: Sql, box: Sql): Sql {
  return sql`CASE WHEN ST_OrderingEquals(${footprint}, ST_Envelope(${footprint}))
    THEN ST_XMin(${footprint}) <= ST_XMin(${box}) AND ST_YMin(${footprint}) <= ST_YMin(${box}) AND ST_XMax(${footprint}) >= ST_XMax(${box}) AND ST_YMax(${footprint}) >= ST_YMax(${box})
    ELSE GeometryType(${footprint}) IN ('POLYGON', 'MULTIPOLYGON') AND ST_IsValid(${footprint}) AND ST_Covers(${footprint}, ${box}) END`;
}

/**
 * covering_times and edge_scenes for a cluster's scene reach: the instants of the visible scenes
 * whose footprint covers it, so covers the centre of any subset of its members, and the ids of
 * those that only cross it.
 */
function scenesOverReach(reach: Sql): Sql {
  return sql`
    SELECT array_agg(DISTINCT o."timestamp") FILTER (WHERE o.covers) AS covering_times, array_agg(o.id ORDER BY o.id) FILTER (WHERE NOT o.covers) AS edge_scenes
    FROM (SELECT sc.id, sc."timestamp", ${footprintCovers(sql`sc.footprint`, reach)} AS covers
          FROM ${visibleScenes(ANONYMOUS)} sc WHERE sc.footprint && ${reach}) o`;
}

/**
 * DBSCAN over the published plumes `which` picks, as an anonymous viewer reads them (hidden
 * emissions NULL), stored as new clusters with their answers.
 */
async function clusterAndStore(tx: Queryable, which: Sql) {
  await tx.query(sql`
    CREATE TEMP TABLE source_refresh_members ON COMMIT DROP AS
    SELECT zoned.*, ST_ClusterDBSCAN(utm, ${MAINTAINED_EPS}::float8, ${MAINTAINED_MINPOINTS}::int) OVER (PARTITION BY gas, sector, srid) AS part_cluster
    FROM (
      SELECT picked.*, ST_SetSRID(ST_Transform(picked.geometry, picked.srid), 0) AS utm FROM (
        SELECT p.id, p.plume_id, p.gas, COALESCE(p.sector, 'NULL') AS sector, p.geometry, p."datetime", p.emission_auto,
               p.emission_uncertainty_auto, p.published_at, ${SRID} AS srid
        FROM ${visiblePlumes(ANONYMOUS)} p WHERE ${which}
      ) picked
    ) zoned`);
  await tx.query(sql`
    CREATE TEMP TABLE source_refresh_ids ON COMMIT DROP AS
    SELECT gas, sector, srid, part_cluster, nextval('source_clusters_id_seq') AS cluster
    FROM (SELECT DISTINCT gas, sector, srid, part_cluster FROM source_refresh_members) g`);
  await tx.query(sql`
    INSERT INTO source_members (plume, cluster, gas, sector, srid, utm, plume_id, geometry, "datetime", published_at, emission_auto, emission_uncertainty_auto)
    SELECT m.id, i.cluster, m.gas, m.sector, m.srid, m.utm, m.plume_id, m.geometry, m."datetime", m.published_at, m.emission_auto, m.emission_uncertainty_auto
    FROM source_refresh_members m JOIN source_refresh_ids i USING (gas, sector, srid, part_cluster)`);
  const ordered = sql`
    SELECT m.id, m.plume_id, m.gas, m.sector, m.srid, m.geometry, m."datetime", m.emission_auto, m.emission_uncertainty_auto, m.published_at, i.cluster
    FROM source_refresh_members m JOIN source_refresh_ids i USING (gas, sector, srid, part_cluster)
    ORDER BY i.cluster, m."datetime", m.plume_id`;
  const extent = sql`, min(gas) AS gas, min(sector) AS sector, min(srid) AS srid,
    min(ST_X(geometry)) AS west, min(ST_Y(geometry)) AS south, max(ST_X(geometry)) AS east, max(ST_Y(geometry)) AS north`;
  const reach = sql`ST_Expand(ST_MakeEnvelope(s.west, s.south, s.east, s.north, 4326), ${REACH_MARGIN}::float8)`;
  await tx.query(sql`
    INSERT INTO source_clusters (id, gas, sector, srid, plume_count, plume_ids, plume_uuids, plume_days, emissions, uncertainties, centre,
      timestamp_min, timestamp_max, published_at_min, published_at_max, scene_dates, scene_times, west, south, east, north, extent,
      scene_reach, covering_times, edge_scenes)
    SELECT s.cluster, s.gas, s.sector, s.srid, s.plume_count, s.plume_ids, s.plume_uuids, s.plume_days, s.emissions, s.uncertainties, s.centre,
      s.timestamp_min, s.timestamp_max, s.published_at_min, s.published_at_max, ${sceneDatesAt(sql`s.centre`, {}, ANONYMOUS)},
      ${sceneTimesAt(sql`s.centre`, ANONYMOUS)}, s.west, s.south, s.east, s.north, ST_MakeEnvelope(s.west, s.south, s.east, s.north, 4326),
      ${reach}, o.covering_times, o.edge_scenes
    FROM (${aggregateSources(ordered, sql`cluster`, extent)}) s CROSS JOIN LATERAL (${scenesOverReach(reach)}) o`);
  await tx.query(sql`DROP TABLE source_refresh_members, source_refresh_ids`);
}

/**
 * Scene dates of the clusters whose centre a changed scene covers (before or after the change), or
 * the 'valid' scene of a changed plume: a published plume is what makes such a scene visible.
 */
async function refreshSceneDates(tx: Queryable, plumesChanged: boolean) {
  await tx.query(sql`CREATE TEMP TABLE source_refresh_footprints (footprint geometry) ON COMMIT DROP`);
  await tx.query(sql`
    WITH taken AS (DELETE FROM source_dirty_footprints RETURNING footprint)
    INSERT INTO source_refresh_footprints SELECT footprint FROM taken`);
  if (plumesChanged) {
    await tx.query(sql`
      INSERT INTO source_refresh_footprints
      SELECT s.footprint FROM scenes s WHERE s.id IN (SELECT scene FROM source_refresh_dirty) AND s.status = 'valid' AND s.footprint IS NOT NULL`);
  }
  await tx.query(sql`
    UPDATE source_clusters c SET scene_dates = ${sceneDatesAt(sql`c.centre`, {}, ANONYMOUS)}, scene_times = ${sceneTimesAt(sql`c.centre`, ANONYMOUS)},
      (covering_times, edge_scenes) = (SELECT o.covering_times, o.edge_scenes FROM (${scenesOverReach(sql`c.scene_reach`)}) o)
    WHERE c.id IN (SELECT k.id FROM source_refresh_footprints f JOIN source_clusters k ON f.footprint && k.scene_reach)`);
}
