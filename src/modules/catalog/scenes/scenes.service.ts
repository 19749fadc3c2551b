import { stringify } from 'csv-stringify/sync';
import type { Queryable } from '../../../platform/db/database.js';
import { NotFoundError } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/uuid.js';
import { intervalParam } from '../intervals.js';
import type { Viewer } from '../plume-filter.js';
import { safeCell } from '../plume-csv.js';
import { bboxParam, pointParam, withoutUndefined } from '../query-params.js';
import { areasOf } from '../area-filters.js';
import { buildGeoPackage } from './geopackage.js';
import * as queries from './scenes.queries.js';
import { selectAssignmentStates, type AssignmentStateRow } from './picker-filter.queries.js';
import type { ScenesQuery, AnnotatedScenesQuery } from './scenes.schemas.js';


/** The internal scene filter set (scenes, scene-count, downloads). */
function lowestOf(...bounds: (number | undefined)[]): number | undefined {
  const given = bounds.filter((bound): bound is number => bound !== undefined);
  return given.length > 0 ? Math.min(...given) : undefined;
}

export function toSceneFilter(query: Omit<ScenesQuery, 'sort' | 'limit' | 'offset'>): queries.SceneFilter {
  const assignment = withoutUndefined({
    hasAssignees: query.hasAssignees,
    assignees: query.assignees?.length ? query.assignees : undefined,
    status: query.assignment_status,
    modified: intervalParam('assignment_modified_datetime', query.assignment_modified_datetime),
  });
  return withoutUndefined({
    ids: query.ids,
    search: query.search,
    instruments: query.instrument ? [query.instrument] : undefined,
    cloudCoverMin: query.cloud_cover_pct_min,
    // Only a bound asked for filters: scenes whose cloud cover is unknown stay listed otherwise.
    cloudCoverMax: lowestOf(query.cloud_cover_pct_max, query.assessment_cloud_cover_pct),
    assessment: query.assessment_status,
    assignment: Object.keys(assignment).length > 0 ? assignment : undefined,
    intersects: query.intersects === undefined ? undefined : pointParam(query.intersects),
    bbox: bboxParam(query.bbox),
    areas: areasOf(query),
    datetime: intervalParam('datetime', query.datetime),
    createdAt: intervalParam('created_at', query.created_at),
    modifiedAt: intervalParam('modified_at', query.modified_at),
    plume: withoutUndefined({
      gas: query.plume_gas,
      quality: query.plume_quality,
      statuses: query.plume_statuses,
      hasEmissions: query.has_plume_emissions,
      hasPhme: query.has_phme,
      emissionMin: query.plume_emission_min,
      emissionMax: query.plume_emission_max,
      sectors: query.plume_sectors,
      publishedAt: intervalParam('published_at', query.published_at),
    }),
  });
}

/** scenes/annotated: published, assessed scenes, cloud cover ≤ 25 % unless asked otherwise — usable for null detections. */
export function toAnnotatedFilter(query: AnnotatedScenesQuery): queries.SceneFilter {
  const cloudMax = query.cloud_cover_pct_max ?? 25;
  return withoutUndefined({
    ids: query.ids,
    names: query.names,
    instruments: query.instruments,
    cloudCoverMin: query.cloud_cover_pct_min,
    cloudCoverMax: query.not_cloudy ? Math.min(25, cloudMax) : cloudMax,
    assessment: 'assessed' as const,
    publishedOnly: true,
    publishedPlumeCountMin: query.published_plume_count_min,
    publishedPlumeCountMax: query.published_plume_count_max,
    intersects: query.intersects === undefined ? undefined : pointParam(query.intersects),
    bbox: bboxParam(query.bbox),
    areas: areasOf(query),
    datetime: intervalParam('datetime', query.datetime),
    createdAt: intervalParam('created_at', query.created_at),
    modifiedAt: intervalParam('modified_at', query.modified_at),
    plume: withoutUndefined({
      gas: query.plume_gas,
      hasPhme: query.has_phme,
      emissionMin: query.plume_emission_min,
      emissionMax: query.plume_emission_max,
      sectors: query.plume_sectors,
      publishedAt: intervalParam('published_at', query.published_at),
    }),
  });
}

