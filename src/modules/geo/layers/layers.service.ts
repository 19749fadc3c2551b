import type { Database, Queryable } from '../../../platform/db/database.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { ConflictError, NotFoundError, ValidationError } from '../../../platform/errors.js';
import { enqueueJob } from '../../../platform/jobs/jobs.js';
import type { BlobStore } from '../../../platform/storage/blob-store.js';
import { detectVectorFormat } from './parse/parse-vector-upload.js';
import type { LayerViewer } from './layer-visibility.queries.js';
import { layerFileKey } from './layer-store.js';
import * as files from './layer-files.queries.js';
import * as queries from './layers.queries.js';
import type { CreateLayerBody, FeaturesQuery, LayersQuery, LayerView, UpdateLayerBody, UploadedFile } from './layers.schemas.js';

export const LAYER_IMPORT_QUEUE = 'layer-import';
const NAME_RULE = /^[a-zA-Z0-9_-]{6,512}$/;

export function layerViewer(principal: Principal | null): LayerViewer {
  return { organizationId: principal?.organizationId ?? null, userId: principal?.userId ?? null };
}

export function layerView(row: queries.LayerRow): LayerView {
  const first = row.user_first_name ?? '';
  const last = row.user_last_name ?? '';
  return {
    feature_count: row.feature_count,
    organization: row.organization_name === null ? null : { name: row.organization_name, verbose_name: row.organization_name },
    user:
      row.user_number === null
        ? null
        : { label: `${first} ${last}`.trim() || (row.user_email ?? ''), first_name: first, last_name: last, email: row.user_email ?? '', id: Number(row.user_number) },
    id: Number(row.id),
    name: row.name,
    verbose_name: row.verbose_name,
    description: row.description,
    status: row.status,
    status_detail: row.status_detail,
    schema: row.schema,
    bounds: row.bounds ?? [],
    metadata: row.metadata,
    created: row.created_at.toISOString(),
    modified: row.updated_at.toISOString(),
  };
}

/** A JSON filter or metadata given as text (a form field, a query parameter): a JSON object, at most 16 levels deep. */
export function jsonObjectParam(value: unknown, location: 'query' | 'body', field: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw ValidationError.field(location, [field], 'Must be a JSON object, e.g. {"key": "value"}');
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || depth(parsed) > 16) {
    throw ValidationError.field(location, [field], 'Must be a JSON object (at most 16 levels deep), e.g. {"key": "value"}');
  }
  return parsed as Record<string, unknown>;
}

function depth(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  return 1 + Math.max(0, ...Object.values(value as object).map(depth));
}

export async function listLayers(db: Queryable, query: LayersQuery, viewer: LayerViewer) {
  const rows = await queries.selectLayers(
    db,
    {
      statuses: query.statuses,
      organization: query.organization,
      user: query.user,
      hasOrganization: query.has_organization,
      myOrganization: query.my_organization,
      names: query.names,
      metadata: jsonObjectParam(query.metadata, 'query', 'metadata'),
      metadataExclude: jsonObjectParam(query.metadata_exclude, 'query', 'metadata_exclude'),
      search: query.search || undefined,
    },
    viewer,
    query,
  );
  return rows.map(layerView);
}

export async function getLayer(db: Queryable, id: number, viewer: LayerViewer) {
  const row = await queries.selectVisibleLayer(db, id, viewer);
  if (!row) throw new NotFoundError(`Layer ${id} not found.`);
  return row;
}

/** True when no layer has the name (any case) and the name keeps the rules; a name breaking them is never available. */
export async function nameAvailable(db: Queryable, name: string) {
  return NAME_RULE.test(name) && !(await queries.isNameTaken(db, name));
}

async function claimName(db: Queryable, name: string) {
  if (await queries.isNameTaken(db, name)) throw new ConflictError(`A layer named "${name}" already exists; layer names are unique.`);
}

/** The layer belongs to the organization the caller acts for; naming another is refused. */
function checkOrganization(principal: Principal, organization: string | undefined) {
  if (organization === undefined || organization === '') return;
  if (!principal.organizationName || principal.organizationName.toLowerCase() !== organization.toLowerCase()) {
    throw ValidationError.field('body', ['organization'], `A layer belongs to the organization you act for${principal.organizationName ? ` (${principal.organizationName})` : ' (none)'}.`);
  }
}

