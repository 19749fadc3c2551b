import sql from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';
import { visibleLayers, type LayerViewer } from './layer-visibility.queries.js';

export interface LayerFileRow {
  id: string;
  layer_id: string;
  file_name: string;
  format: string;
  blob_key: string;
  status: 'processing' | 'ready' | 'failed';
  status_detail: string | null;
  feature_count: number;
  created_at: Date;
  updated_at: Date;
  layer_name: string;
  layer_verbose_name: string | null;
  layer_bounds: number[] | null;
}

const SELECT_FILE = sql`
  SELECT f.id::text, f.layer_id::text, f.file_name, f.format, f.blob_key, f.status, f.status_detail, f.feature_count, f.created_at, f.updated_at,
    l.name AS layer_name, l.verbose_name AS layer_verbose_name, l.bounds AS layer_bounds
  FROM layer_files f`;

export async function insertLayerFile(db: Queryable, file: { layerId: number; fileName: string; format: string; sizeBytes: number; blobKeyOf: (id: number) => string }) {
  const [row] = await db.query<{ id: string }>(sql`
    INSERT INTO layer_files (layer_id, file_name, format, blob_key, size_bytes) VALUES (${file.layerId}, ${file.fileName}, ${file.format}, '', ${file.sizeBytes}) RETURNING id::text`);
  const id = Number(row!.id);
  await db.query(sql`UPDATE layer_files SET blob_key = ${file.blobKeyOf(id)} WHERE id = ${id}`);
  return id;
}

/** The files of the layers the viewer may see (one layer's when `layerId` is given), newest first. */
export async function selectVisibleFiles(db: Queryable, viewer: LayerViewer, page: { limit: number; offset: number }, layerId?: number) {
  const only = layerId === undefined ? sql`` : sql`WHERE l.id = ${layerId}`;
  const [rows, [count]] = await Promise.all([
    db.query<LayerFileRow>(sql`${SELECT_FILE} JOIN ${visibleLayers(viewer)} l ON l.id = f.layer_id ${only} ORDER BY f.created_at DESC, f.id DESC LIMIT ${page.limit} OFFSET ${page.offset}`),
    db.query<{ count: number }>(sql`SELECT count(*)::int AS count FROM layer_files f JOIN ${visibleLayers(viewer)} l ON l.id = f.layer_id ${only}`),
  ]);
  return { rows, count: count!.count };
}

export async function selectVisibleFile(db: Queryable, id: number, viewer: LayerViewer) {
  const [row] = await db.query<LayerFileRow>(sql`${SELECT_FILE} JOIN ${visibleLayers(viewer)} l ON l.id = f.layer_id WHERE f.id = ${id}`);
  return row;
}

/** What the import job needs of a file; undefined once its layer is deleted. */
export async function selectFileForImport(db: Queryable, id: number) {
  const [row] = await db.query<{ id: string; layer_id: string; file_name: string; format: string; blob_key: string; status: string }>(sql`
    SELECT id::text, layer_id::text, file_name, format, blob_key, status FROM layer_files WHERE id = ${id}`);
  return row;
}

export function markFile(db: Queryable, id: number, status: 'ready' | 'failed', detail: string | null, featureCount: number) {
  return db.query(sql`UPDATE layer_files SET status = ${status}, status_detail = ${detail}, feature_count = ${featureCount}, updated_at = now() WHERE id = ${id}`);
}

/** Whether another file of the layer still awaits its import. */
export async function hasOtherProcessingFiles(db: Queryable, layerId: number, fileId: number) {
  const [row] = await db.query<{ pending: boolean }>(sql`SELECT EXISTS (SELECT 1 FROM layer_files WHERE layer_id = ${layerId} AND id <> ${fileId} AND status = 'processing') AS pending`);
  return row!.pending;
}

/** The blob keys of a layer's files (to delete the originals with the layer). */
export function selectFileKeys(db: Queryable, layerId: number) {
  return db.query<{ blob_key: string }>(sql`SELECT blob_key FROM layer_files WHERE layer_id = ${layerId}`);
}
