import sql, { join, raw, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import { isoInstant } from '../../platform/db/iso-instant.js';
import { containsPattern } from '../../platform/db/like.js';
import type { Interval } from './intervals.js';
import { filtersOnly, type PlumeFilter, type PlumeSort, type PlumeStatus, type Viewer } from './plume-filter.js';
import { visiblePlumes } from './visible-plumes.queries.js';
import { intersectsAnyArea } from './area-filter.queries.js';
import { cellsCount, countFromCells } from './plume-time-cells.queries.js';
import { COLUMN_OFFSET, COLUMN_SPAN, LONGITUDE_SCALES, nearbyCellKeys, ROW_OFFSET, ROWS_PER_DEGREE, type PagePlume } from './nearby-cells.js';

export interface PlumeRow {
  id: string;
  plume_id: string;
  scene_id: string;
  scene_name: string;
  instrument: string;
  platform: string | null;
  provider: string | null;
  mission_phase: string | null;
  /** Instants as ISO 8601 text (isoInstant): what the page shows, formatted by the database. */
  datetime: string;
  organization_id: string | null;
  gas: 'CH4' | 'CO2';
  longitude: number;
  latitude: number;
  /** The plume's bounds, one column per side: four numbers decode far cheaper than a float8[] (NULL without bounds). */
  west: number | null;
  south: number | null;
  east: number | null;
  north: number | null;
  sector: string | null;
  emission_auto: number | null;
  emission_uncertainty_auto: number | null;
  emission_cmf_type: string | null;
  emission_version: string | null;
  processing_software: string | null;
  gsd: number | null;
  sensitivity_mode: string | null;
  off_nadir: number | null;
  wind_speed_avg_auto: number | null;
  wind_speed_std_auto: number | null;
  wind_direction_avg_auto: number | null;
  wind_direction_std_auto: number | null;
  wind_source_auto: string | null;
  quality: string | null;
  quality_shape: boolean | null;
  quality_artifacts: boolean | null;
  quality_flare: boolean | null;
  quality_background: boolean | null;
  phme_candidate: boolean | null;
  hide_emission: boolean;
  notes: string | null;
  asset_id: string | null;
  status: PlumeStatus;
  plume_tif: string | null;
  plume_png: string | null;
  con_tif: string | null;
  rgb_tif: string | null;
  rgb_png: string | null;
  is_offshore: boolean;
  collection: string | null;
  published_at: string | null;
  modified: string;
}

export const PLUME_COLUMNS = sql`
  p.id, p.plume_id, p.scene_id, p.scene_name, p.instrument, p.platform, p.provider, p.mission_phase, ${isoInstant(sql`p."datetime"`)} AS "datetime",
  p.organization_id, p.gas,
  ST_X(p.geometry) AS longitude, ST_Y(p.geometry) AS latitude,
  ST_XMin(p.bounds) AS west, ST_YMin(p.bounds) AS south, ST_XMax(p.bounds) AS east, ST_YMax(p.bounds) AS north,
  p.sector, p.emission_auto, p.emission_uncertainty_auto, p.emission_cmf_type, p.emission_version, p.processing_software, p.gsd,
  p.sensitivity_mode, p.off_nadir, p.wind_speed_avg_auto, p.wind_speed_std_auto, p.wind_direction_avg_auto, p.wind_direction_std_auto,
  p.wind_source_auto, p.quality, p.quality_shape, p.quality_artifacts, p.quality_flare, p.quality_background, p.phme_candidate,
  p.hide_emission, p.notes, p.asset_id, p.status, p.plume_tif, p.plume_png, p.con_tif, p.rgb_tif, p.rgb_png, p.is_offshore,
  p.collection, ${isoInstant(sql`p.published_at`)} AS published_at, ${isoInstant(sql`p.modified`)} AS modified`;

function within(column: Sql, interval: Interval): Sql[] {
  const parts: Sql[] = [];
  if (interval.start) parts.push(sql`${column} >= ${interval.start}`);
  if (interval.end) parts.push(sql`${column} < ${interval.end}`);
  return parts;
}

/**
 * Published plumes for everyone; the owner's own unpublished ones too (deleted only when asked for).
 * visiblePlumes() already applies the first rule; it is repeated here so that a filter applied to
 * the plumes table itself (the organization's own publish_plumes) can never widen what is read.
 */
function visibility(viewer: Viewer, status: PlumeStatus | undefined, includeDeleted = false): Sql[] {
  const parts: Sql[] = [viewer.organizationId ? sql`(p.status = 'published' OR p.organization_id = ${viewer.organizationId})` : sql`p.status = 'published'`];
  if (status) parts.push(sql`p.status = ${status}`);
  else if (!includeDeleted) parts.push(sql`p.status <> 'deleted'`);
  return parts;
}

function sectorCondition(sectors: string[]): Sql {
  const codes = sectors.filter((s) => s !== 'NULL');
  const parts: Sql[] = [];
  if (codes.length) parts.push(sql`p.sector = ANY(${codes}::text[])`);
  if (codes.length < sectors.length) parts.push(sql`p.sector IS NULL`);
  return sql`(${join(parts, ' OR ')})`;
}

/** Every filter but the bounding box, as conditions on `plumes p`. */
export function plumeConditions(filter: PlumeFilter, viewer: Viewer): Sql[] {
  const parts = visibility(viewer, filter.status, filter.includeDeleted);
  if (filter.plumeIdsOfSource) parts.push(sql`p.id = ANY(${filter.plumeIdsOfSource}::uuid[])`);
  if (filter.plumeIds?.length) parts.push(sql`p.id = ANY(${filter.plumeIds}::uuid[])`);
  if (filter.plumeNames?.length) parts.push(sql`p.plume_id = ANY(${filter.plumeNames}::text[])`);
  if (filter.sceneName) parts.push(sql`p.scene_name = ${filter.sceneName}`);
  if (filter.sceneIds?.length) parts.push(sql`p.scene_id = ANY(${filter.sceneIds}::uuid[])`);
  if (filter.search) parts.push(sql`p.plume_id ILIKE ${containsPattern(filter.search)}`);
  if (filter.emissionMin !== undefined) parts.push(sql`p.emission_auto >= ${filter.emissionMin}`);
  if (filter.emissionMax !== undefined) parts.push(sql`p.emission_auto <= ${filter.emissionMax}`);
  if (filter.sectors?.length) parts.push(sectorCondition(filter.sectors));
  if (filter.gas) parts.push(sql`p.gas = ${filter.gas}`);
  if (filter.instruments?.length) parts.push(sql`p.instrument = ANY(${filter.instruments}::text[])`);
  if (filter.qualities?.length) parts.push(sql`p.quality = ANY(${filter.qualities}::text[])`);
  if (filter.hasPhme !== undefined) parts.push(filter.hasPhme ? sql`p.phme_candidate IS TRUE` : sql`p.phme_candidate IS NOT TRUE`);
  if (filter.intersects) {
    const point = sql`ST_SetSRID(ST_MakePoint(${filter.intersects[0]}, ${filter.intersects[1]}), 4326)`;
    parts.push(sql`ST_Intersects(COALESCE(p.bounds, p.geometry), ${point})`);
  }
  if (filter.areas) parts.push(intersectsAnyArea(sql`p.geometry`, filter.areas));
  if (filter.datetime) parts.push(...within(sql`p."datetime"`, filter.datetime));
  if (filter.publishedAt) parts.push(...within(sql`p.published_at`, filter.publishedAt));
  if (filter.modifiedAt) parts.push(...within(sql`p.modified`, filter.modifiedAt));
  return parts;
}

export function bboxCondition(bbox: [number, number, number, number]): Sql {
  const [west, south, east, north] = bbox;
  return sql`p.geometry && ST_MakeEnvelope(${west}, ${south}, ${east}, ${north}, 4326)`;
}

/** The filters, bounding box included, as one WHERE clause. */
export function plumeWhere(filter: PlumeFilter, viewer: Viewer): Sql {
  const parts = plumeConditions(filter, viewer);
  if (filter.bbox) parts.push(bboxCondition(filter.bbox));
  return join(parts, ' AND ');
}

const ORDER: Record<PlumeSort, Sql> = {
  desc: raw('p."datetime" DESC, p.plume_id DESC'),
  asc: raw('p."datetime" ASC, p.plume_id ASC'),
  emissions_desc: raw('p.emission_auto DESC NULLS LAST, p.plume_id DESC'),
  emissions_asc: raw('p.emission_auto ASC NULLS LAST, p.plume_id ASC'),
  published_desc: raw('p.published_at DESC NULLS LAST, p.plume_id DESC'),
  published_asc: raw('p.published_at ASC NULLS LAST, p.plume_id ASC'),
};

export function orderBy(sort: PlumeSort): Sql {
  return ORDER[sort];
}

/**
 * One page of plumes. The page's ids are chosen first, from a covering index when the filters
 * allow (migration 0037), and only the rows of the page are then read whole: an offset of
 * 30,000 walks 30,000 index entries, not 30,000 table rows scattered over the disk.
 */
export function selectPlumes(db: Queryable, filter: PlumeFilter, viewer: Viewer, page: { sort: PlumeSort; limit: number; offset: number }) {
  return db.query<PlumeRow>(sql`
    SELECT ${PLUME_COLUMNS} FROM ${visiblePlumes(viewer)} p
    WHERE p.id IN (
      SELECT p.id FROM ${visiblePlumes(viewer)} p WHERE ${plumeWhere(filter, viewer)}
      ORDER BY ${orderBy(page.sort)} LIMIT ${page.limit} OFFSET ${page.offset})
    ORDER BY ${orderBy(page.sort)}`);
}

/** Filter fields that the maintained counts per owner and status (plume_counts) can answer. */
const COUNTED_FIELDS = new Set<keyof PlumeFilter>(['status', 'includeDeleted', 'bbox']);

function onlyVisibility(filter: PlumeFilter): boolean {
  return filtersOnly(filter, COUNTED_FIELDS);
}

/** total: every filter but the bounding box; in_bbox: with it too (the same as total without one). */
export async function countPlumes(db: Queryable, filter: PlumeFilter, viewer: Viewer) {
  if (onlyVisibility(filter)) {
    // No filter but who may see what: the total is a sum of maintained counts (migration 0038).
    const maintained = sql`(SELECT COALESCE(sum(p.plumes), 0) FROM plume_counts p WHERE ${join(visibility(viewer, filter.status, filter.includeDeleted), ' AND ')})`;
    if (!filter.bbox) {
      const [counted] = await db.query<{ total: number }>(sql`SELECT ${maintained}::int AS total`);
      return { total: counted!.total, in_bbox: counted!.total };
    }
    // The box from the time cells in the same statement: one snapshot, so it never counts more than the total.
    return countFromCells(db, filter, viewer, maintained);
  }
  // Sector, gas, instrument, dates and box: summed from the time cells, the edges counted row by row
  // (migration 0050), in one statement (one snapshot: a concurrent write cannot fall between its parts).
  if (cellsCount(filter)) return countFromCells(db, filter, viewer);
  const inBox = filter.bbox ? bboxCondition(filter.bbox) : sql`true`;
  const [row] = await db.query<{ total: number; in_bbox: number }>(sql`
    SELECT count(*)::int AS total, count(*) FILTER (WHERE ${inBox})::int AS in_bbox
    FROM ${visiblePlumes(viewer)} p WHERE ${join(plumeConditions(filter, viewer), ' AND ')}`);
  return row!;
}

/** The newest visible plumes this far from the page, by their index entries alone: where a dense basin answers from. */
export const NEWEST_SCANNED = 5000;

const nearbyDegrees = (metres: number) => sql`(${metres}::float8 / 111000.0 / GREATEST(cos(radians(ST_Y(o.geometry))), 0.01))`;

/** The chosen plumes read whole; ARRAY(…) runs the choice once, before the rows are looked up by id. */
function wholeRows(viewer: Viewer, chosenIds: Sql) {
  return sql`SELECT ${PLUME_COLUMNS} FROM ${visiblePlumes(viewer)} p WHERE p.id = ANY(ARRAY(${chosenIds})) ORDER BY p."datetime" DESC, p.plume_id DESC`;
}

/** Hundreds of keys as one array literal: pg's own array encoding of numbers costs ~0.2 µs each. */
const intArrayLiteral = (values: number[]) => `{${values.join(',')}}`;

/**
 * Above this many keys (more than a page of 1,000 plumes lists anywhere) the set might not fit the
 * hash memory (work_mem × hash_mem_multiplier) and would be scanned per candidate: candidates then
 * go straight to the exact test.
 */
const MAX_CELL_KEYS = 50_000;

/** A point's cell row (nearby-cells.ts), as SQL. */
export const cellRow = (latitude: Sql) => sql`floor(${latitude} * ${ROWS_PER_DEGREE}::int)::int`;

/** A candidate's cell key, as nearby-cells.ts computes it (the same float8 products, floored). */
export function candidateCellKey(longitude: Sql, row: Sql, gas: Sql): Sql {
  const scales = LONGITUDE_SCALES.slice(0, -1).map(([below, scale]) => sql`WHEN abs(${row}) < ${below}::int THEN ${scale}::int`);
  const scale = sql`CASE ${join(scales, ' ')} ELSE ${LONGITUDE_SCALES.at(-1)![1]}::int END`;
  return sql`((${row} + ${ROW_OFFSET}::int) * ${COLUMN_SPAN}::int + (floor(${longitude} * ${scale})::int + ${COLUMN_OFFSET}::int)) * 2 + (${gas} = 'CO2')::int`;
}

/** A plume of the page, as the page's statement read it. */
export interface NearbyOrigin extends PagePlume {
  id: string;
}

/**
 * Visible plumes within `metres` of any of the given plumes (same gas), excluding them, newest
 * first — looked for among the NEWEST_SCANNED newest visible plumes only. When that finds `limit`
 * of them it is the exact answer (every other neighbour is older); when not, selectNearbyByDistance
 * gives it. In a dense basin a page of 100 plumes has some 100,000 neighbours, which the distance
 * search would each read to keep 100; the newest ones are found here in the first few thousand
 * index entries. A candidate outside every cell the page's neighbourhoods touch (nearbyCellKeys) is
 * passed over with one hash probe, before the exact test against every page plume. The page's
 * plumes are taken where the page's statement found them (not read again), so the cells and the
 * exact test always agree, even if a plume moves meanwhile.
 */
export function selectNearbyAmongNewest(db: Queryable, origins: NearbyOrigin[], viewer: Viewer, metres: number, limit: number) {
  const ids = origins.map((origin) => origin.id);
  const keys = nearbyCellKeys(origins, metres);
  const candidateKey = candidateCellKey(sql`ST_X(newest.geometry)`, sql`newest.cell_row`, sql`newest.gas`);
  // IN (…) inside an expression stays a subplan (not a join), hashed once and probed per candidate in time order.
  const inNearCells = keys.length <= MAX_CELL_KEYS ? sql`AND (${candidateKey} IN (SELECT unnest(${intArrayLiteral(keys)}::int[]))) IS TRUE` : sql``;
  return db.query<PlumeRow>(sql`
    WITH page AS MATERIALIZED (
      SELECT o.gas, o.geometry::geography AS place, ST_Expand(o.geometry, ${nearbyDegrees(metres)}) AS near
      FROM (SELECT gas, ST_SetSRID(ST_MakePoint(longitude, latitude), 4326) AS geometry
            FROM unnest(${origins.map((origin) => origin.longitude)}::float8[], ${origins.map((origin) => origin.latitude)}::float8[], ${origins.map((origin) => origin.gas)}::text[])
              AS origin(longitude, latitude, gas)) o),
    region AS MATERIALIZED (SELECT ST_SetSRID(ST_Extent(near)::geometry, 4326) AS near FROM page)
    ${wholeRows(viewer, sql`
      SELECT newest.id FROM (
        SELECT p.id, p.gas, p.geometry, p."datetime", p.plume_id, ${cellRow(sql`ST_Y(p.geometry)`)} AS cell_row
        FROM plumes p WHERE ${join(visibility(viewer, undefined), ' AND ')}
        ORDER BY p."datetime" DESC, p.plume_id DESC LIMIT ${NEWEST_SCANNED}) newest
      WHERE newest.geometry && (SELECT near FROM region) AND NOT (newest.id = ANY(${ids}::uuid[]))
        ${inNearCells}
        -- OFFSET 0 keeps this a check on each candidate in time order (not a join), so the scan stops at the limit.
        AND EXISTS (SELECT 1 FROM page o WHERE o.gas = newest.gas AND newest.geometry && o.near AND ST_DWithin(o.place, newest.geometry::geography, ${metres}) OFFSET 0)
      ORDER BY newest."datetime" DESC, newest.plume_id DESC LIMIT ${limit}`)}`);
}

/**
 * The same answer found from the given plumes outwards: a box in degrees wide enough at that
 * latitude lets the geometry index pick candidates, and the exact distance on the spheroid
 * decides; the newest `limit` are chosen by id, time and name before any row is read whole.
 */
export function selectNearbyByDistance(db: Queryable, ids: string[], viewer: Viewer, metres: number, limit: number) {
  return db.query<PlumeRow>(wholeRows(viewer, sql`
    SELECT p.id FROM unnest(${ids}::uuid[]) AS chosen(id) JOIN plumes o ON o.id = chosen.id
      JOIN plumes p ON p.gas = o.gas AND p.geometry && ST_Expand(o.geometry, ${nearbyDegrees(metres)})
    WHERE ${join(visibility(viewer, undefined), ' AND ')} AND NOT (p.id = ANY(${ids}::uuid[]))
      AND ST_DWithin(o.geometry::geography, p.geometry::geography, ${metres})
    GROUP BY p.id, p."datetime", p.plume_id
    ORDER BY p."datetime" DESC, p.plume_id DESC LIMIT ${limit}`));
}

/**
 * A plume by UUID or name. A name can be both the viewer's own unpublished plume and another
 * organization's published one (names are unique per owner and among published plumes): the
 * viewer's own comes first.
 */
export async function selectPlume(db: Queryable, idOrName: { id?: string; name?: string }, viewer: Viewer) {
  const key = idOrName.id ? sql`p.id = ${idOrName.id}` : sql`p.plume_id = ${idOrName.name ?? ''}`;
  const [row] = await db.query<PlumeRow>(sql`
    SELECT ${PLUME_COLUMNS} FROM ${visiblePlumes(viewer)} p WHERE ${key} AND ${join(visibility(viewer, undefined), ' AND ')}
    ORDER BY p.organization_id IS NOT DISTINCT FROM ${viewer.organizationId}::uuid DESC LIMIT 1`);
  return row;
}

/** The plume to edit, locked; by name, the organization's own before anyone else's. */
export async function selectPlumeForUpdate(db: Queryable, idOrName: { id?: string; name?: string }, organizationId: string) {
  const key = idOrName.id ? sql`p.id = ${idOrName.id}` : sql`p.plume_id = ${idOrName.name ?? ''}`;
  const [row] = await db.query<PlumeRow>(sql`
    SELECT ${PLUME_COLUMNS} FROM plumes p WHERE ${key}
    ORDER BY p.organization_id IS NOT DISTINCT FROM ${organizationId}::uuid DESC, p.status = 'published' DESC LIMIT 1 FOR UPDATE`);
  return row;
}
