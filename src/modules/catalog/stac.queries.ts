import sql, { join, raw, type Sql } from 'sql-template-tag';
import { containsPattern } from '../../platform/db/like.js';
import { isUuid } from '../../platform/uuid.js';
import type { Viewer } from './plume-filter.js';
import type { Keyset, SortKey, StacSearch, TimeRange } from './stac.service.js';
import { CASTS, COLLECTION_OF_PLUME, compileFilter, envelope, geometryLiteral, PLUME_COLLECTION, PLUME_GEOMETRY, plumeIntersects, QUERYABLES, SCENE_COLLECTION, SORT_FIELDS, type Kind, type SortField } from './stac-filter.queries.js';
import { visiblePlumes } from './visible-plumes.queries.js';
import { visibleScenes } from './visible-scenes.queries.js';

export { L2B_COLLECTION, l2bCollection, PLUME_COLLECTION, QUERYABLES, SCENE_COLLECTION, SORT_FIELDS, type Kind, type SortField } from './stac-filter.queries.js';

function sortExpression(field: SortField, direction: 'asc' | 'desc', kind: Kind): Sql {
  const column = QUERYABLES[field]![kind];
  const type = SORT_FIELDS[field];
  if (type === 'number') return sql`COALESCE(${column ?? raw('NULL')}::float8, ${direction === 'asc' ? 'Infinity' : '-Infinity'}::float8)`;
  return column!;
}

function fullSort(search: StacSearch): SortKey[] {
  return search.sortby.length ? search.sortby : [{ field: 'datetime', direction: 'desc' }];
}

/** Rows strictly after (next) or before (prev) the keyset, in the order of `keys` then kind, uid. */
function keysetCondition(keys: SortKey[], keyset: Keyset, kind: Kind, uidColumn: Sql, tieColumn: Sql): Sql {
  const flip = keyset.direction === 'prev';
  const terms: { left: Sql; right: Sql; ascending: boolean }[] = keys.map((key, index) => ({
    left: sortExpression(key.field, key.direction, kind),
    right: sql`${String(keyset.values[index])}::${CASTS[SORT_FIELDS[key.field]]}`,
    ascending: key.direction === 'asc',
  }));
  terms.push({ left: tieColumn, right: sql`${keyset.kind}::text`, ascending: true });
  terms.push({ left: uidColumn, right: sql`${keyset.uid}::uuid`, ascending: true });
  const alternatives = terms.map((term, index) => {
    const equal = terms.slice(0, index).map((before) => sql`${before.left} = ${before.right}`);
    const after = term.ascending !== flip ? sql`${term.left} > ${term.right}` : sql`${term.left} < ${term.right}`;
    return join([...equal, after], ' AND ');
  });
  return sql`(${join(alternatives, ' OR ')})`;
}

function orderBy(keys: SortKey[], flip: boolean, kind: Kind | null, uidColumn: Sql, tieColumn?: Sql): Sql {
  const direction = (ascending: boolean) => raw(ascending !== flip ? 'ASC' : 'DESC');
  const parts = keys.map((key, index) => sql`${kind ? sortExpression(key.field, key.direction, kind) : raw(`o${index}`)} ${direction(key.direction === 'asc')}`);
  if (!kind) parts.push(sql`kind ${direction(true)}`);
  else if (tieColumn) parts.push(sql`${tieColumn} ${direction(true)}`);
  parts.push(sql`${uidColumn} ${direction(true)}`);
  return join(parts, ', ');
}

// ---------------------------------------------------------------- search

function within(column: Sql, range: TimeRange): Sql[] {
  const parts: Sql[] = [];
  if (range.start) parts.push(sql`${column} >= ${range.start}::timestamptz`);
  // Instants are read to the millisecond; stored times keep microseconds, so an inclusive end covers its whole millisecond.
  if (range.end) parts.push(sql`${column} < ${new Date(range.end.getTime() + 1)}::timestamptz`);
  return parts;
}

function textSearch(terms: string[], columns: Sql[]): Sql {
  const alternatives = terms.flatMap((term) => columns.map((column) => sql`${column} ILIKE ${containsPattern(term)}`));
  return sql`(${join(alternatives, ' OR ')})`;
}