/** Each assignee's status on a scene, as the picker's scene-assessment-status objects show them (without the assignment's details). */
function assignmentStatusView(state: AssignmentStateRow) {
  return {
    pk: Number(state.status_id),
    user: { label: state.assignee_name || state.assignee_email, email: state.assignee_email, id: Number(state.assignee_number) },
    scene_id: state.scene_id,
    assignment: { id: Number(state.assignment_id) },
    note: state.note,
    status: state.status,
    created: state.created.toISOString(),
    modified: state.modified.toISOString(),
  };
}

/** A scene as the page shows it (sources and downloads: without assignment statuses). */
export function sceneView(row: queries.SceneRow) {
  return sceneViewWith(row, []);
}

function sceneViewWith(row: queries.SceneRow, states: AssignmentStateRow[]) {
  return {
    id: row.id,
    name: row.name,
    timestamp: row.timestamp.toISOString(),
    instrument: row.instrument,
    platform: row.platform,
    provider: row.provider,
    mission_phase: row.mission_phase,
    bounds: row.bounds ? row.bounds.map(Number) : [],
    geometry_json: row.footprint ? (JSON.parse(row.footprint) as Record<string, unknown>) : null,
    cloud_cover_pct: row.cloud_cover,
    qa_flags: row.qa_flags,
    status: row.status,
    assessed: row.assessed,
    do_not_assess: row.do_not_assess,
    usersceneassignmentstatus_set: states.filter((state) => state.scene_id === row.id).map(assignmentStatusView),
    plume_count: row.plume_count,
    deleted_plume_count: row.deleted_plume_count,
    hidden_plume_count: row.hidden_plume_count,
    published_plume_count: row.published_plume_count,
    is_quick_view: false,
    is_quick_look: false,
    created_at: row.created_at.toISOString(),
    modified: row.modified.toISOString(),
  };
}

export async function listScenes(db: Queryable, filter: queries.SceneFilter, viewer: Viewer, page: { sort: queries.SceneSort; limit: number; offset: number }) {
  const [rows, count] = await Promise.all([queries.selectScenes(db, filter, viewer, page), queries.countScenes(db, filter, viewer)]);
  const states = await selectAssignmentStates(db, viewer, rows.map((row) => row.id));
  return { items: rows.map((row) => sceneViewWith(row, states)), count };
}

async function sceneRow(db: Queryable, id: string, viewer: Viewer) {
  const [row] = isUuid(id) ? await queries.selectScenes(db, { ids: [id] }, viewer, { sort: 'desc', limit: 1, offset: 0 }) : [];
  if (!row) throw new NotFoundError(`Scene ${id} not found.`);
  return row;
}

export async function getScene(db: Queryable, id: string, viewer: Viewer) {
  const row = await sceneRow(db, id, viewer);
  return sceneViewWith(row, await selectAssignmentStates(db, viewer, [row.id]));
}

/** A scene can be marked complete once none of its plumes awaits review (status valid) and it is assessed (flagged so, or reviewed in the picker). */
export async function canCompleteScene(db: Queryable, id: string, viewer: Viewer) {
  const row = await sceneRow(db, id, viewer);
  return row.unreviewed_plume_count === 0 && row.assessed;
}

export function countMatching(db: Queryable, filter: queries.SceneFilter, viewer: Viewer) {
  return queries.countScenes(db, filter, viewer);
}

/** The assessment queue: published scenes neither assessed nor marked do-not-assess. */
export function mqlSceneCount(db: Queryable, viewer: Viewer) {
  return queries.countScenes(db, { assessment: 'not-assessed' }, viewer);
}

export function sceneDates(db: Queryable, viewer: Viewer) {
  return queries.selectSceneDates(db, {}, viewer);
}

const CSV_COLUMNS = ['id', 'name', 'timestamp', 'instrument', 'platform', 'mission_phase', 'cloud_cover_pct', 'assessed', 'plume_count', 'published_plume_count', 'west', 'south', 'east', 'north'];

export function scenesCsv(scenes: ReturnType<typeof sceneView>[]) {
  const rows = scenes.map((s) =>
    [s.id, s.name, s.timestamp, s.instrument, s.platform ?? '', s.mission_phase ?? '', s.cloud_cover_pct ?? '', s.assessed, s.plume_count, s.published_plume_count, ...(s.bounds.length ? s.bounds : ['', '', '', ''])].map((v) =>
      safeCell(String(v)),
    ),
  );
  return stringify([CSV_COLUMNS, ...rows], { record_delimiter: '\r\n' });
}

