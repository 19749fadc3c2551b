import sql, { join, raw, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import type { PlumeStatus } from './plume-filter.js';
import { visibleScenes } from './visible-scenes.queries.js';

export interface SceneFields {
  name: string;
  instrument: string;
  platform: string | null;
  provider: string | null;
  missionPhase: string | null;
  timestamp: Date;
  organizationId: string | null;
}

/**
 * The owner's scene of this name, created on first sight; its id either way. Only the owner's own
 * scene is ever read or completed (fields it lacks filled in), never another owner's of the same
 * name, so an import neither rewrites another organization's scene nor learns whether it exists.
 * A new scene is published when the plume that makes it is and no published scene has its name
 * (published names stay unique); otherwise it waits unpublished, visible to others once it holds
 * a published plume (visibleScenes). A concurrent writer taking the name makes the next try find it.
 */
export async function sceneOfOwner(db: Queryable, scene: SceneFields, published: boolean) {
  for (const wantPublished of [published, false, false]) {
    const own = await completeOwnScene(db, scene);
    if (own) return own;
    const created = await insertOwnScene(db, scene, wantPublished);
    if (created) return created;
  }
  throw new Error(`Scene ${scene.name} could be neither found nor created for its owner.`);
}

const ownerIs = (organizationId: string | null) =>
  organizationId ? sql`organization_id = ${organizationId}::uuid` : sql`organization_id IS NULL`;

async function completeOwnScene(db: Queryable, scene: SceneFields) {
  const [row] = await db.query<{ id: string }>(sql`
    UPDATE scenes SET
      platform = COALESCE(platform, ${scene.platform}), provider = COALESCE(provider, ${scene.provider}),
      mission_phase = COALESCE(mission_phase, ${scene.missionPhase})
    WHERE name = ${scene.name} AND ${ownerIs(scene.organizationId)}
    RETURNING id`);
  return row?.id;
}

async function insertOwnScene(db: Queryable, scene: SceneFields, published: boolean) {
  const status = published
    ? sql`CASE WHEN EXISTS (SELECT 1 FROM scenes WHERE name = ${scene.name} AND status = 'published') THEN 'valid' ELSE 'published' END`
    : sql`'valid'`;
  const [row] = await db.query<{ id: string }>(sql`
    INSERT INTO scenes (name, instrument, platform, provider, mission_phase, "timestamp", status, organization_id)
    VALUES (${scene.name}, ${scene.instrument}, ${scene.platform}, ${scene.provider}, ${scene.missionPhase}, ${scene.timestamp}, ${status}, ${scene.organizationId})
    ON CONFLICT DO NOTHING RETURNING id`);
  return row?.id;
}

/** A live scene the organization may see (visibleScenes), to draw a plume in. */
export async function selectSceneById(db: Queryable, id: string, organizationId: string) {
  const [row] = await db.query<{ id: string; name: string; instrument: string; platform: string | null; provider: string | null; mission_phase: string | null; timestamp: Date }>(
    sql`SELECT id, name, instrument, platform, provider, mission_phase, "timestamp" FROM ${visibleScenes({ organizationId })} s WHERE id = ${id}`,
  );
  return row;
}

/** Every column of a plume that an import or the catalog's own forms write. */
export interface PlumeValues {
  /** Given by the demo generator (deterministic); otherwise drawn by the database. */
  id?: string;
  plume_id: string;
  scene_id: string;
  scene_name: string;
  instrument: string;
  platform: string | null;
  provider: string | null;
  mission_phase: string | null;
  datetime: Date;
  organization_id: string | null;
  gas: string;
  longitude: number;
  latitude: number;
  bounds: [number, number, number, number] | null;
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
  status: PlumeStatus;
  plume_tif: string | null;
  plume_png: string | null;
  con_tif: string | null;
  rgb_tif: string | null;
  rgb_png: string | null;
  published_at: Date | null;
  modified: Date | null;
}

const point = (v: { longitude: number; latitude: number }) => sql`ST_SetSRID(ST_MakePoint(${v.longitude}, ${v.latitude}), 4326)`;
const envelope = (b: [number, number, number, number] | null) => (b ? sql`ST_MakeEnvelope(${b[0]}, ${b[1]}, ${b[2]}, ${b[3]}, 4326)` : sql`NULL::geometry`);

export interface UpsertOutcome {
  created: number;
  updated: number;
  /** plume_ids neither created nor updated: published by another owner. */
  refused: string[];
}

const PLUME_COLUMNS = raw(`id, plume_id, scene_id, scene_name, instrument, platform, provider, mission_phase, "datetime", organization_id, gas, geometry, bounds,
  sector, emission_auto, emission_uncertainty_auto, emission_cmf_type, emission_version, processing_software, gsd, sensitivity_mode, off_nadir,
  wind_speed_avg_auto, wind_speed_std_auto, wind_direction_avg_auto, wind_direction_std_auto, wind_source_auto, quality, status,
  plume_tif, plume_png, con_tif, rgb_tif, rgb_png, published_at, modified`);

const valuesOf = (plumes: PlumeValues[]) =>
  join(
    plumes.map(
      (v) => sql`(COALESCE(${v.id ?? null}::uuid, gen_random_uuid()), ${v.plume_id}::text, ${v.scene_id}::uuid, ${v.scene_name}::text, ${v.instrument}::text, ${v.platform}::text, ${v.provider}::text, ${v.mission_phase}::text, ${v.datetime}::timestamptz,
      ${v.organization_id}::uuid, ${v.gas}::text, ${point(v)}, ${envelope(v.bounds)}, ${v.sector}::text, ${v.emission_auto}::float8, ${v.emission_uncertainty_auto}::float8,
      ${v.emission_cmf_type}::text, ${v.emission_version}::text, ${v.processing_software}::text, ${v.gsd}::float8, ${v.sensitivity_mode}::text, ${v.off_nadir}::float8,
      ${v.wind_speed_avg_auto}::float8, ${v.wind_speed_std_auto}::float8, ${v.wind_direction_avg_auto}::float8, ${v.wind_direction_std_auto}::float8,
      ${v.wind_source_auto}::text, ${v.quality}::text, ${v.status}::text, ${v.plume_tif}::text, ${v.plume_png}::text, ${v.con_tif}::text, ${v.rgb_tif}::text, ${v.rgb_png}::text,
      ${v.published_at}::timestamptz, COALESCE(${v.modified}::timestamptz, now()))`,
    ),
    ', ',
  );

/**
 * Inserts plumes, or replaces the imported fields of the owner's own plumes of those names
 * (owner: the organization, or none for the platform's own). Names are unique per owner and among
 * published plumes (migration 0014), so a name another organization keeps unpublished is simply
 * a new plume of this owner, and only a name already published by another owner is refused.
 * Ownership is part of each statement (the unique indexes, the UPDATE's WHERE), not a check made
 * before it, so no concurrent writer can slip in between.
 */
export async function upsertPlumes(db: Queryable, plumes: PlumeValues[]): Promise<UpsertOutcome> {
  if (plumes.length === 0) return { created: 0, updated: 0, refused: [] };
  const inserted = await db.query<{ plume_id: string }>(sql`
    INSERT INTO plumes (${PLUME_COLUMNS}) VALUES ${valuesOf(plumes)} ON CONFLICT DO NOTHING RETURNING plume_id`);
  const created = new Set(inserted.map((r) => r.plume_id));
  const known = plumes.filter((p) => !created.has(p.plume_id));
  if (known.length === 0) return { created: created.size, updated: 0, refused: [] };
  const updated = await db.query<{ plume_id: string }>(sql`
    UPDATE plumes SET
      geometry = v.geometry, bounds = v.bounds, sector = v.sector, emission_auto = v.emission_auto,
      emission_uncertainty_auto = v.emission_uncertainty_auto, emission_cmf_type = v.emission_cmf_type,
      emission_version = v.emission_version, processing_software = v.processing_software, gsd = v.gsd,
      sensitivity_mode = v.sensitivity_mode, off_nadir = v.off_nadir, wind_speed_avg_auto = v.wind_speed_avg_auto,
      wind_speed_std_auto = v.wind_speed_std_auto, wind_direction_avg_auto = v.wind_direction_avg_auto,
      wind_direction_std_auto = v.wind_direction_std_auto, wind_source_auto = v.wind_source_auto,
      plume_tif = v.plume_tif, plume_png = v.plume_png, con_tif = v.con_tif, rgb_tif = v.rgb_tif,
      rgb_png = v.rgb_png, published_at = COALESCE(v.published_at, plumes.published_at), modified = v.modified
    FROM (VALUES ${valuesOf(known)}) AS v(${PLUME_COLUMNS})
    WHERE plumes.plume_id = v.plume_id AND plumes.organization_id IS NOT DISTINCT FROM v.organization_id
    RETURNING plumes.plume_id`);
  const written = new Set(updated.map((r) => r.plume_id));
  return { created: created.size, updated: written.size, refused: known.map((p) => p.plume_id).filter((id) => !written.has(id)) };
}

/** The curation fields of a plume (the page's plume form). */
export interface CurationFields {
  longitude?: number;
  latitude?: number;
  gas?: string;
  asset_id?: string | null;
  notes?: string | null;
  status?: PlumeStatus;
  quality?: string | null;
  quality_shape?: boolean | null;
  quality_artifacts?: boolean | null;
  quality_flare?: boolean | null;
  quality_background?: boolean | null;
  phme_candidate?: boolean | null;
  sector?: string | null;
  hide_emission?: boolean;
}

const CURATED = ['gas', 'asset_id', 'notes', 'status', 'quality', 'quality_shape', 'quality_artifacts', 'quality_flare', 'quality_background', 'phme_candidate', 'sector', 'hide_emission'] as const;

/** Sets the given curation fields (absent ones untouched); publishing stamps published_at once. */
export async function updateCuration(db: Queryable, id: string, fields: CurationFields) {
  const sets: Sql[] = [sql`modified = now()`];
  for (const name of CURATED) {
    if (fields[name] !== undefined) sets.push(sql`${raw(name)} = ${fields[name]}`);
  }
  if (fields.longitude !== undefined && fields.latitude !== undefined) sets.push(sql`geometry = ${point({ longitude: fields.longitude, latitude: fields.latitude })}`);
  if (fields.status === 'published') sets.push(sql`published_at = COALESCE(published_at, now())`);
  await db.query(sql`UPDATE plumes SET ${join(sets, ', ')} WHERE id = ${id}`);
}

export type SceneRow = NonNullable<Awaited<ReturnType<typeof selectSceneById>>>;

/** A plume drawn by an analyst in a scene; the other curation fields follow with updateCuration. */
export async function insertCuratedPlume(db: Queryable, values: { plume_id: string; scene: SceneRow; organizationId: string; gas: string; longitude: number; latitude: number }) {
  const [row] = await db.query<{ id: string }>(sql`
    INSERT INTO plumes (plume_id, scene_id, scene_name, instrument, platform, provider, mission_phase, "datetime", organization_id, gas, geometry)
    VALUES (${values.plume_id}, ${values.scene.id}, ${values.scene.name}, ${values.scene.instrument}, ${values.scene.platform}, ${values.scene.provider},
            ${values.scene.mission_phase}, ${values.scene.timestamp}, ${values.organizationId}, ${values.gas}, ${point(values)})
    ON CONFLICT DO NOTHING RETURNING id`);
  return row?.id;
}

/** The names of the scene's plumes the organization may see (published, or its own): what its letters follow. */
export async function selectVisiblePlumeNamesOfScene(db: Queryable, sceneId: string, organizationId: string | null) {
  const rows = await db.query<{ plume_id: string }>(sql`
    SELECT plume_id FROM plumes WHERE scene_id = ${sceneId} AND (status = 'published' OR organization_id IS NOT DISTINCT FROM ${organizationId}::uuid)`);
  return rows.map((row) => row.plume_id);
}

/** The organization's publish_ready plumes among those matched, locked until they are published. */
export async function selectPublishable(db: Queryable, organizationId: string, where: Sql) {
  const rows = await db.query<{ id: string }>(sql`
    SELECT p.id FROM plumes p WHERE ${where} AND p.organization_id = ${organizationId} AND p.status = 'publish_ready' FOR UPDATE`);
  return rows.map((row) => row.id);
}

export async function publishIds(db: Queryable, ids: string[]) {
  const rows = await db.query(sql`
    UPDATE plumes SET status = 'published', published_at = COALESCE(published_at, now()), modified = now()
    WHERE id = ANY(${ids}::uuid[]) AND status = 'publish_ready' RETURNING id`);
  return rows.length;
}

/** Of these plumes, those whose name another, published plume already has. */
export function selectNameClashes(db: Queryable, ids: string[]) {
  return db.query<{ id: string; scene_id: string; scene_name: string; organization_id: string | null }>(sql`
    SELECT p.id, p.scene_id, p.scene_name, p.organization_id FROM plumes p
    WHERE p.id = ANY(${ids}::uuid[]) AND EXISTS (SELECT 1 FROM plumes o WHERE o.plume_id = p.plume_id AND o.status = 'published' AND o.id <> p.id)
    ORDER BY p.plume_id`);
}

export async function renamePlume(db: Queryable, id: string, plumeId: string) {
  await db.query(sql`UPDATE plumes SET plume_id = ${plumeId}, modified = now() WHERE id = ${id}`);
}

export interface GeneratedScene {
  id: string;
  name: string;
  instrument: string;
  platform: string;
  provider: string;
  mission_phase: string;
  timestamp: Date;
  /** [west, south, east, north] of the swath. */
  footprint: [number, number, number, number];
  cloud_cover: number;
  qa_flags: string[];
  assessed: boolean;
}

/**
 * Scenes of the demo generator, footprints included, published (the demo catalogue is public by
 * design); names the owner already has, or that a published scene has, are left as they are.
 */
export async function insertScenes(db: Queryable, scenes: GeneratedScene[], organizationId: string | null) {
  if (scenes.length === 0) return;
  const rows = scenes.map(
    (s) => sql`(${s.id}::uuid, ${s.name}, ${s.instrument}, ${s.platform}, ${s.provider}, ${s.mission_phase}, ${s.timestamp}::timestamptz,
      ST_MakeEnvelope(${s.footprint[0]}, ${s.footprint[1]}, ${s.footprint[2]}, ${s.footprint[3]}, 4326), ${s.cloud_cover}::real, ${s.qa_flags}::text[],
      ${s.assessed}, 'published', ${organizationId}::uuid)`,
  );
  await db.query(sql`
    INSERT INTO scenes (id, name, instrument, platform, provider, mission_phase, "timestamp", footprint, cloud_cover, qa_flags, assessed, status, organization_id)
    VALUES ${join(rows, ', ')} ON CONFLICT DO NOTHING`);
}