function idCondition(ids: string[], name: Sql, uid: Sql): Sql {
  const uuids = ids.filter(isUuid);
  return uuids.length ? sql`(${name} = ANY(${ids}::text[]) OR ${uid} = ANY(${uuids}::uuid[]))` : sql`${name} = ANY(${ids}::text[])`;
}

export function plumeConditions(search: StacSearch): Sql[] | null {
  const parts: Sql[] = [raw("p.status <> 'deleted'")];
  if (search.collections) {
    const wanted = search.collections.filter((id) => PLUME_COLLECTION.test(id));
    if (!wanted.length) return null;
    parts.push(sql`${COLLECTION_OF_PLUME} = ANY(${wanted}::text[])`);
  }
  if (search.ids) parts.push(idCondition(search.ids, raw('p.plume_id'), raw('p.id')));
  if (search.bboxes) parts.push(sql`(${join(search.bboxes.map((box) => plumeIntersects(envelope(box))), ' OR ')})`);
  if (search.intersects) parts.push(plumeIntersects(geometryLiteral(search.intersects)));
  if (search.datetime) parts.push(...within(raw('p."datetime"'), search.datetime));
  if (search.created) parts.push(...within(raw('p.created_at'), search.created));
  if (search.cmf) parts.push(sql`p.emission_cmf_type = ${search.cmf}`);
  if (search.gas) parts.push(sql`p.gas = ${search.gas.toUpperCase()}`);
  if (search.instruments) parts.push(sql`p.instrument = ANY(${search.instruments}::text[])`);
  if (search.sector) parts.push(sql`p.sector = ${search.sector}`);
  if (search.versions) {
    parts.push(search.versionIncludeNulls ? sql`(p.emission_version = ANY(${search.versions}::text[]) OR p.emission_version IS NULL)` : sql`p.emission_version = ANY(${search.versions}::text[])`);
  }
  if (search.q) parts.push(textSearch(search.q, [raw('p.plume_id'), raw('p.scene_name'), raw('p.sector'), raw('p.instrument'), raw('p.platform'), raw('p.provider'), raw('p.gas')]));
  if (search.filter !== undefined) parts.push(compileFilter(search.filter, 'plume'));
  return parts;
}

export type SceneProduct = 'ch4' | 'co2';

/**
 * Where scene items come from: the RGB scenes (l1b) or the scenes holding an uploaded concentration
 * raster (l2b, one item per product). Each is a FROM item aliased `s`: the visible scenes plus the
 * columns the item needs (its collection, its kind for the order's tie-break, its raster's keys).
 */
export type SceneSource = { l1b: true } | { l1b: false; products: SceneProduct[] };

/** The scene sources a search reaches, given its collections and the page's product filters. */
export function sceneSources(search: StacSearch): SceneSource[] {
  const sources: SceneSource[] = [];
  const wanted = (id: string) => !search.collections || search.collections.includes(id);
  // The page's plume product filters name nothing an RGB scene has: asked for, they leave RGB scenes out.
  if (wanted(SCENE_COLLECTION) && !(search.cmf || search.gas || search.sector || search.versions)) sources.push({ l1b: true });
  // An L2B product has a gas (its product), the default matched filter (mfa) and version (v1), no sector.
  let products = (['ch4', 'co2'] as const).filter((product) => wanted(`l2b-${product}-mfa-v1`));
  if (search.gas) products = products.filter((product) => product === search.gas!.toLowerCase());
  if (search.cmf && search.cmf !== 'mfa') products = [];
  if (search.versions && !search.versions.includes('v1') && !search.versionIncludeNulls) products = [];
  if (search.sector) products = [];
  if (products.length) sources.push({ l1b: false, products });
  return sources;
}

