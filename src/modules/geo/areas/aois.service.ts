import type { AreaCaller } from '../../../platform/areas.js';
import type { Queryable } from '../../../platform/db/database.js';
import { NotFoundError, ValidationError } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/uuid.js';
import { AreaFileError, parseAreaUpload } from './area-upload.js';
import * as queries from './aois.queries.js';
import { AOI_MAX_VERTICES, type AoiBody, type AoiForm, type UploadedFile } from './areas.schemas.js';
import { PolygonError, toMultiPolygon } from './polygons.js';

/** The owner of a new AOI: the organization acted for and the signed-in user (an API key has no user). */
export type AoiOwner = AreaCaller;

const NO_AREA = 'The geometry encloses no area once made valid.';

async function store(db: Queryable, owner: AoiOwner, fields: { name?: string | null; description?: string | null }, geometries: unknown[], field: string[]) {
  let geojson: string;
  try {
    geojson = JSON.stringify(toMultiPolygon(geometries, { maxVertices: AOI_MAX_VERTICES }));
  } catch (error) {
    if (error instanceof PolygonError) throw ValidationError.field('body', field, error.message);
    throw error;
  }
  const id = await queries.insertAoi(db, { ...owner, name: fields.name ?? null, description: fields.description ?? null, geojson });
  if (!id) throw ValidationError.field('body', field, NO_AREA);
  return { id };
}

/** layers/aoi: a Polygon or MultiPolygon in the body. */
export function createAoi(db: Queryable, owner: AoiOwner, body: AoiBody) {
  return store(db, owner, body, [{ type: body.geometry_json.type, coordinates: body.geometry_json.coordinates }], ['geometry_json']);
}

/** layers/aoi/form: the polygons of an uploaded file, unioned into one area. */
export async function createAoiFromFile(db: Queryable, owner: AoiOwner, form: AoiForm) {
  const file = form.file as Partial<UploadedFile> | undefined;
  if (!file || !Buffer.isBuffer(file.bytes) || typeof file.filename !== 'string') throw ValidationError.field('body', ['file'], 'A file is required.');
  let geometries: unknown[];
  try {
    geometries = await parseAreaUpload(file.filename, file.bytes);
  } catch (error) {
    if (error instanceof AreaFileError) throw ValidationError.field('body', ['file'], error.message);
    throw error;
  }
  return store(db, owner, form, geometries, ['file']);
}

export async function listAois(db: Queryable, caller: AreaCaller, page: { limit: number; offset: number }) {
  const [rows, count] = await Promise.all([queries.selectAois(db, caller, page), queries.countAois(db, caller)]);
  return {
    items: rows.map((row) => ({ id: row.id, name: row.name, description: row.description, bbox: row.bbox.map(Number), created: row.created_at.toISOString() })),
    count,
  };
}

/** The stored MultiPolygon as GeoJSON with its bbox first, as the page writes it. */
export function multiPolygonOf(geojson: string) {
  const { bbox, coordinates } = JSON.parse(geojson) as { bbox: number[]; coordinates: number[][][][] };
  return { bbox: bbox.map(Number), type: 'MultiPolygon' as const, coordinates };
}

async function visibleAoi(db: Queryable, id: string, caller: AreaCaller) {
  const row = isUuid(id) ? await queries.selectAoi(db, id, caller) : undefined;
  if (!row) throw new NotFoundError(`AOI ${id} not found.`);
  return row;
}

export async function getAoi(db: Queryable, id: string, caller: AreaCaller) {
  const row = await visibleAoi(db, id, caller);
  return { geometry_json: multiPolygonOf(row.geojson), name: row.name, description: row.description };
}

export async function aoiGeojson(db: Queryable, id: string, caller: AreaCaller) {
  return multiPolygonOf((await visibleAoi(db, id, caller)).geojson);
}
