import sql, { join, raw, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import type { DeckStatus } from './deck-status.js';

/** The spec fields stored as they are sent (the page's names are the column names). */
export const SPEC_FIELDS = [
  'name',
  'sensitivity_mode',
  'off_nadir_angle_min',
  'off_nadir_angle_max',
  'satellite_elevation_angle_min',
  'satellite_elevation_angle_max',
  'solar_zenith_angle_min',
  'solar_zenith_angle_max',
  'start_time',
  'end_time',
  'recurrence_frequency',
  'recurrence_interval',
  'count',
  'priority',
] as const;
export type SpecField = (typeof SPEC_FIELDS)[number];
export type SpecValues = { [K in SpecField]: K extends 'start_time' | 'end_time' ? Date | null : K extends 'name' | 'sensitivity_mode' | 'recurrence_frequency' ? string | null : number | null };

export interface SpecRow extends SpecValues {
  id: string;
  target_deck_id: string;
  deck_status: DeckStatus;
  input_layer_names: string[];
  created_at: Date;
  modified: Date;
}

export interface AreaRow {
  id: string;
  target_spec_id: string;
  name: string | null;
  geometry: string;
  longitude: number;
  latitude: number;
}

const COLUMNS = sql`s.id, s.target_deck_id, d.status AS deck_status, s.input_layer_names, ${raw(SPEC_FIELDS.map((f) => `s.${f}`).join(', '))}, s.created_at, s.modified`;
const FROM = sql`target_specs s JOIN target_decks d ON d.id = s.target_deck_id`;

export async function selectSpec(db: Queryable, organizationId: string, id: string) {
  const [row] = await db.query<SpecRow>(sql`SELECT ${COLUMNS} FROM ${FROM} WHERE s.organization_id = ${organizationId} AND s.id = ${id}::uuid`);
  return row;
}

export function selectDeckSpecs(db: Queryable, organizationId: string, deckId: string) {
  return db.query<SpecRow>(sql`
    SELECT ${COLUMNS} FROM ${FROM} WHERE s.organization_id = ${organizationId} AND s.target_deck_id = ${deckId}::uuid
    ORDER BY s.priority DESC NULLS LAST, s.created_at, s.id`);
}

export function countDeckSpecs(db: Queryable, deckId: string) {
  return db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM target_specs WHERE target_deck_id = ${deckId}::uuid`).then(([row]) => row!.n);
}

const cast = (field: SpecField, value: unknown): Sql =>
  field === 'start_time' || field === 'end_time' ? sql`${value}::timestamptz` : typeof value === 'number' || value === null ? sql`${value}` : sql`${value}::text`;

export async function insertSpec(db: Queryable, organizationId: string, deckId: string, values: SpecValues, layerNames: string[]) {
  const [row] = await db.query<{ id: string }>(sql`
    INSERT INTO target_specs (organization_id, target_deck_id, input_layer_names, ${raw(SPEC_FIELDS.join(', '))})
    VALUES (${organizationId}, ${deckId}::uuid, ${layerNames}::text[], ${join(SPEC_FIELDS.map((f) => cast(f, values[f])), ', ')})
    RETURNING id`);
  return row!.id;
}

export async function updateSpec(db: Queryable, organizationId: string, id: string, values: SpecValues, layerNames: string[]) {
  await db.query(sql`
    UPDATE target_specs SET modified = now(), input_layer_names = ${layerNames}::text[],
      ${join(SPEC_FIELDS.map((f) => sql`${raw(f)} = ${cast(f, values[f])}`), ', ')}
    WHERE organization_id = ${organizationId} AND id = ${id}::uuid`);
}

export async function deleteSpec(db: Queryable, organizationId: string, id: string) {
  await db.query(sql`DELETE FROM target_specs WHERE organization_id = ${organizationId} AND id = ${id}::uuid`);
}

/** Replaces a spec's areas with these GeoJSON geometries; answers the ordinals PostGIS finds invalid (nothing is kept then: the caller rolls back). */
export async function replaceAreas(db: Queryable, organizationId: string, specId: string, areas: { name: string | null; geometry: string }[]) {
  await db.query(sql`DELETE FROM target_spec_areas WHERE target_spec_id = ${specId}::uuid`);
  if (areas.length === 0) return [];
  const rows = await db.query<{ ordinal: number; valid: boolean }>(sql`
    INSERT INTO target_spec_areas (organization_id, target_spec_id, ordinal, name, geom)
    SELECT ${organizationId}, ${specId}::uuid, a.ordinal, a.name, ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(a.geometry)), 4326)
    FROM unnest(${areas.map((_, i) => i)}::int[], ${areas.map((a) => a.name)}::text[], ${areas.map((a) => a.geometry)}::text[]) AS a (ordinal, name, geometry)
    RETURNING ordinal, ST_IsValid(geom) AS valid`);
  return rows.filter((row) => !row.valid).map((row) => row.ordinal);
}

/** The areas of these specs with a representative point each (its centroid). */
export function selectAreas(db: Queryable, organizationId: string, specIds: string[]) {
  return db.query<AreaRow>(sql`
    SELECT id::text AS id, target_spec_id, name, ST_AsGeoJSON(geom, 7) AS geometry, ST_X(ST_Centroid(geom)) AS longitude, ST_Y(ST_Centroid(geom)) AS latitude
    FROM target_spec_areas WHERE organization_id = ${organizationId} AND target_spec_id = ANY(${specIds}::uuid[])
    ORDER BY target_spec_id, ordinal`);
}