export function sceneSource(viewer: Viewer, source: SceneSource): Sql {
  if (source.l1b) {
    return sql`(SELECT v.*, ${SCENE_COLLECTION}::text AS stac_collection, 'scene'::text AS stac_kind, NULL::text AS product,
        NULL::text AS raster_key, NULL::text AS rgb_key, NULL::integer AS raster_epsg, NULL::integer AS raster_width, NULL::integer AS raster_height, NULL::float8 AS raster_nodata
      FROM ${visibleScenes(viewer)} v)`;
  }
  return sql`(SELECT v.*, 'l2b-' || sr.product || '-mfa-v1' AS stac_collection, 'l2b-' || sr.product AS stac_kind, sr.product,
      sr.key AS raster_key, rgb.key AS rgb_key, r.epsg AS raster_epsg, r.width AS raster_width, r.height AS raster_height, r.nodata AS raster_nodata
    FROM ${visibleScenes(viewer)} v
    JOIN scene_rasters sr ON sr.scene_id = v.id AND sr.product = ANY(${source.products}::text[])
    JOIN rasters r ON r.key = sr.key
    LEFT JOIN scene_rasters rgb ON rgb.scene_id = v.id AND rgb.product = 'rgb')`;
}

export function sceneConditions(search: StacSearch): Sql[] {
  const parts: Sql[] = [raw('TRUE')];
  if (search.ids) parts.push(idCondition(search.ids, raw('s.name'), raw('s.id')));
  if (search.bboxes) parts.push(sql`(${join(search.bboxes.map((box) => sql`ST_Intersects(s.footprint, ${envelope(box)})`), ' OR ')})`);
  if (search.intersects) parts.push(sql`ST_Intersects(s.footprint, ${geometryLiteral(search.intersects)})`);
  if (search.datetime) parts.push(...within(raw('s."timestamp"'), search.datetime));
  if (search.created) parts.push(...within(raw('s.created_at'), search.created));
  if (search.instruments) parts.push(sql`s.instrument = ANY(${search.instruments}::text[])`);
  if (search.q) parts.push(textSearch(search.q, [raw('s.name'), raw('s.instrument'), raw('s.platform'), raw('s.provider')]));
  if (search.filter !== undefined) parts.push(compileFilter(search.filter, 'scene'));
  return parts;
}

const ASSET_KEYS = sql`jsonb_strip_nulls(jsonb_build_object('plume_tif', p.plume_tif, 'plume_png', p.plume_png, 'con_tif', p.con_tif, 'rgb_tif', p.rgb_tif, 'rgb_png', p.rgb_png))`;
const OWNED_KEYS = sql`ARRAY(SELECT a.key FROM plume_assets a WHERE a.key IN (p.plume_tif, p.plume_png, p.con_tif, p.rgb_tif, p.rgb_png) AND a.organization_id IS NOT DISTINCT FROM p.organization_id)`;

const PLUME_PROPERTIES = sql`jsonb_build_object(
  'platform', p.platform, 'instrument', p.instrument, 'gsd', p.gsd, 'gas', p.gas, 'sector', p.sector,
  'emission', p.emission_auto, 'emission_uncertainty', p.emission_uncertainty_auto, 'cmf_type', p.emission_cmf_type,
  'version', p.emission_version, 'status', p.status, 'quality', p.quality, 'scene_name', p.scene_name, 'scene_id', p.scene_id,
  'plume_uuid', p.id, 'provider', p.provider, 'mission_phase', p.mission_phase, 'processing_software', p.processing_software,
  'off_nadir', p.off_nadir, 'sensitivity_mode', p.sensitivity_mode, 'wind_speed_avg', p.wind_speed_avg_auto,
  'wind_speed_std', p.wind_speed_std_auto, 'wind_direction_avg', p.wind_direction_avg_auto, 'wind_direction_std', p.wind_direction_std_auto,
  'wind_source', p.wind_source_auto, 'phme_candidate', p.phme_candidate, 'is_offshore', p.is_offshore,
  'plume_longitude', ST_X(p.geometry), 'plume_latitude', ST_Y(p.geometry))`;

const SCENE_PROPERTIES = sql`jsonb_build_object(
  'platform', s.platform, 'instrument', s.instrument, 'status', s.status, 'provider', s.provider, 'mission_phase', s.mission_phase,
  'cloud_cover', s.cloud_cover, 'assessed', s.assessed, 'qa_flags', to_jsonb(s.qa_flags), 'scene_id', s.id,
  'product', s.product, 'raster_epsg', s.raster_epsg, 'raster_width', s.raster_width, 'raster_height', s.raster_height, 'raster_nodata', s.raster_nodata)`;
