import type { Database, Queryable } from '../../platform/db/database.js';
import { BadRequestError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { isUuid } from '../../platform/uuid.js';
import * as writes from './catalog-writes.queries.js';
import { intervalParam } from './intervals.js';
import { nextPlumeName } from './names.js';
import { bboxParam, pointParam, withoutUndefined } from './query-params.js';
import { areasOf } from './area-filters.js';
import { canMove, type PlumeFilter, type PlumeSort, type Viewer } from './plume-filter.js';
import { plumeView } from './plume-view.js';
import * as queries from './plumes.queries.js';
import type { PlumeBody, PlumeFilterQuery, PlumePatchBody } from './plumes.schemas.js';

const NEARBY_METRES = 1000;
const NEARBY_LIMIT = 100;


/** The query's filters, checked and parsed. */
export function toFilter(query: PlumeFilterQuery): PlumeFilter {
  const sceneIds = [...(query.scene_ids ?? []), ...(query.scene_id ? [query.scene_id] : [])];
  const instruments = [...(query.instruments ?? []), ...(query.instrument ? [query.instrument] : [])];
  const filter: PlumeFilter = {
    plumeIds: query.plume_ids,
    plumeNames: query.plume_names,
    sceneName: query.scene_name,
    sceneIds: sceneIds.length ? sceneIds : undefined,
    search: query.search,
    emissionMin: query.emission_min,
    emissionMax: query.emission_max,
    sectors: query.sectors,
    gas: query.plume_gas,
    instruments: instruments.length ? instruments : undefined,
    qualities: query.qualities,
    intersects: query.intersects === undefined ? undefined : pointParam(query.intersects),
    hasPhme: query.has_phme,
    datetime: intervalParam('datetime', query.datetime),
    publishedAt: intervalParam('published_at_datetime', query.published_at_datetime),
    modifiedAt: intervalParam('modified_at', query.modified_at),
    status: query.status,
    bbox: bboxParam(query.bbox),
    areas: areasOf(query),
  };
  return withoutUndefined(filter);
}

type PageQuery = PlumeFilterQuery & { sort: PlumeSort; limit: number; offset: number };

function pageOf(query: PageQuery, rows: queries.PlumeRow[], counts: { in_bbox: number; total: number }, viewer: Viewer) {
  return { bbox_count: counts.in_bbox, total_count: counts.total, limit: query.limit, offset: query.offset, items: rows.map((row) => plumeView(row, viewer)) };
}

export async function listPlumes(db: Queryable, query: PageQuery, viewer: Viewer, extra: Partial<PlumeFilter> = {}) {
  const filter = { ...toFilter(query), ...extra };
  const [rows, counts] = await Promise.all([queries.selectPlumes(db, filter, viewer, query), queries.countPlumes(db, filter, viewer)]);
  return pageOf(query, rows, counts, viewer);
}

/** Among the newest plumes first (enough in a dense basin), else outwards from the page's plumes. */
async function nearbyPlumes(db: Queryable, page: queries.PlumeRow[], viewer: Viewer) {
  if (!page.length) return [];
  const newest = await queries.selectNearbyAmongNewest(db, page, viewer, NEARBY_METRES, NEARBY_LIMIT);
  return newest.length === NEARBY_LIMIT ? newest : queries.selectNearbyByDistance(db, page.map((row) => row.id), viewer, NEARBY_METRES, NEARBY_LIMIT);
}

/**
 * plumes/annotated: the page of plumes, and other plumes of the same gas near them: what a map
 * shows around a selection. The neighbours are looked for as soon as the page's rows arrive, while
 * the counts may still run (not once the counts have failed: the answer is an error by then).
 */
export async function annotatedPlumes(db: Queryable, query: PageQuery, viewer: Viewer, extra: Partial<PlumeFilter> = {}) {
  const filter = { ...toFilter(query), ...extra };
  let failed = false;
  const counts = queries.countPlumes(db, filter, viewer).catch((error: unknown) => {
    failed = true;
    throw error;
  });
  const page = queries.selectPlumes(db, filter, viewer, query);
  const nearby = page.then((rows) => (failed ? [] : nearbyPlumes(db, rows, viewer)));
  const [rows, counted, neighbours] = await Promise.all([page, counts, nearby]);
  return { ...pageOf(query, rows, counted, viewer), nearby_items: neighbours.map((row) => plumeView(row, viewer)) };
}

const key = (plumeId: string) => (isUuid(plumeId) ? { id: plumeId } : { name: plumeId });

export async function getPlume(db: Queryable, plumeId: string, viewer: Viewer) {
  const row = await queries.selectPlume(db, key(plumeId), viewer);
  if (!row) throw new NotFoundError(`Plume ${plumeId} not found.`);
  return plumeView(row, viewer);
}

function curationOf(body: PlumePatchBody): writes.CurationFields {
  const { geometry_json: geometry, ...rest } = body;
  const fields: writes.CurationFields = { ...rest };
  if (geometry) {
    const [longitude, latitude] = geometry.coordinates as [number, number];
    if (Math.abs(longitude) > 180 || Math.abs(latitude) > 90) throw ValidationError.field('body', ['geometry_json', 'coordinates'], 'Longitude within ±180, latitude within ±90');
    Object.assign(fields, { longitude, latitude });
  }
  return fields;
}

/** An analyst's new plume in a scene: named after the scene with the next free letter. */
export async function createPlume(db: Database, organizationId: string, body: PlumeBody) {
  const fields = curationOf(body);
  if (fields.status && !canMove('valid', fields.status)) throw new BadRequestError(`A new plume cannot start as ${fields.status}.`);
  return db.transaction(async (tx) => {
    const scene = await writes.selectSceneById(tx, body.scene_id, organizationId);
    if (!scene) throw ValidationError.field('body', ['scene_id'], 'No such scene');
    const plumeId = nextPlumeName(scene.name, await writes.selectVisiblePlumeNamesOfScene(tx, scene.id, organizationId));
    const id = await writes.insertCuratedPlume(tx, { plume_id: plumeId, scene, organizationId, gas: body.gas, longitude: fields.longitude!, latitude: fields.latitude! });
    if (!id) throw new BadRequestError('Another plume took that name at the same moment; send it again.');
    await writes.updateCuration(tx, id, { quality: 'good', ...fields });
    return { id };
  });
}

/** PUT and PATCH: the owner's analysts edit curation fields; the status follows the workflow. */
export async function updatePlume(db: Database, organizationId: string, plumeId: string, body: PlumePatchBody & { scene_id?: string }) {
  const fields = curationOf(body);
  return db.transaction(async (tx) => {
    const row = await queries.selectPlumeForUpdate(tx, key(plumeId), organizationId);
    const visible = row && (row.status === 'published' || row.organization_id === organizationId);
    if (!row || !visible) throw new NotFoundError(`Plume ${plumeId} not found.`);
    if (row.organization_id !== organizationId) throw new ForbiddenError('Only the organization that owns a plume edits it.');
    if (body.scene_id && body.scene_id !== row.scene_id) throw ValidationError.field('body', ['scene_id'], 'A plume stays in its scene');
    if (fields.status && !canMove(row.status, fields.status)) throw new BadRequestError(`A ${row.status} plume cannot become ${fields.status}.`);
    if (fields.status === 'published' && row.status !== 'published') await renameClashes(tx, [row.id]);
    await writes.updateCuration(tx, row.id, fields);
    return { id: row.id };
  });
}

/**
 * Plumes about to be published whose name another organization has published meanwhile (each
 * drew it while the other's was unpublished, so neither saw it) take the next letter free among
 * the names their owner sees: published names stay unique, and a name is final once published.
 */
async function renameClashes(tx: Queryable, ids: string[]) {
  for (const clash of await writes.selectNameClashes(tx, ids)) {
    const names = await writes.selectVisiblePlumeNamesOfScene(tx, clash.scene_id, clash.organization_id);
    await writes.renamePlume(tx, clash.id, nextPlumeName(clash.scene_name, names));
  }
}

/** Publishes the organization's publish_ready plumes among those the filters match. */
export async function publishPlumes(db: Database, organizationId: string, query: PlumeFilterQuery, extra: Partial<PlumeFilter> = {}) {
  const viewer = { organizationId };
  const published = await db.transaction(async (tx) => {
    const ids = await writes.selectPublishable(tx, organizationId, queries.plumeWhere({ ...toFilter(query), ...extra }, viewer));
    await renameClashes(tx, ids);
    return writes.publishIds(tx, ids);
  });
  return `Published ${published} plume${published === 1 ? '' : 's'}.`;
}
