import sql, { join, type Sql } from 'sql-template-tag';
import { NO_FORK, type Queryable, type SnapshotFork } from '../../../platform/db/database.js';
import { spreadOverConnections } from '../../../platform/db/spread-over-connections.js';
import { ANONYMOUS, filtersOnly, type PlumeFilter } from '../plume-filter.js';
import { plumeWhere } from '../plumes.queries.js';
import { visiblePlumes } from '../visible-plumes.queries.js';
import { visibleScenes } from '../visible-scenes.queries.js';
import { aggregateSources, clusterRowColumns, partitionCondition, sceneDatesAt, sceneDatesWithin, type ClusterRow, type Partition, type SourceColumns } from './sources.queries.js';

/*
 * Maintained sources (migration 0054, decision 0034): DBSCAN, eps 100 m and minpoints 1, of the
 * published plumes, and the reads that answer from it. The refresh that keeps it current from the
 * rows writers mark dirty is in source-cluster-refresh.queries.ts.
 */

/** The maintained clustering's parameters: the sources endpoints' defaults. */
export const MAINTAINED_EPS = 100;
export const MAINTAINED_MINPOINTS = 1;

/**
 * Scene dates at the centre of a cut cluster's source (`s`, of stored cluster `c`): the covering
 * instants and the crossing scenes that intersect the centre, as sceneDatesAt finds them.
 */
function cutSceneDates(filter: PlumeFilter): Sql {
  if (filter.instruments?.length) return sceneDatesAt(sql`s.centre`, filter, ANONYMOUS);
  // OFFSET 0 keeps the few crossing scenes found by id: else the planner intersects their ids with a
  // footprint index search that finds every scene over the centre (~0.3 ms each at a basin).
  const crossing = sql`ARRAY(SELECT sc."timestamp" FROM (SELECT * FROM ${visibleScenes(ANONYMOUS)} e WHERE e.id = ANY(c.edge_scenes) OFFSET 0) sc
    WHERE ST_Intersects(sc.footprint, s.centre))`;
  // Dates may repeat between the two parts: describe() keeps each observation date once.
  return sql`array_cat(${datesInInterval(COVERING_INSTANTS, filter)}, ${sceneDatesWithin(crossing, filter)})`;
}

/** A cluster's kept instants (sorted, distinct) with their dates, which migration 0056's trigger derives from them on every write. */
interface DatedInstants {
  times: Sql;
  days: Sql;
  dayOf: Sql;
}

const SCENE_INSTANTS: DatedInstants = { times: sql`c.scene_times`, days: sql`c.scene_days`, dayOf: sql`c.scene_day_of` };
const COVERING_INSTANTS: DatedInstants = { times: sql`c.covering_times`, days: sql`c.covering_days`, dayOf: sql`c.covering_day_of` };

/**
 * The dates of those kept instants that fall in the filter's interval, as sceneDatesWithin gives
 * them (NULL for none) but without its sort: the instants in [start, end) are one run of the sorted
 * array, found by binary search (width_bucket counts the instants at or before a bound, and
 * timestamps are whole microseconds), and their dates the run of dates from the first's to the last's.
 */
function datesInInterval(instants: DatedInstants, filter: PlumeFilter): Sql {
  const { start, end } = filter.datetime ?? {};
  const first = start ? sql`width_bucket(${start}::timestamptz - interval '1 microsecond', ${instants.times}) + 1` : sql`1`;
  const last = end ? sql`width_bucket(${end}::timestamptz - interval '1 microsecond', ${instants.times})` : sql`cardinality(${instants.times})`;
  return sql`(SELECT CASE WHEN r.first <= r.last THEN ${instants.days}[${instants.dayOf}[r.first]:${instants.dayOf}[r.last]] END
    FROM (SELECT ${first} AS first, ${last} AS last) r)`;
}

/** StoredAnswer's columns, none stored. */
const NO_ANSWER = sql`NULL::text AS answer_json, NULL::text AS answer_name, NULL::float8 AS answer_emission, NULL::float8 AS answer_uncertainty,
  NULL::float8 AS answer_persistence`;

/** Whether a read takes stored answers of the clusters it reads whole. */
const takesAnswers = (columns: SourceColumns) => columns === 'answers' || columns === 'figures';

/**
 * A stored cluster (`c`) as a cluster row, with its scene dates `sceneDates`. With `answered` (the
 * dates are the stored ones, so its stored answer is its answer) and a read that takes answers:
 * its stored answer, and its arrays and dates only if it has none.
 */