/** An L2B item's files: registered by the scene owner's upload (geo/raster), so they are the scene's own. */
const SCENE_ASSET_KEYS = sql`jsonb_strip_nulls(jsonb_build_object(s.product || '_tif', s.raster_key, 'rgb_tif', s.rgb_key))`;

export interface ItemRow {
  /** plume, scene (l1b) or l2b-<product>: also the order's tie-break before the UUID. */
  kind: 'plume' | 'scene' | `l2b-${SceneProduct}`;
  uid: string;
  item_id: string;
  collection: string;
  datetime: Date;
  created: Date;
  updated: Date;
  published_at: Date | null;
  geometry: string | null;
  bbox: number[] | null;
  props: Record<string, unknown>;
  organization_id: string | null;
  asset_keys: Record<string, string> | null;
  owned_keys: string[] | null;
  /** The sort values as text (full precision), for the paging tokens. */
  keys: string[];
}

function sortColumns(keys: SortKey[], kind: Kind): Sql {
  const typed = keys.map((key, index) => sql`${sortExpression(key.field, key.direction, kind)} AS ${raw(`o${index}`)}`);
  const text = sql`ARRAY[${join(keys.map((key) => sql`${sortExpression(key.field, key.direction, kind)}::text`), ', ')}] AS keys`;
  return join([...typed, text], ', ');
}

function plumeBranch(viewer: Viewer, search: StacSearch, keys: SortKey[], rows: number): Sql | null {
  const conditions = plumeConditions(search);
  if (!conditions) return null;
  if (search.keyset) conditions.push(keysetCondition(keys, search.keyset, 'plume', raw('p.id'), raw("'plume'::text")));
  const flip = search.keyset?.direction === 'prev';
  return sql`(SELECT 'plume'::text AS kind, p.id AS uid, p.plume_id AS item_id, ${COLLECTION_OF_PLUME} AS collection,
      p."datetime" AS datetime, p.created_at AS created, p.modified AS updated, p.published_at,
      ST_AsGeoJSON(${PLUME_GEOMETRY}) AS geometry,
      ARRAY[ST_XMin(${PLUME_GEOMETRY}), ST_YMin(${PLUME_GEOMETRY}), ST_XMax(${PLUME_GEOMETRY}), ST_YMax(${PLUME_GEOMETRY})] AS bbox,
      ${PLUME_PROPERTIES} AS props, p.organization_id, ${ASSET_KEYS} AS asset_keys, ${OWNED_KEYS} AS owned_keys,
      ${sortColumns(keys, 'plume')}
    FROM ${visiblePlumes(viewer)} p
    WHERE ${join(conditions, ' AND ')}
    ORDER BY ${orderBy(keys, flip, 'plume', raw('p.id'))} LIMIT ${rows})`;
}

function sceneBranch(viewer: Viewer, search: StacSearch, keys: SortKey[], rows: number, source: SceneSource): Sql {
  const conditions = sceneConditions(search);
  const tie = raw('s.stac_kind');
  if (search.keyset) conditions.push(keysetCondition(keys, search.keyset, 'scene', raw('s.id'), tie));
  const flip = search.keyset?.direction === 'prev';
  return sql`(SELECT s.stac_kind AS kind, s.id AS uid, s.name AS item_id, s.stac_collection AS collection,
      s."timestamp" AS datetime, s.created_at AS created, s.modified AS updated, NULL::timestamptz AS published_at,
      ST_AsGeoJSON(s.footprint) AS geometry,
      CASE WHEN s.footprint IS NULL THEN NULL ELSE ARRAY[ST_XMin(s.footprint), ST_YMin(s.footprint), ST_XMax(s.footprint), ST_YMax(s.footprint)] END AS bbox,
      ${SCENE_PROPERTIES} AS props, s.organization_id, ${source.l1b ? sql`'{}'::jsonb` : SCENE_ASSET_KEYS} AS asset_keys, ARRAY[s.raster_key, s.rgb_key] AS owned_keys,
      ${sortColumns(keys, 'scene')}
    FROM ${sceneSource(viewer, source)} s
    WHERE ${join(conditions, ' AND ')}
    ORDER BY ${orderBy(keys, flip, 'scene', raw('s.id'), source.l1b ? undefined : tie)} LIMIT ${rows})`;
}