/** The union of the scenes' footprint bounds, or undefined when none has a footprint (GeoJSON then leaves bbox out). */
function extent(scenes: ReturnType<typeof sceneView>[]): [number, number, number, number] | undefined {
  const boxes = scenes.map((s) => s.bounds).filter((b) => b.length === 4);
  if (!boxes.length) return undefined;
  return [Math.min(...boxes.map((b) => b[0]!)), Math.min(...boxes.map((b) => b[1]!)), Math.max(...boxes.map((b) => b[2]!)), Math.max(...boxes.map((b) => b[3]!))];
}

/** The scenes as a FeatureCollection with its bbox: download-scenes and download/scenes.geojson. */
export function scenesGeojson(scenes: ReturnType<typeof sceneView>[]) {
  const bbox = extent(scenes);
  return {
    ...(bbox ? { bbox } : {}),
    type: 'FeatureCollection' as const,
    features: scenes.map(({ geometry_json: geometry, usersceneassignmentstatus_set: _set, ...properties }) => ({ type: 'Feature' as const, id: properties.id, geometry, properties })),
  };
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** GML 3.2 (simple features): one featureMember per scene with its footprint as gml:Polygon in EPSG:4326 (lat lon order). */
export function scenesGml(scenes: ReturnType<typeof sceneView>[]) {
  const ring = (coordinates: number[][]) => coordinates.map(([lon, lat]) => `${lat} ${lon}`).join(' ');
  const polygon = (rings: number[][][]) =>
    `<gml:Polygon srsName="urn:ogc:def:crs:EPSG::4326"><gml:exterior><gml:LinearRing><gml:posList>${ring(rings[0]!)}</gml:posList></gml:LinearRing></gml:exterior>${rings
      .slice(1)
      .map((r) => `<gml:interior><gml:LinearRing><gml:posList>${ring(r)}</gml:posList></gml:LinearRing></gml:interior>`)
      .join('')}</gml:Polygon>`;
  const members = scenes.map((s, i) => {
    const geometry = s.geometry_json as { type: string; coordinates: number[][][] } | null;
    const geom = geometry?.type === 'Polygon' ? `<ca:footprint>${polygon(geometry.coordinates)}</ca:footprint>` : '';
    return `<gml:featureMember><ca:scene gml:id="scene.${i + 1}">${geom}<ca:id>${s.id}</ca:id><ca:name>${escapeXml(s.name)}</ca:name><ca:timestamp>${s.timestamp}</ca:timestamp><ca:instrument>${escapeXml(s.instrument)}</ca:instrument><ca:cloud_cover_pct>${s.cloud_cover_pct ?? ''}</ca:cloud_cover_pct><ca:plume_count>${s.plume_count}</ca:plume_count><ca:published_plume_count>${s.published_plume_count}</ca:published_plume_count></ca:scene></gml:featureMember>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:ca="https://carbon-atlas.org/gml" gml:id="scenes">${members.join('')}</gml:FeatureCollection>\n`;
}

export async function scenesGeoPackage(db: Queryable, scenes: ReturnType<typeof sceneView>[]) {
  const geometries = new Map((await queries.selectSceneGeometries(db, scenes.map((s) => s.id))).map((g) => [g.id, g]));
  return buildGeoPackage(
    'scenes',
    [
      { name: 'scene_id', type: 'TEXT' },
      { name: 'name', type: 'TEXT' },
      { name: 'timestamp', type: 'TEXT' },
      { name: 'instrument', type: 'TEXT' },
      { name: 'cloud_cover_pct', type: 'REAL' },
      { name: 'plume_count', type: 'INTEGER' },
      { name: 'published_plume_count', type: 'INTEGER' },
    ],
    scenes.map((s) => {
      const g = geometries.get(s.id);
      return {
        wkb: g?.wkb ?? null,
        envelope: g?.wkb ? [g.min_x, g.min_y, g.max_x, g.max_y] : null,
        values: [s.id, s.name, s.timestamp, s.instrument, s.cloud_cover_pct, s.plume_count, s.published_plume_count],
      };
    }),
  );
}