function storedColumns(columns: SourceColumns, sceneDates: Sql, answered: boolean): Sql {
  const keys = sql`c.gas, c.sector, c.srid, c.id AS cluster`;
  if (!answered || !takesAnswers(columns)) return sql`${clusterRowColumns(sql`c`, keys, columns)}, ${NO_ANSWER}, to_json(${sceneDates}) AS scene_dates`;
  const unanswered = sql`c.answer_json IS NULL`;
  const feature = columns === 'answers' ? sql`c.answer_json` : sql`NULL::text`;
  return sql`${clusterRowColumns(sql`c`, keys, columns, unanswered)}, ${feature} AS answer_json, c.answer_name, c.answer_emission,
    c.answer_uncertainty, c.answer_persistence, CASE WHEN ${unanswered} THEN to_json(${sceneDates}) END AS scene_dates`;
}

/** A cut cluster's sources (`s`, of its matching members) in the same columns. */
const cutColumns = (columns: SourceColumns, sceneDates: Sql) =>
  sql`${clusterRowColumns(sql`s`, sql`s.gas, s.sector, s.srid, s.cluster`, columns)}, ${NO_ANSWER}, to_json(${sceneDates}) AS scene_dates`;

/** A member row as the reads below take it: the plume's answer, its cluster and its zone's metres. */
const MEMBER_COLUMNS = sql`p.id, p.plume_id, p.geometry, p."datetime", p.emission_auto, p.emission_uncertainty_auto, p.published_at, m.cluster, m.gas, m.sector, m.srid, m.utm`;

/**
 * The members as a FROM item to alias `p`, shaped like visiblePlumes(ANONYMOUS) for the fields
 * MEMBER_FIELDS names, so that plumeWhere tests them exactly as it tests the plumes: the sector as
 * the plumes hold it (NULL, not the partition's 'NULL'), and every member is published.
 */
const MEMBERS_AS_PLUMES = sql`(
  SELECT m.plume AS id, m.plume_id, m.geometry, m."datetime", m.emission_auto, m.emission_uncertainty_auto, m.published_at,
    m.cluster, m.gas, NULLIF(m.sector, 'NULL') AS sector, m.srid, m.utm, 'published'::text AS status
  FROM source_members m)`;

/** MEMBER_COLUMNS of MEMBERS_AS_PLUMES. */
const MEMBER_AS_PLUME_COLUMNS = sql`p.id, p.plume_id, p.geometry, p."datetime", p.emission_auto, p.emission_uncertainty_auto, p.published_at,
  p.cluster, p.gas, COALESCE(p.sector, 'NULL') AS sector, p.srid, p.utm`;

/** Filters the members answer alone. */
const MEMBER_FIELDS = new Set<keyof PlumeFilter>(['bbox', 'datetime', 'publishedAt', 'gas', 'sectors', 'emissionMin', 'emissionMax', 'status', 'includeDeleted']);

/** Whether the members hold every field the filter tests. */
export function membersAnswer(filter: PlumeFilter): boolean {
  return filtersOnly(filter, MEMBER_FIELDS);
}

/** A filter's box as the geometry the clusters' extents are tested against. */
function envelope([west, south, east, north]: [number, number, number, number]): Sql {
  return sql`ST_MakeEnvelope(${west}, ${south}, ${east}, ${north}, 4326)`;
}

/**
 * The gas, sector and zone partitions of the stored clusters within the filter's box: every member
 * a filter keeps lies in one of them (its cluster's extent holds it), and a partition that keeps
 * none clusters nothing. Read from the 1,277 clusters, not the members: the planner scanned every
 * member for that (~260 ms at a million plumes).
 */
export function selectMemberPartitions(db: Queryable, filter: PlumeFilter) {
  const parts: Sql[] = [sql`true`];
  if (filter.bbox) parts.push(sql`c.extent && ${envelope(filter.bbox)}`);
  if (filter.gas) parts.push(sql`c.gas = ${filter.gas}`);
  // Partition keys write a missing sector as 'NULL', as the filter's code for it.
  if (filter.sectors?.length) parts.push(sql`c.sector = ANY(${filter.sectors}::text[])`);
  return db.query<Partition>(sql`SELECT DISTINCT c.gas, c.sector, c.srid FROM source_clusters c WHERE ${join(parts, ' AND ')} ORDER BY 1, 2, 3`);
}

/**
 * clusteredPlumes' rows for another eps (and minpoints 1) from the members a filter keeps
 * (membersAnswer(filter) must hold): the published plumes as an anonymous viewer reads them, in
 * their stored zone metres. Read in the members' order (by maintained cluster, so neighbours lie
 * together): DBSCAN of the basin at eps 150 took ~310 ms so, ~700–1,000 ms over the plumes
 * transformed one by one in heap order. With minpoints 1 the clusters do not depend on the order.
 * The zone is partitionCondition's, computed from the position as the stored `srid` was (a test of
 * the stored column too made the planner expect a handful of rows and scan every member: 1.1 s).
 */
