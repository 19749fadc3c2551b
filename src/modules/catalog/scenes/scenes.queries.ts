import sql, { join, raw, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';
import { containsPattern } from '../../../platform/db/like.js';
import type { Interval } from '../intervals.js';
import type { PlumeStatus, Viewer } from '../plume-filter.js';
import { visiblePlumes } from '../visible-plumes.queries.js';
import { visibleScenes } from '../visible-scenes.queries.js';
import { intersectsAnyArea } from '../area-filter.queries.js';
import { pickerWhere, type PickerFilter } from './picker-filter.queries.js';

/** The scene filters, parsed. Plume conditions ask for at least one plume of the scene meeting all of them. */
export interface SceneFilter {
  ids?: string[];
  names?: string[];
  search?: string;
  instruments?: string[];
  cloudCoverMin?: number;
  cloudCoverMax?: number;
  assessment?: 'assessed' | 'not-assessed' | 'do-not-assess' | 'exclude-do-not-assess';
  /** Picker assignments of the viewer's organization (see pickerWhere); anonymous viewers have none. */
  assignment?: PickerFilter;
  intersects?: [number, number];
  bbox?: [number, number, number, number];
  /** Areas (hex EWKB, from aoi_id and gadm_composite_id): scenes whose footprint intersects any of them. */
  areas?: string[];
  datetime?: Interval;
  createdAt?: Interval;
  modifiedAt?: Interval;
  publishedOnly?: boolean;
  publishedPlumeCountMin?: number;
  publishedPlumeCountMax?: number;
  plume?: {
    gas?: string;
    quality?: string;
    statuses?: (PlumeStatus | 'not_deleted' | 'all')[];
    hasEmissions?: boolean;
    hasPhme?: boolean;
    emissionMin?: number;
    emissionMax?: number;
    sectors?: string[];
    publishedAt?: Interval;
  };
}

export type SceneSort = 'asc' | 'desc' | 'priority';

export interface SceneRow {
  id: string;
  name: string;
  instrument: string;
  platform: string | null;
  provider: string | null;
  mission_phase: string | null;
  timestamp: Date;
  bounds: number[] | null;
  footprint: string | null;
  cloud_cover: number | null;
  qa_flags: string[];
  status: string;
  assessed: boolean;
  do_not_assess: boolean;
  created_at: Date;
  modified: Date;
  plume_count: number;
  deleted_plume_count: number;
  hidden_plume_count: number;
  published_plume_count: number;
  unreviewed_plume_count: number;
}

/** Assessed: marked so (imports, seeds) or reviewed in the picker (the view its migration 0031 creates). */
export const ASSESSED = sql`(s.assessed OR EXISTS (SELECT 1 FROM picker_assessed_scenes pas WHERE pas.scene_id = s.id))`;

function within(column: Sql, interval: Interval | undefined): Sql[] {
  if (!interval) return [];
  return [...(interval.start ? [sql`${column} >= ${interval.start}`] : []), ...(interval.end ? [sql`${column} < ${interval.end}`] : [])];
}

function plumeExists(filter: NonNullable<SceneFilter['plume']>, viewer: Viewer): Sql {
  const parts: Sql[] = [sql`p.scene_id = s.id`];
  const statuses = filter.statuses ?? ['not_deleted'];
  if (!statuses.includes('all')) {
    const named = statuses.filter((s): s is PlumeStatus => s !== 'not_deleted');
    const options: Sql[] = [];
    if (named.length) options.push(sql`p.status = ANY(${named}::text[])`);
    if (statuses.includes('not_deleted')) options.push(sql`p.status <> 'deleted'`);
    parts.push(sql`(${join(options, ' OR ')})`);
  }
  if (filter.gas) parts.push(sql`p.gas = ${filter.gas}`);
  if (filter.quality && filter.quality !== 'any') parts.push(sql`p.quality = ${filter.quality}`);
  if (filter.hasEmissions !== undefined) parts.push(filter.hasEmissions ? sql`p.emission_auto IS NOT NULL` : sql`p.emission_auto IS NULL`);
  if (filter.hasPhme !== undefined) parts.push(filter.hasPhme ? sql`p.phme_candidate IS TRUE` : sql`p.phme_candidate IS NOT TRUE`);
  if (filter.emissionMin !== undefined) parts.push(sql`p.emission_auto >= ${filter.emissionMin}`);
  if (filter.emissionMax !== undefined) parts.push(sql`p.emission_auto <= ${filter.emissionMax}`);
  if (filter.sectors?.length) {
    const codes = filter.sectors.filter((s) => s !== 'NULL');
    const options: Sql[] = [];
    if (codes.length) options.push(sql`p.sector = ANY(${codes}::text[])`);
    if (codes.length < filter.sectors.length) options.push(sql`p.sector IS NULL`);
    parts.push(sql`(${join(options, ' OR ')})`);
  }
  parts.push(...within(sql`p.published_at`, filter.publishedAt));
  return sql`EXISTS (SELECT 1 FROM ${visiblePlumes(viewer)} p WHERE ${join(parts, ' AND ')})`;
}

/** The filter's conditions on `s`, a scene already visible to the viewer (see visibleScenes). */
export function sceneWhere(filter: SceneFilter, viewer: Viewer): Sql {
  const parts: Sql[] = [sql`true`];
  if (filter.publishedOnly) parts.push(sql`s.status = 'published'`);
  if (filter.assignment) parts.push(pickerWhere(filter.assignment, viewer));
  if (filter.ids?.length) parts.push(sql`s.id = ANY(${filter.ids}::uuid[])`);
  if (filter.names?.length) parts.push(sql`s.name = ANY(${filter.names}::text[])`);
  if (filter.search) parts.push(sql`s.name ILIKE ${containsPattern(filter.search)}`);
  if (filter.instruments?.length) parts.push(sql`s.instrument = ANY(${filter.instruments}::text[])`);
  if (filter.cloudCoverMin !== undefined) parts.push(sql`s.cloud_cover >= ${filter.cloudCoverMin}`);
  if (filter.cloudCoverMax !== undefined) parts.push(sql`s.cloud_cover <= ${filter.cloudCoverMax}`);
  switch (filter.assessment) {
    case 'assessed':
      parts.push(ASSESSED);
      break;
    case 'not-assessed':
      parts.push(sql`NOT ${ASSESSED} AND NOT s.do_not_assess`);
      break;
    case 'do-not-assess':
      parts.push(sql`s.do_not_assess`);
      break;
    case 'exclude-do-not-assess':
      parts.push(sql`NOT s.do_not_assess`);
      break;
  }
  if (filter.intersects) parts.push(sql`ST_Intersects(s.footprint, ST_SetSRID(ST_MakePoint(${filter.intersects[0]}, ${filter.intersects[1]}), 4326))`);
  if (filter.bbox) parts.push(sql`s.footprint && ST_MakeEnvelope(${filter.bbox[0]}, ${filter.bbox[1]}, ${filter.bbox[2]}, ${filter.bbox[3]}, 4326)`);
  if (filter.areas) parts.push(intersectsAnyArea(sql`s.footprint`, filter.areas));
  parts.push(...within(sql`s."timestamp"`, filter.datetime), ...within(sql`s.created_at`, filter.createdAt), ...within(sql`s.modified`, filter.modifiedAt));
  if (filter.plume && Object.values(filter.plume).some((v) => v !== undefined)) parts.push(plumeExists(filter.plume, viewer));
  const published = sql`(SELECT count(*) FROM plumes p WHERE p.scene_id = s.id AND p.status = 'published')`;
  if (filter.publishedPlumeCountMin !== undefined) parts.push(sql`${published} >= ${filter.publishedPlumeCountMin}`);
  if (filter.publishedPlumeCountMax !== undefined) parts.push(sql`${published} <= ${filter.publishedPlumeCountMax}`);
  return join(parts, ' AND ');
}

const ORDER: Record<SceneSort, Sql> = {
  desc: raw('s."timestamp" DESC, s.name DESC'),
  asc: raw('s."timestamp" ASC, s.name ASC'),
  // The assessment queue: unassessed scenes first, those with most plumes to review first, newest first.
  priority: raw('assessed ASC, unreviewed_plume_count DESC, s."timestamp" DESC, s.name DESC'),
};

const COLUMNS = sql`
  s.id, s.name, s.instrument, s.platform, s.provider, s.mission_phase, s."timestamp",
  CASE WHEN s.footprint IS NULL THEN NULL ELSE ARRAY[ST_XMin(s.footprint), ST_YMin(s.footprint), ST_XMax(s.footprint), ST_YMax(s.footprint)] END AS bounds,
  ST_AsGeoJSON(s.footprint, 6) AS footprint, s.cloud_cover, s.qa_flags, s.status, ${ASSESSED} AS assessed, s.do_not_assess, s.created_at, s.modified,
  counts.plume_count, counts.deleted_plume_count, counts.hidden_plume_count, counts.published_plume_count, counts.unreviewed_plume_count`;

const COUNTS = (viewer: Viewer) => sql`
  LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE p.status <> 'deleted')::int AS plume_count,
           count(*) FILTER (WHERE p.status = 'deleted')::int AS deleted_plume_count,
           count(*) FILTER (WHERE p.status = 'hidden')::int AS hidden_plume_count,
           count(*) FILTER (WHERE p.status = 'published')::int AS published_plume_count,
           count(*) FILTER (WHERE p.status = 'valid')::int AS unreviewed_plume_count
    FROM ${visiblePlumes(viewer)} p WHERE p.scene_id = s.id) counts ON true`;

export function selectScenes(db: Queryable, filter: SceneFilter, viewer: Viewer, page: { sort: SceneSort; limit: number; offset: number }) {
  return db.query<SceneRow>(sql`
    SELECT ${COLUMNS} FROM ${visibleScenes(viewer)} s ${COUNTS(viewer)}
    WHERE ${sceneWhere(filter, viewer)} ORDER BY ${ORDER[page.sort]} LIMIT ${page.limit} OFFSET ${page.offset}`);
}

export async function countScenes(db: Queryable, filter: SceneFilter, viewer: Viewer) {
  const [row] = await db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${visibleScenes(viewer)} s WHERE ${sceneWhere(filter, viewer)}`);
  return row!.n;
}

export function selectSceneDates(db: Queryable, filter: SceneFilter, viewer: Viewer) {
  return db.query<{ date: string; scene_count: number; instruments: string[] }>(sql`
    SELECT to_char((s."timestamp" AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS date, count(*)::int AS scene_count, array_agg(DISTINCT s.instrument) AS instruments
    FROM ${visibleScenes(viewer)} s WHERE ${sceneWhere(filter, viewer)} GROUP BY 1 ORDER BY 1 DESC`);
}

/** Footprints as little-endian WKB with their envelopes, for the GeoPackage. */
export function selectSceneGeometries(db: Queryable, ids: string[]) {
  return db.query<{ id: string; wkb: Uint8Array | null; min_x: number; min_y: number; max_x: number; max_y: number }>(sql`
    SELECT id, ST_AsBinary(footprint, 'NDR') AS wkb, ST_XMin(footprint) AS min_x, ST_YMin(footprint) AS min_y, ST_XMax(footprint) AS max_x, ST_YMax(footprint) AS max_y
    FROM scenes WHERE id = ANY(${ids}::uuid[])`);
}