/**
 * One page (limit + 1 rows, to know whether another follows) of plume and scene items, each kind
 * sorted and limited on its own (so each uses its indexes), then merged. A `prev` keyset reads
 * backwards; the rows come back in reverse order and the caller turns them round.
 */
export function searchSql(viewer: Viewer, search: StacSearch): Sql {
  const keys = fullSort(search);
  const rows = search.limit + 1 + (search.offset ?? 0);
  const plumes = plumeBranch(viewer, search, keys, rows);
  const branches = [...(plumes ? [plumes] : []), ...sceneSources(search).map((source) => sceneBranch(viewer, search, keys, rows, source))];
  if (!branches.length) return sql`SELECT NULL LIMIT 0`;
  const flip = search.keyset?.direction === 'prev';
  return sql`SELECT * FROM (${join(branches, ' UNION ALL ')}) items
    ORDER BY ${orderBy(keys, flip, null, raw('uid'))} LIMIT ${search.limit + 1} OFFSET ${search.offset ?? 0}`;
}

/** One `SELECT 1` per kind of item the search can match (plumes, then each scene source). */
function matchingRows(viewer: Viewer, search: StacSearch): Sql[] {
  const counted = { ...search, keyset: undefined };
  const parts: Sql[] = [];
  const plumes = plumeConditions(counted);
  if (plumes) parts.push(sql`SELECT 1 FROM ${visiblePlumes(viewer)} p WHERE ${join(plumes, ' AND ')}`);
  for (const source of sceneSources(counted)) {
    parts.push(sql`SELECT 1 FROM ${sceneSource(viewer, source)} s WHERE ${join(sceneConditions(counted), ' AND ')}`);
  }
  return parts;
}

export function countSql(viewer: Viewer, search: StacSearch, cap: number): Sql {
  const parts = matchingRows(viewer, search).map((rows) => sql`(SELECT count(*) FROM (${rows} LIMIT ${cap + 1}) c)`);
  return parts.length ? sql`SELECT ${join(parts, ' + ')} AS n` : sql`SELECT 0 AS n`;
}

/** The planner's estimate of the rows the search matches: EXPLAIN plans the statement, it runs nothing. */
export function estimateSql(viewer: Viewer, search: StacSearch): Sql | null {
  const parts = matchingRows(viewer, search);
  return parts.length ? sql`EXPLAIN (FORMAT JSON) ${join(parts, ' UNION ALL ')}` : null;
}

/**
 * The plume collections with an item the viewer may see, found by skipping through the
 * collection index one distinct value at a time (a handful of probes, not a scan), with each
 * collection's first and last acquisition; then the scene collection.
 */
export function collectionsSql(viewer: Viewer): Sql {
  const plumes = visiblePlumes(viewer);
  return sql`
    WITH RECURSIVE ids(id) AS (
      SELECT min(${COLLECTION_OF_PLUME}) FROM ${plumes} p WHERE p.status <> 'deleted'
      UNION ALL
      SELECT (SELECT min(${COLLECTION_OF_PLUME}) FROM ${plumes} p WHERE p.status <> 'deleted' AND ${COLLECTION_OF_PLUME} > ids.id)
      FROM ids WHERE ids.id IS NOT NULL
    )
    SELECT ids.id, 'plume' AS kind,
      (SELECT min(p."datetime") FROM ${plumes} p WHERE p.status <> 'deleted' AND ${COLLECTION_OF_PLUME} = ids.id) AS first,
      (SELECT max(p."datetime") FROM ${plumes} p WHERE p.status <> 'deleted' AND ${COLLECTION_OF_PLUME} = ids.id) AS last
    FROM ids WHERE ids.id IS NOT NULL
    UNION ALL
    SELECT ${SCENE_COLLECTION}::text, 'scene', min(s."timestamp"), max(s."timestamp") FROM ${visibleScenes(viewer)} s
    UNION ALL
    SELECT 'l2b-' || sr.product || '-mfa-v1', 'l2b', min(s."timestamp"), max(s."timestamp")
    FROM ${visibleScenes(viewer)} s JOIN scene_rasters sr ON sr.scene_id = s.id AND sr.product IN ('ch4', 'co2')
    GROUP BY sr.product
    ORDER BY 1`;
}

