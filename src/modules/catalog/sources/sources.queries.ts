import sql, { join, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';
import type { PlumeFilter, Viewer } from '../plume-filter.js';
import { plumeWhere } from '../plumes.queries.js';
import { visiblePlumes } from '../visible-plumes.queries.js';
import { visibleScenes } from '../visible-scenes.queries.js';

export interface ClusterRow {
  gas: string;
  sector: string;
  srid: number;
  cluster: number;
  plume_count: number;
  plume_ids: string[];
  plume_uuids: string[];
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

/** A plume's UTM zone as an EPSG code, in SQL. */
const SRID = sql`((CASE WHEN ST_Y(p.geometry) >= 0 THEN 32600 ELSE 32700 END) + LEAST(60, floor((ST_X(p.geometry) + 180) / 6)::int + 1))`;

export interface Partition {
  gas: string;
  sector: string;
  srid: number;
}

/** One gas, sector and UTM zone; the zone's box lets the spatial index find its plumes. */
function partitionCondition(partition: Partition | undefined): Sql {
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
 * Sources of one partition: each cluster with its plumes in time order (their UTC dates and rates,
 * for the daily figures), centre (centroid of its plumes), time span, and the UTC dates of the
 * visible scenes whose footprint covers its centre. One pass over the clustered plumes, sorted
 * once by cluster and time only: the partition fixes gas, sector and zone (sorting on those text
 * keys too cost ~0.3 s of 1.3 s for the Permian's 82,567 plumes).
 */
export function selectClusters(db: Queryable, filter: PlumeFilter, viewer: Viewer, eps: number, minpoints: number, partition: Partition) {
  return db.query<ClusterRow>(sql`
    WITH sources AS (
      SELECT ${partition.gas}::text AS gas, ${partition.sector}::text AS sector, ${partition.srid}::int AS srid, cluster, count(*)::int AS plume_count,
        array_agg(plume_id) AS plume_ids, array_agg(id::text) AS plume_uuids,
        array_agg((("datetime" AT TIME ZONE 'UTC')::date)::text) AS plume_days,
        array_agg(emission_auto) AS emissions, array_agg(emission_uncertainty_auto) AS uncertainties,
        ST_Centroid(ST_Collect(geometry)) AS centre,
        min("datetime") AS timestamp_min, max("datetime") AS timestamp_max,
        min(published_at) AS published_at_min, max(published_at) AS published_at_max
      FROM (
        SELECT * FROM (${clusteredPlumes(filter, viewer, eps, minpoints, partition)}) c
        WHERE cluster IS NOT NULL ORDER BY cluster, "datetime", plume_id
      ) members
      GROUP BY cluster
    )
    SELECT s.gas, s.sector, s.srid, s.cluster, s.plume_count, s.plume_ids, s.plume_uuids, s.plume_days, s.emissions, s.uncertainties,
      ST_X(s.centre) AS longitude, ST_Y(s.centre) AS latitude, s.timestamp_min, s.timestamp_max, s.published_at_min, s.published_at_max,
      (SELECT array_agg(DISTINCT ((sc."timestamp" AT TIME ZONE 'UTC')::date)::text)
         FROM ${visibleScenes(viewer)} sc WHERE ST_Intersects(sc.footprint, s.centre) AND ${sceneConditions(filter)}) AS scene_dates
    FROM sources s`);
}
