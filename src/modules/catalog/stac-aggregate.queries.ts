import sql, { join, raw, type Sql } from 'sql-template-tag';
import type { Viewer } from './plume-filter.js';
import { COLLECTION_OF_PLUME } from './stac-filter.queries.js';
import { plumeConditions, sceneConditions, sceneSource, sceneSources } from './stac.queries.js';
import type { StacSearch } from './stac.service.js';
import { visiblePlumes } from './visible-plumes.queries.js';

/**
 * STAC API Aggregation over the same items a search matches (the same conditions, the same
 * visibility rule): the matched items' few aggregated columns are read once (a materialised CTE),
 * and each requested aggregation is one grouped sub-select over them.
 */

export const DATETIME_INTERVALS = ['year', 'month', 'week', 'day', 'hour'] as const;
export type DatetimeInterval = (typeof DATETIME_INTERVALS)[number];

/** Range edges (kg/h, %): bucket i holds [edge[i-1], edge[i]), the first is open below and the last above. */
export const EMISSION_EDGES = [100, 500, 1000, 5000, 10000];
export const CLOUD_COVER_EDGES = [10, 20, 30, 40, 50, 60, 70, 80, 90];
/** Term and grid aggregations answer the most frequent keys up to this many; the rest is `overflow`. */
export const MAX_BUCKETS = 1000;

export interface AggregateRequest {
  names: Set<string>;
  datetimeInterval: DatetimeInterval;
  geohashPrecision: number;
  geotilePrecision: number;
}

/** The matched items, one row each, with the columns aggregations read. */
function matchedItems(viewer: Viewer, search: StacSearch): Sql | null {
  const branches: Sql[] = [];
  const plumes = plumeConditions(search);
  if (plumes) {
    branches.push(sql`SELECT ${COLLECTION_OF_PLUME} AS collection, p."datetime" AS datetime, p.emission_auto::float8 AS emission,
        NULL::float8 AS cloud_cover, p.sector, p.instrument, p.geometry AS point
      FROM ${visiblePlumes(viewer)} p WHERE ${join(plumes, ' AND ')}`);
  }
  for (const source of sceneSources(search)) {
    branches.push(sql`SELECT s.stac_collection AS collection, s."timestamp" AS datetime, NULL::float8 AS emission,
        CASE WHEN s.stac_kind = 'scene' THEN s.cloud_cover::float8 END AS cloud_cover, NULL::text AS sector, s.instrument,
        CASE WHEN s.footprint IS NOT NULL THEN ST_PointOnSurface(s.footprint) END AS point
      FROM ${sceneSource(viewer, source)} s WHERE ${join(sceneConditions(search), ' AND ')}`);
  }
  return branches.length ? join(branches, ' UNION ALL ') : null;
}

/** Keys and counts, most frequent first, as a JSON array of [key, frequency]. */
function terms(key: Sql, order: Sql = raw('n DESC, k')): Sql {
  return sql`(SELECT COALESCE(jsonb_agg(jsonb_build_array(k, n) ORDER BY ${order}), '[]'::jsonb)
    FROM (SELECT ${key} AS k, count(*) AS n FROM m WHERE ${key} IS NOT NULL GROUP BY 1 ORDER BY ${order} LIMIT ${MAX_BUCKETS}) b)`;
}

function ranges(column: Sql, edges: number[]): Sql {
  return terms(sql`width_bucket(${column}, ${edges}::float8[])`, raw('k'));
}

/** The Web Mercator tile (z/x/y) holding a point, latitudes clamped to the projection's ±85.0511°. */
function geotile(zoom: number): Sql {
  const n = 2 ** zoom;
  const lat = raw('radians(LEAST(GREATEST(ST_Y(point), -85.0511287798), 85.0511287798))');
  const x = sql`LEAST(GREATEST(floor((ST_X(point) + 180) / 360 * ${n}::float8), 0), ${n - 1}::float8)::bigint`;
  const y = sql`LEAST(GREATEST(floor((1 - ln(tan(${lat}) + 1 / cos(${lat})) / pi()) / 2 * ${n}::float8), 0), ${n - 1}::float8)::bigint`;
  return sql`CASE WHEN point IS NOT NULL THEN ${String(zoom)} || '/' || ${x} || '/' || ${y} END`;
}

const COLUMNS: Record<string, (request: AggregateRequest) => Sql> = {
  total_count: () => raw('(SELECT count(*) FROM m)'),
  datetime_min: () => raw('(SELECT min(datetime) FROM m)'),
  datetime_max: () => raw('(SELECT max(datetime) FROM m)'),
  collection_frequency: () => terms(raw('collection')),
  sector_frequency: () => terms(raw('sector')),
  instrument_frequency: () => terms(raw('instrument')),
  datetime_frequency: (request) =>
    terms(sql`to_char(date_trunc(${request.datetimeInterval}, datetime AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`, raw('k')),
  emission_frequency: () => ranges(raw('emission'), EMISSION_EDGES),
  cloud_cover_frequency: () => ranges(raw('cloud_cover'), CLOUD_COVER_EDGES),
  grid_geohash_frequency: (request) => terms(sql`ST_GeoHash(point, ${request.geohashPrecision}::int)`),
  grid_geotile_frequency: (request) => terms(geotile(request.geotilePrecision)),
};
export const AGGREGATION_NAMES = Object.keys(COLUMNS);

/** One row: `total` and one column per requested aggregation (a value, or [key, frequency] pairs). */
export function aggregateSql(viewer: Viewer, search: StacSearch, request: AggregateRequest): Sql {
  const items = matchedItems(viewer, search) ?? sql`SELECT NULL::text AS collection, NULL::timestamptz AS datetime, NULL::float8 AS emission,
      NULL::float8 AS cloud_cover, NULL::text AS sector, NULL::text AS instrument, NULL::geometry AS point WHERE false`;
  const names = AGGREGATION_NAMES.filter((name) => request.names.has(name));
  const columns = [sql`(SELECT count(*) FROM m) AS total`, ...names.map((name) => sql`${COLUMNS[name]!(request)} AS ${raw(`"${name}"`)}`)];
  return sql`WITH m AS MATERIALIZED (${items}) SELECT ${join(columns, ', ')}`;
}