function clusteredMembers(filter: PlumeFilter, eps: number, partition: Partition): Sql {
  return sql`
    SELECT p.id, p.plume_id, p.gas, COALESCE(p.sector, 'NULL') AS sector, p.geometry, p."datetime", p.emission_auto,
      p.emission_uncertainty_auto, p.published_at, p.srid, p.cluster AS stored, ST_ClusterDBSCAN(p.utm, ${eps}::float8, 1) OVER () AS cluster
    FROM ${MEMBERS_AS_PLUMES} p WHERE ${plumeWhere(filter, ANONYMOUS)} AND ${partitionCondition(partition)}`;
}

/**
 * Sources of one partition for another eps (minpoints 1) from the members a filter keeps
 * (membersAnswer(filter) must hold), aggregated as on demand. A new cluster made of exactly one
 * stored cluster, all of whose members the filter keeps, has that cluster's centre, so its scene
 * dates are read as a whole stored cluster's instead of searched: at the basin every cluster at
 * eps 150 is such, and the ~256 searches cost ~340 ms of ~950. (A CASE runs only the branch it takes.)
 */
export function selectMemberClusters(db: Queryable, filter: PlumeFilter, eps: number, partition: Partition, columns: SourceColumns) {
  const keys = sql`${partition.gas}::text AS gas, ${partition.sector}::text AS sector, ${partition.srid}::int AS srid, s.cluster`;
  const ordered = sql`SELECT * FROM (${clusteredMembers(filter, eps, partition)}) m ORDER BY cluster, "datetime", plume_id`;
  const storedRange = sql`, min(stored) AS stored, max(stored) AS last_stored`;
  return db.query<ClusterRow>(sql`
    WITH sources AS (${aggregateSources(ordered, sql`cluster`, storedRange)})
    SELECT ${clusterRowColumns(sql`s`, keys, columns)},
      to_json(CASE WHEN s.stored = s.last_stored AND s.plume_count = c.plume_count THEN ${storedSceneDates(filter)}
        ELSE ${sceneDatesAt(sql`s.centre`, filter, ANONYMOUS)} END) AS scene_dates
    FROM sources s LEFT JOIN source_clusters c ON c.id = s.stored`);
}

/**
 * The published plumes a filter keeps, in the clusters `clusters` lists if given (MEMBER_COLUMNS):
 * from the members alone when they hold every field the filter tests, otherwise the plumes joined
 * with their members.
 */
function matchingMembers(filter: PlumeFilter, partition: Partition | undefined, clusters?: Sql, share?: Share): Sql {
  const where = sql`${plumeWhere(filter, ANONYMOUS)} AND ${partitionCondition(partition)}`;
  const inClusters = (cluster: Sql) => sql`${clusters ? sql` AND ${cluster} IN (${clusters})` : sql``}${share ? sql` AND ${cluster} % ${share.of} = ${share.index}` : sql``}`;
  if (membersAnswer(filter)) {
    return sql`SELECT ${MEMBER_AS_PLUME_COLUMNS} FROM ${MEMBERS_AS_PLUMES} p WHERE ${where}${inClusters(sql`p.cluster`)}`;
  }
  return sql`SELECT ${MEMBER_COLUMNS} FROM ${visiblePlumes(ANONYMOUS)} p JOIN source_members m ON m.plume = p.id
    WHERE ${where}${inClusters(sql`m.cluster`)}`;
}

/**
 * Sources of the clusters a filter cuts: DBSCAN over each one's matching members alone (a
 * component of a subset lies inside one component of the whole), aggregated as on demand. The
 * members' stored metres are the on-demand query's ST_Transform, so the clusters are the same.
 */
function cutSources(members: Sql): Sql {
  const ordered = sql`
    SELECT * FROM (
      SELECT x.*, ST_ClusterDBSCAN(x.utm, ${MAINTAINED_EPS}::float8, ${MAINTAINED_MINPOINTS}::int) OVER (PARTITION BY x.cluster) AS sub
      FROM (${members}) x
    ) y ORDER BY cluster, sub, "datetime", plume_id`;
  return aggregateSources(ordered, sql`cluster, sub`, sql`, min(gas) AS gas, min(sector) AS sector, min(srid) AS srid`);
}

/** Whether a stored cluster's scene dates answer the filter as they are (it narrows them neither by time nor by instrument). */
const keepsSceneDates = (filter: PlumeFilter) => !filter.instruments?.length && !filter.datetime;

