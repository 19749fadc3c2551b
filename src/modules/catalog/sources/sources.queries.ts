import sql, { join, raw, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';
import type { PlumeFilter, Viewer } from '../plume-filter.js';
import { plumeWhere } from '../plumes.queries.js';
import { visiblePlumes } from '../visible-plumes.queries.js';
import { visibleScenes } from '../visible-scenes.queries.js';

/** A cluster read with its per-plume arrays. */
export interface ClusterArrays {
  gas: string;
  sector: string;
  srid: number;
  cluster: number;
  plume_count: number;
  plume_ids: string[];
  /** Only in reads for 'members' (SourceColumns). */
  plume_uuids: string[] | null;
  longitude: number;
  latitude: number;
  timestamp_min: Date;
  timestamp_max: Date;
  published_at_min: Date | null;
  published_at_max: Date | null;
  /** Per plume, in time order: UTC date, emission_auto, emission_uncertainty_auto. */
  plume_days: string[];
  emissions: (number | null)[];
  uncertainties: (number | null)[];
  scene_dates: string[] | null;
}

/**
 * A maintained cluster's stored answer (migration 0060), in reads that take answers ('answers',
 * 'figures') of the clusters they read whole; such a row carries no per-plume arrays. NULL (or
 * absent) in any other row: it is described from its arrays.
 */
export interface StoredAnswer {
  /** 'answers' only: the sources.geojson Feature as its serializer writes it. */
  answer_json: string | null;
  answer_name: string | null;
  answer_emission: number | null;
  answer_uncertainty: number | null;
  answer_persistence: number | null;
}

export type ClusterRow = ClusterArrays & Partial<StoredAnswer>;

/** A plume's UTM zone as an EPSG code, in SQL. */
export const SRID = sql`((CASE WHEN ST_Y(p.geometry) >= 0 THEN 32600 ELSE 32700 END) + LEAST(60, floor((ST_X(p.geometry) + 180) / 6)::int + 1))`;

/**
 * What a read answers of each source: 'list' (the CSV) leaves out the plumes' UUIDs, which only
 * finding one source's plumes needs ('members'): a basin's ~46,000 UUIDs cost the database and the
 * driver ~5% of a filtered read. 'answers' (sources.geojson) and 'figures' (sources/aggregate) are
 * 'list', except that a maintained cluster read whole answers with what the refresh stored of it
 * (StoredAnswer), without its arrays.
 */
export type SourceColumns = 'list' | 'members' | 'answers' | 'figures';

export interface Partition {
  gas: string;
  sector: string;
  srid: number;
}

/** One gas, sector and UTM zone; the zone's box lets the spatial index find its plumes. */
export function partitionCondition(partition: Partition | undefined): Sql {
  if (!partition) return sql`true`;
  const zone = partition.srid % 100;
  const west = (zone - 1) * 6 - 180;
  const [south, north] = partition.srid < 32700 ? [0, 90] : [-90, 0];
  return sql`p.gas = ${partition.gas} AND COALESCE(p.sector, 'NULL') = ${partition.sector}
    AND p.geometry && ST_MakeEnvelope(${west}, ${south}, ${west + 6}, ${north}, 4326) AND ${SRID} = ${partition.srid}`;
}

/** The gas, sector and UTM zone partitions the matching plumes fall in: clustered one by one, side by side. */
export function selectPartitions(db: Queryable, filter: PlumeFilter, viewer: Viewer) {
  return db.query<Partition>(sql`
    SELECT DISTINCT p.gas, COALESCE(p.sector, 'NULL') AS sector, ${SRID} AS srid FROM ${visiblePlumes(viewer)} p WHERE ${plumeWhere(filter, viewer)}
    ORDER BY 1, 2, 3`);
}

/** Scenes that count as observations: visible ones, of the instruments and time asked for. */
function sceneConditions(filter: PlumeFilter): Sql {
  // Visibility is visibleScenes' (the FROM item below); these narrow it.
  const parts: Sql[] = [sql`sc.footprint IS NOT NULL`];
  if (filter.instruments?.length) parts.push(sql`sc.instrument = ANY(${filter.instruments}::text[])`);
  if (filter.datetime?.start) parts.push(sql`sc."timestamp" >= ${filter.datetime.start}`);
  if (filter.datetime?.end) parts.push(sql`sc."timestamp" < ${filter.datetime.end}`);
  return join(parts, ' AND ');
}

/** The visible scenes whose footprint covers `centre`, as the filter narrows them: a FROM and WHERE of `sc`. */
function scenesCovering(centre: Sql, filter: PlumeFilter, viewer: Viewer): Sql {
  return sql`FROM ${visibleScenes(viewer)} sc WHERE ST_Intersects(sc.footprint, ${centre}) AND ${sceneConditions(filter)}`;
}

/** The UTC dates of the visible scenes whose footprint covers `centre`, as the filter narrows them. */
export function sceneDatesAt(centre: Sql, filter: PlumeFilter, viewer: Viewer): Sql {
  return sql`(SELECT array_agg(DISTINCT ((sc."timestamp" AT TIME ZONE 'UTC')::date)::text) ${scenesCovering(centre, filter, viewer)})`;
}

/** The distinct instants of the visible scenes whose footprint covers `centre` (no filter). */
export function sceneTimesAt(centre: Sql, viewer: Viewer): Sql {
  return sql`(SELECT array_agg(DISTINCT sc."timestamp") ${scenesCovering(centre, {}, viewer)})`;
}

/** The UTC dates of those instants `times` holds that fall in the filter's interval, as sceneDatesAt gives them. */
export function sceneDatesWithin(times: Sql, filter: PlumeFilter): Sql {
  const parts: Sql[] = [sql`true`];
  if (filter.datetime?.start) parts.push(sql`t >= ${filter.datetime.start}`);
  if (filter.datetime?.end) parts.push(sql`t < ${filter.datetime.end}`);
  return sql`(SELECT array_agg(DISTINCT ((t AT TIME ZONE 'UTC')::date)::text) FROM unnest(${times}) t WHERE ${join(parts, ' AND ')})`;
}

/**
 * One row per source from `ordered`: plume rows (id, plume_id, geometry, "datetime", emission
 * figures, published_at) sorted by `key` and then by time and name, so that every aggregate —
 * the centroid's sum included — takes the members in that order, whichever query built them.
 * Grouped by `key` exactly (no other sort can come between).
 */
export function aggregateSources(ordered: Sql, key: Sql, extra: Sql = sql``): Sql {
  return sql`
    SELECT ${key}, count(*)::int AS plume_count,
      array_agg(plume_id) AS plume_ids, array_agg(id::text) AS plume_uuids,
      array_agg((("datetime" AT TIME ZONE 'UTC')::date)::text) AS plume_days,
      array_agg(emission_auto) AS emissions, array_agg(emission_uncertainty_auto) AS uncertainties,
      ST_Centroid(ST_Collect(geometry)) AS centre,
      min("datetime") AS timestamp_min, max("datetime") AS timestamp_max,
      min(published_at) AS published_at_min, max(published_at) AS published_at_max ${extra}
    FROM (${ordered}) members
    GROUP BY ${key}`;
}

/**
 * A cluster row's columns (all of ClusterRow but scene_dates) from `alias`, an aggregate of
 * aggregateSources or a stored cluster; `keys` gives gas, sector, srid and cluster. The per-plume
 * arrays travel as JSON text, and so do scene dates wherever they are selected: the driver parses
 * JSON natively, while it parses an array's text by character (91,249 plumes of a basin: ~200 ms of
 * decoding as arrays; a basin's ~100,000 scene dates, ~20 ms).
 */
export function clusterRowColumns(alias: Sql, keys: Sql, columns: SourceColumns, arraysWhen?: Sql): Sql {
  // PostgreSQL leaves an aggregate whose output no one reads uncomputed.
  const uuids = columns === 'members' ? sql`to_json(${alias}.plume_uuids)` : sql`NULL::json`;
  const array = (name: string) => {
    const json = sql`to_json(${alias}.${raw(name)})`;
    return arraysWhen ? sql`CASE WHEN ${arraysWhen} THEN ${json} END AS ${raw(name)}` : sql`${json} AS ${raw(name)}`;
  };
  return sql`${keys}, ${alias}.plume_count,
    ${array('plume_ids')}, ${uuids} AS plume_uuids, ${array('plume_days')},
    ${array('emissions')}, ${array('uncertainties')},
    ST_X(${alias}.centre) AS longitude, ST_Y(${alias}.centre) AS latitude,
    ${alias}.timestamp_min, ${alias}.timestamp_max, ${alias}.published_at_min, ${alias}.published_at_max`;
}

/**
 * The clustering alone: DBSCAN over the matching plumes of each gas, sector and UTM zone, in
 * metres. What `sources` adds its aggregation to, and what the benchmark compares it with.
 */
export function clusteredPlumes(filter: PlumeFilter, viewer: Viewer, eps: number, minpoints: number, partition?: Partition): Sql {
  return sql`
    WITH picked AS (
      SELECT p.id, p.plume_id, p.gas, COALESCE(p.sector, 'NULL') AS sector, p.geometry, p."datetime", p.emission_auto,
             p.emission_uncertainty_auto, p.published_at, ${SRID} AS srid
      FROM ${visiblePlumes(viewer)} p WHERE ${plumeWhere(filter, viewer)} AND ${partitionCondition(partition)}
    )
    SELECT picked.*, ST_ClusterDBSCAN(ST_Transform(geometry, srid), ${eps}::float8, ${minpoints}::int) OVER (PARTITION BY gas, sector, srid) AS cluster
    FROM picked`;
}

/**
 * Sources of one partition, clustered on demand: each cluster with its plumes in time order (their
 * UTC dates and rates, for the daily figures), centre (centroid of its plumes), time span, and the
 * UTC dates of the visible scenes whose footprint covers its centre. One pass over the clustered
 * plumes, sorted once by cluster and time only: the partition fixes gas, sector and zone (sorting
 * on those text keys too cost ~0.3 s of 1.3 s for the Permian's 82,567 plumes).
 */
export function selectClusters(db: Queryable, filter: PlumeFilter, viewer: Viewer, eps: number, minpoints: number, partition: Partition, columns: SourceColumns) {
  const ordered = sql`SELECT * FROM (${clusteredPlumes(filter, viewer, eps, minpoints, partition)}) c WHERE cluster IS NOT NULL ORDER BY cluster, "datetime", plume_id`;
  return db.query<ClusterRow>(sql`
    WITH sources AS (${aggregateSources(ordered, sql`cluster`)})
    SELECT ${clusterRowColumns(sql`s`, sql`${partition.gas}::text AS gas, ${partition.sector}::text AS sector, ${partition.srid}::int AS srid, s.cluster`, columns)},
      to_json(${sceneDatesAt(sql`s.centre`, filter, viewer)}) AS scene_dates
    FROM sources s`);
}
