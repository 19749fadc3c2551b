import sql, { join, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';
import { containsPattern } from '../../../platform/db/like.js';
import { visibleLayers, type LayerViewer } from './layer-visibility.queries.js';

export interface LayerRow {
  id: string;
  name: string;
  verbose_name: string | null;
  description: string | null;
  status: number;
  status_detail: string | null;
  organization_id: string | null;
  user_id: string | null;
  schema: Record<string, string>;
  bounds: number[] | null;
  metadata: Record<string, unknown>;
  feature_count: number;
  created_at: Date;
  updated_at: Date;
  organization_name: string | null;
  user_number: string | null;
  user_first_name: string | null;
  user_last_name: string | null;
  user_email: string | null;
}

/** The list filters, parsed (JSON filters already objects). */
export interface LayerFilter {
  statuses: number[];
  organization?: string;
  user?: number;
  hasOrganization?: boolean;
  myOrganization?: boolean;
  names?: string[];
  metadata?: Record<string, unknown>;
  metadataExclude?: Record<string, unknown>;
  search?: string;
}

const SELECT_LAYER = (from: Sql) => sql`
  SELECT l.id::text, l.name, l.verbose_name, l.description, l.status, l.status_detail, l.organization_id, l.user_id, l.schema, l.bounds, l.metadata,
    l.feature_count, l.created_at, l.updated_at, o.name AS organization_name, u.number::text AS user_number, u.first_name AS user_first_name,
    u.last_name AS user_last_name, u.email AS user_email
  FROM ${from} l LEFT JOIN organizations o ON o.id = l.organization_id LEFT JOIN users u ON u.id = l.user_id`;

function where(filter: LayerFilter, viewer: LayerViewer): Sql {
  const conditions: Sql[] = [sql`l.status = ANY(${filter.statuses}::smallint[])`];
  if (filter.organization !== undefined) conditions.push(sql`lower(o.name) = lower(${filter.organization})`);
  if (filter.user !== undefined) conditions.push(sql`u.number = ${filter.user}`);
  if (filter.hasOrganization !== undefined) conditions.push(filter.hasOrganization ? sql`l.organization_id IS NOT NULL` : sql`l.organization_id IS NULL`);
  if (filter.myOrganization !== undefined) {
    conditions.push(filter.myOrganization ? sql`l.organization_id = ${viewer.organizationId}::uuid` : sql`l.organization_id IS DISTINCT FROM ${viewer.organizationId}::uuid`);
  }
  if (filter.names?.length) conditions.push(sql`lower(l.name) = ANY(${filter.names.map((name) => name.toLowerCase())}::text[])`);
  if (filter.metadata) conditions.push(sql`l.metadata @> ${JSON.stringify(filter.metadata)}::jsonb`);
  if (filter.metadataExclude) conditions.push(sql`NOT (l.metadata @> ${JSON.stringify(filter.metadataExclude)}::jsonb)`);
  if (filter.search) {
    const pattern = containsPattern(filter.search);
    conditions.push(sql`(l.name ILIKE ${pattern} OR l.verbose_name ILIKE ${pattern} OR l.description ILIKE ${pattern})`);
  }
  return join(conditions, ' AND ');
}

export function selectLayers(db: Queryable, filter: LayerFilter, viewer: LayerViewer, page: { limit: number; offset: number }) {
  return db.query<LayerRow>(sql`${SELECT_LAYER(visibleLayers(viewer))} WHERE ${where(filter, viewer)} ORDER BY l.created_at DESC, l.id DESC LIMIT ${page.limit} OFFSET ${page.offset}`);
}

export async function selectVisibleLayer(db: Queryable, id: number, viewer: LayerViewer) {
  const [row] = await db.query<LayerRow>(sql`${SELECT_LAYER(visibleLayers(viewer))} WHERE l.id = ${id}`);
  return row;
}

/** Several visible layers at once (the grid's sources): only those the viewer may see come back. */
export function selectVisibleLayerIds(db: Queryable, ids: number[], viewer: LayerViewer) {
  return db.query<{ id: string; status: number }>(sql`SELECT l.id::text, l.status FROM ${visibleLayers(viewer)} l WHERE l.id = ANY(${ids}::bigint[])`);
}

/** A layer the caller may change: its organization's members and keys, or the user who uploaded it. Locks it. */
export async function selectOwnedLayerForUpdate(db: Queryable, id: number, viewer: LayerViewer) {
  const [row] = await db.query<{ id: string; organization_id: string | null; user_id: string | null; schema: Record<string, string> }>(sql`
    SELECT id::text, organization_id, user_id, schema FROM ${visibleLayers(viewer)} l WHERE l.id = ${id}`);
  if (!row) return undefined;
  await db.query(sql`SELECT 1 FROM layers WHERE id = ${id} FOR UPDATE`);
  return row;
}

export async function isNameTaken(db: Queryable, name: string) {
  const [row] = await db.query<{ taken: boolean }>(sql`SELECT EXISTS (SELECT 1 FROM layers WHERE lower(name) = lower(${name})) AS taken`);
  return row!.taken;
}

export interface NewLayer {
  name: string;
  verbose_name: string | null;
  description: string | null;
  organization_id: string | null;
  user_id: string | null;
  metadata: Record<string, unknown>;
  status: number;
}

export async function insertLayer(db: Queryable, layer: NewLayer) {
  const [row] = await db.query<{ id: string }>(sql`
    INSERT INTO layers (name, verbose_name, description, organization_id, user_id, metadata, status)
    VALUES (${layer.name}, ${layer.verbose_name}, ${layer.description}, ${layer.organization_id}::uuid, ${layer.user_id}::uuid, ${JSON.stringify(layer.metadata)}::jsonb, ${layer.status})
    RETURNING id::text`);
  return Number(row!.id);
}

export interface LayerChanges {
  name?: string;
  verbose_name?: string | null;
  description?: string | null;
  metadata?: Record<string, unknown>;
  /** A file was added: processing again. */
  processing?: boolean;
}

export function updateLayer(db: Queryable, id: number, changes: LayerChanges) {
  const sets: Sql[] = [sql`updated_at = now()`];
  if (changes.name !== undefined) sets.push(sql`name = ${changes.name}`);
  if (changes.verbose_name !== undefined) sets.push(sql`verbose_name = ${changes.verbose_name}`);
  if (changes.description !== undefined) sets.push(sql`description = ${changes.description}`);
  if (changes.metadata !== undefined) sets.push(sql`metadata = ${JSON.stringify(changes.metadata)}::jsonb`);
  if (changes.processing) sets.push(sql`status = 1, status_detail = NULL`);
  return db.query(sql`UPDATE layers SET ${join(sets, ', ')} WHERE id = ${id}`);
}

export async function deleteLayer(db: Queryable, id: number) {
  const rows = await db.query(sql`DELETE FROM layers WHERE id = ${id} RETURNING id`);
  return rows.length > 0;
}

/**
 * Adds features given as GeoJSON (geometries already checked and in WGS 84): stored in 2D, an invalid
 * geometry repaired with ST_MakeValid. Returns the positions (0-based, within `features`) of the
 * geometries that needed repair.
 */
export async function insertFeatures(db: Queryable, layerId: number, fileId: number | null, features: { geometry: unknown; properties: Record<string, unknown> }[]) {
  const rows = await db.query<{ ord: string }>(sql`
    WITH source AS MATERIALIZED (
      SELECT t.ord, ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(t.f->>'geometry'), 4326)) AS geom, t.f->'properties' AS properties
      FROM jsonb_array_elements(${JSON.stringify(features)}::jsonb) WITH ORDINALITY AS t(f, ord)
    ), stored AS (
      -- A data-modifying WITH runs in full whether or not its rows are read.
      INSERT INTO layer_features (layer_id, file_id, geom, properties)
      SELECT ${layerId}, ${fileId}::bigint, CASE WHEN ST_IsValid(geom) THEN geom ELSE ST_MakeValid(geom) END, properties FROM source ORDER BY ord
      RETURNING 1
    )
    SELECT ord::text FROM source WHERE NOT ST_IsValid(geom) ORDER BY ord`);
  return rows.map((row) => Number(row.ord) - 1);
}

/** Recomputes what a layer's features decide: count and bounds; sets the status and its detail. */
export function finishLayer(db: Queryable, id: number, schema: Record<string, string>, status: number, detail: string | null) {
  return db.query(sql`
    UPDATE layers l SET schema = ${JSON.stringify(schema)}::jsonb, status = ${status}, status_detail = ${detail}, updated_at = now(),
      feature_count = s.count, bounds = CASE WHEN s.count = 0 THEN NULL ELSE ARRAY[ST_XMin(s.box), ST_YMin(s.box), ST_XMax(s.box), ST_YMax(s.box)] END
    FROM (SELECT count(*)::int AS count, ST_Extent(geom)::geometry AS box FROM layer_features WHERE layer_id = ${id}) s
    WHERE l.id = ${id}`);
}

export function failLayer(db: Queryable, id: number, detail: string) {
  return db.query(sql`UPDATE layers SET status = 2, status_detail = ${detail}, updated_at = now() WHERE id = ${id}`);
}

export interface FeatureFilter {
  ids: number[];
  properties?: Record<string, unknown>;
  bbox?: [number, number, number, number];
}

function featureWhere(layerId: number, filter: FeatureFilter, withBbox: boolean): Sql {
  const conditions: Sql[] = [sql`f.layer_id = ${layerId}`];
  if (filter.ids.length) conditions.push(sql`f.id = ANY(${filter.ids}::bigint[])`);
  if (filter.properties) conditions.push(sql`f.properties @> ${JSON.stringify(filter.properties)}::jsonb`);
  if (withBbox && filter.bbox) conditions.push(sql`f.geom && ST_MakeEnvelope(${filter.bbox[0]}, ${filter.bbox[1]}, ${filter.bbox[2]}, ${filter.bbox[3]}, 4326)`);
  return join(conditions, ' AND ');
}

export async function countFeatures(db: Queryable, layerId: number, filter: FeatureFilter) {
  const [row] = await db.query<{ total: number; in_bbox: number }>(sql`
    SELECT count(*)::int AS total, count(*) FILTER (WHERE ${filter.bbox ? sql`f.geom && ST_MakeEnvelope(${filter.bbox[0]}, ${filter.bbox[1]}, ${filter.bbox[2]}, ${filter.bbox[3]}, 4326)` : sql`true`})::int AS in_bbox
    FROM layer_features f WHERE ${featureWhere(layerId, filter, false)}`);
  return row!;
}

export function selectFeatures(db: Queryable, layerId: number, filter: FeatureFilter, page: { limit: number; offset: number }) {
  return db.query<{ id: string; geometry: Record<string, unknown>; properties: Record<string, unknown> }>(sql`
    SELECT f.id::text, ST_AsGeoJSON(f.geom, 9)::json AS geometry, f.properties FROM layer_features f
    WHERE ${featureWhere(layerId, filter, true)} ORDER BY f.id LIMIT ${page.limit} OFFSET ${page.offset}`);
}

/** Every feature of a layer for the downloads: GeoJSON, little-endian WKB with its envelope, GML 3 (lat/lon in EPSG:4326). */
export function selectAllFeatures(db: Queryable, layerId: number, withGml: boolean) {
  return db.query<{ id: string; geometry: Record<string, unknown>; properties: Record<string, unknown>; wkb: Uint8Array; min_x: number; min_y: number; max_x: number; max_y: number; gml: string | null }>(sql`
    SELECT f.id::text, ST_AsGeoJSON(f.geom, 9)::json AS geometry, f.properties, ST_AsBinary(f.geom, 'NDR') AS wkb,
      ST_XMin(f.geom) AS min_x, ST_YMin(f.geom) AS min_y, ST_XMax(f.geom) AS max_x, ST_YMax(f.geom) AS max_y,
      ${withGml ? sql`ST_AsGML(3, f.geom, 9, 17)` : sql`NULL`} AS gml
    FROM layer_features f WHERE f.layer_id = ${layerId} ORDER BY f.id`);
}

/** Locks a layer for an import's transaction; no row once it is deleted. */
export async function lockLayer(db: Queryable, id: number) {
  const [row] = await db.query<{ schema: Record<string, string> }>(sql`SELECT schema FROM layers WHERE id = ${id} FOR UPDATE`);
  return row;
}