/** Scene dates of a stored cluster: kept for no filter, narrowed from the kept instants by a time filter, looked up for instruments. */
function storedSceneDates(filter: PlumeFilter): Sql {
  if (filter.instruments?.length) return sceneDatesAt(sql`c.centre`, filter, ANONYMOUS);
  return filter.datetime ? datesInInterval(SCENE_INSTANTS, filter) : sql`c.scene_dates`;
}

const BOX_FIELDS = new Set<keyof PlumeFilter>(['bbox', 'includeDeleted', 'status']);

/** Whether the filter is a box alone (for this viewer, who sees published plumes only, these status filters narrow nothing). */
function boxOnly(filter: PlumeFilter): boolean {
  return filtersOnly(filter, BOX_FIELDS) && (filter.status === undefined || filter.status === 'published');
}

/**
 * A box alone: clusters inside it are answered as stored, clusters it cuts from their members in
 * it. The box tests use the same bounding-box operators as the plume filter (`&&`), so "inside"
 * holds for every member exactly when each member passes the filter.
 */
function boxSources(filter: PlumeFilter, columns: SourceColumns, partition: Partition | undefined): Sql {
  const box = filter.bbox && envelope(filter.bbox);
  const touched = box ? sql`SELECT c.id, c.extent @ ${box} AS whole FROM source_clusters c WHERE c.extent && ${box} AND ${partitionOf(sql`c`, partition)}`
    : sql`SELECT c.id, true AS whole FROM source_clusters c WHERE ${partitionOf(sql`c`, partition)}`;
  const members = matchingMembers(filter, partition, sql`SELECT id FROM touched WHERE NOT whole`);
  return sql`
    WITH touched AS MATERIALIZED (${touched}), cut AS (${cutSources(members)})
    SELECT ${storedColumns(columns, sql`c.scene_dates`, true)} FROM source_clusters c WHERE c.id IN (SELECT id FROM touched WHERE whole)
    UNION ALL
    SELECT ${cutColumns(columns, cutSceneDates(filter))} FROM cut s JOIN source_clusters c ON c.id = s.cluster`;
}

/** Any filter: the matching plumes counted per cluster; a cluster they fill is answered as stored. */
function filteredSources(filter: PlumeFilter, columns: SourceColumns, partition: Partition | undefined, share?: Share): Sql {
  return sql`
    WITH matching AS MATERIALIZED (${matchingMembers(filter, partition, undefined, share)}), kept AS MATERIALIZED (
      SELECT k.cluster, k.n = c.plume_count AS whole FROM (SELECT cluster, count(*)::int AS n FROM matching GROUP BY cluster) k
      JOIN source_clusters c ON c.id = k.cluster
    ), cut AS (${cutSources(sql`SELECT * FROM matching WHERE cluster IN (SELECT cluster FROM kept WHERE NOT whole)`)})
    SELECT ${storedColumns(columns, storedSceneDates(filter), keepsSceneDates(filter))} FROM source_clusters c
    WHERE c.id IN (SELECT cluster FROM kept WHERE whole)
    UNION ALL
    SELECT ${cutColumns(columns, cutSceneDates(filter))} FROM cut s JOIN source_clusters c ON c.id = s.cluster`;
}

/** One of `of` shares of the stored clusters (by id), read side by side by forked snapshots. */
export interface Share {
  of: number;
  index: number;
}

/**
 * Sources (eps 100 m, minpoints 1) for a viewer who sees the published plumes only, from the
 * maintained clusters. Call in a snapshot in which clusterState() found them fresh. A filter beyond a box
 * cuts clusters, each re-clustered: half of them are read in a fork of the snapshot when one is
 * free, on another core (a basin with a time filter cuts all its 320 clusters: ~350 ms alone).
 */
export async function selectMaintainedClusters(db: Queryable, filter: PlumeFilter, columns: SourceColumns, partition?: Partition, fork: SnapshotFork = NO_FORK): Promise<ClusterRow[]> {
  if (boxOnly(filter)) return db.query<ClusterRow>(boxSources(filter, columns, partition));
  const other = await fork();
  if (!other) return db.query<ClusterRow>(filteredSources(filter, columns, partition));
  const halves = [0, 1].map((index) => (connection: Queryable) => connection.query<ClusterRow>(filteredSources(filter, columns, partition, { of: 2, index })));
  return (await spreadOverConnections([db, other], halves)).flat();
}

function partitionOf(alias: Sql, partition: Partition | undefined): Sql {
  if (!partition) return sql`true`;
  return sql`${alias}.gas = ${partition.gas} AND ${alias}.sector = ${partition.sector} AND ${alias}.srid = ${partition.srid}`;
}
