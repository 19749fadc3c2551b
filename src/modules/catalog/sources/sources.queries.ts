import sql, { join, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';
import type { PlumeFilter, Viewer } from '../plume-filter.js';
import { plumeWhere } from '../plumes.queries.js';
import type { DailyDetection } from './source-name.js';

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
  days: DailyDetection[];
  scene_dates: string[] | null;
}

/** A plume's UTM zone as an EPSG code, in SQL. */
const SRID = sql`((CASE WHEN ST_Y(p.geometry) >= 0 THEN 32600 ELSE 32700 END) + LEAST(60, floor((ST_X(p.geometry) + 180) / 6)::int + 1))`;

export interface Partition {
  gas: string;
  sector: string;
  srid: number;
}

function partitionCondition(partition: Partition | undefined): Sql {
  if (!partition) return sql`true`;
  return sql`p.gas = ${partition.gas} AND COALESCE(p.sector, 'NULL') = ${partition.sector} AND ${SRID} = ${partition.srid}`;
}

/** Scenes that count as observations: visible ones, of the instruments and time asked for. */
function sceneConditions(filter: PlumeFilter, viewer: Viewer): Sql {
  const parts: Sql[] = [
    sql`sc.footprint IS NOT NULL`,
    sql`sc.status <> 'deleted'`,
    viewer.organizationId ? sql`(sc.status = 'published' OR sc.organization_id = ${viewer.organizationId})` : sql`sc.status = 'published'`,
  ];
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
      FROM plumes p WHERE ${plumeWhere(filter, viewer)} AND ${partitionCondition(partition)}
    )
    SELECT picked.*, ST_ClusterDBSCAN(ST_Transform(geometry, srid), ${eps}::float8, ${minpoints}::int) OVER (PARTITION BY gas, sector, srid) AS cluster
    FROM picked`;
}

/**
 * Sources: each cluster with its plumes, centre (centroid of its plumes), time span, detected
 * rates by UTC date, and the UTC dates of the scenes whose footprint covers its centre.
 */
export function selectClusters(db: Queryable, filter: PlumeFilter, viewer: Viewer, eps: number, minpoints: number, partition?: Partition) {
  return db.query<ClusterRow>(sql`
    WITH clustered AS (${clusteredPlumes(filter, viewer, eps, minpoints, partition)}),
    members AS (SELECT * FROM clustered WHERE cluster IS NOT NULL),
    daily AS (
      SELECT gas, sector, srid, cluster, json_agg(json_build_object('date', day, 'mean_emission', mean_emission, 'mean_uncertainty', mean_uncertainty) ORDER BY day) AS days
      FROM (
        SELECT gas, sector, srid, cluster, to_char(("datetime" AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day,
               avg(emission_auto)::float8 AS mean_emission, avg(emission_uncertainty_auto)::float8 AS mean_uncertainty
        FROM members GROUP BY 1, 2, 3, 4, 5) d
      GROUP BY gas, sector, srid, cluster
    ),
    sources AS (
      SELECT gas, sector, srid, cluster, count(*)::int AS plume_count,
        array_agg(plume_id ORDER BY "datetime", plume_id) AS plume_ids,
        array_agg(id::text ORDER BY "datetime", plume_id) AS plume_uuids,
        ST_Centroid(ST_Collect(geometry)) AS centre,
        min("datetime") AS timestamp_min, max("datetime") AS timestamp_max,
        min(published_at) AS published_at_min, max(published_at) AS published_at_max
      FROM members GROUP BY gas, sector, srid, cluster
    )
    SELECT s.gas, s.sector, s.srid, s.cluster, s.plume_count, s.plume_ids, s.plume_uuids,
      ST_X(s.centre) AS longitude, ST_Y(s.centre) AS latitude, s.timestamp_min, s.timestamp_max, s.published_at_min, s.published_at_max,
      d.days,
      (SELECT array_agg(DISTINCT to_char((sc."timestamp" AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD'))
         FROM scenes sc WHERE ST_Intersects(sc.footprint, s.centre) AND ${sceneConditions(filter, viewer)}) AS scene_dates
    FROM sources s JOIN daily d USING (gas, sector, srid, cluster)`);
}

/** For `explain`: the scenes covering a point, by UTC date. */
export function selectCoveringScenes(db: Queryable, longitude: number, latitude: number, filter: PlumeFilter, viewer: Viewer) {
  return db.query<{ date: string; name: string }>(sql`
    SELECT to_char((sc."timestamp" AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS date, sc.name FROM scenes sc
    WHERE ST_Intersects(sc.footprint, ST_SetSRID(ST_MakePoint(${longitude}, ${latitude}), 4326)) AND ${sceneConditions(filter, viewer)}
    ORDER BY sc."timestamp", sc.name`);
}