/** A multipart file part (not a text field, nor JSON naming a file). */
function uploadedFile(file: unknown): UploadedFile {
  const part = file as Partial<UploadedFile> | null;
  if (!part || typeof part !== 'object' || !Buffer.isBuffer(part.bytes) || typeof part.filename !== 'string') {
    throw ValidationError.field('body', ['file'], 'Send the file as a multipart/form-data file part (with a file name).');
  }
  return part as UploadedFile;
}

/** Stores the original upload and queues its import, in the caller's transaction. */
async function addFile(tx: Queryable, store: BlobStore, owner: LayerViewer, layerId: number, upload: unknown) {
  const file = uploadedFile(upload);
  const fileName = (file.filename.split(/[\\/]/).pop() || 'upload').slice(0, 255);
  const format = detectVectorFormat({ name: fileName, bytes: file.bytes });
  let key = '';
  const fileId = await files.insertLayerFile(tx, { layerId, fileName, format, sizeBytes: file.bytes.length, blobKeyOf: (id) => (key = layerFileKey(owner, layerId, id, format)) });
  await store.put(key, file.bytes);
  await enqueueJob(tx, LAYER_IMPORT_QUEUE, { fileId });
  return fileId;
}

export async function createLayer(db: Database, store: BlobStore, principal: Principal, body: CreateLayerBody) {
  checkOrganization(principal, body.organization);
  uploadedFile(body.file);
  const owner = layerViewer(principal);
  const metadata = jsonObjectParam(body.metadata, 'body', 'metadata') ?? {};
  const id = await db.transaction(async (tx) => {
    await claimName(tx, body.name);
    const layerId = await queries.insertLayer(tx, {
      name: body.name, verbose_name: body.verbose_name ?? null, description: body.description ?? null,
      organization_id: owner.organizationId, user_id: owner.userId, metadata, status: 1,
    });
    await addFile(tx, store, owner, layerId, body.file);
    return layerId;
  });
  return layerView(await getLayer(db, id, owner));
}

export async function updateLayer(db: Database, store: BlobStore, principal: Principal, id: number, body: UpdateLayerBody) {
  checkOrganization(principal, body.organization);
  if (body.file !== undefined) uploadedFile(body.file);
  const viewer = layerViewer(principal);
  const metadata = jsonObjectParam(body.metadata, 'body', 'metadata');
  await db.transaction(async (tx) => {
    const layer = await queries.selectOwnedLayerForUpdate(tx, id, viewer);
    if (!layer) throw new NotFoundError(`Layer ${id} not found.`);
    const current = await queries.selectVisibleLayer(tx, id, viewer);
    if (body.name !== undefined && body.name.toLowerCase() !== current!.name.toLowerCase()) await claimName(tx, body.name);
    await queries.updateLayer(tx, id, { name: body.name, verbose_name: body.verbose_name, description: body.description, metadata, processing: body.file !== undefined });
    if (body.file) await addFile(tx, store, { organizationId: layer.organization_id, userId: layer.user_id }, id, body.file);
  });
  return layerView(await getLayer(db, id, viewer));
}

export async function deleteLayer(db: Database, id: number, viewer: LayerViewer) {
  const deleted = await db.transaction(async (tx) => {
    if (!(await queries.selectOwnedLayerForUpdate(tx, id, viewer))) return false;
    return queries.deleteLayer(tx, id);
  });
  if (!deleted) throw new NotFoundError(`Layer ${id} not found.`);
}

export function bboxParam(values: number[] | undefined): [number, number, number, number] | undefined {
  if (!values) return undefined;
  const [west, south, east, north] = values as [number, number, number, number];
  if (west > east || south > north || Math.abs(west) > 180 || Math.abs(east) > 180 || Math.abs(south) > 90 || Math.abs(north) > 90) {
    throw ValidationError.field('query', ['bbox'], 'Must be west, south, east, north in degrees, west ≤ east and south ≤ north');
  }
  return [west, south, east, north];
}

export async function layerFeatures(db: Queryable, id: number, query: FeaturesQuery, viewer: LayerViewer) {
  await getLayer(db, id, viewer);
  const filter = { ids: query.ids, properties: jsonObjectParam(query.property_filter, 'query', 'property_filter'), bbox: bboxParam(query.bbox) };
  const [counts, rows] = await Promise.all([queries.countFeatures(db, id, filter), queries.selectFeatures(db, id, filter, query)]);
  return {
    bbox_count: counts.in_bbox,
    total_count: counts.total,
    limit: query.limit,
    offset: query.offset,
    items: rows.map((row) => ({ type: 'Feature' as const, id: Number(row.id), geometry: row.geometry, properties: row.properties })),
  };
}
