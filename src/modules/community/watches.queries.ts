import sql from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';

export interface WatchRow {
  id: string;
  name: string;
  area: string;
  threshold_kg_h: number;
  email: boolean;
  webhook_url: string | null;
  created: Date;
}

const COLUMNS = sql`id, name, ST_AsGeoJSON(area, 6) AS area, threshold_kg_h, email, webhook_url, created`;

/** An area resolved elsewhere (hex EWKB) as GeoJSON, the form a watch is created from. */
export async function geoJsonOf(db: Queryable, ewkb: string): Promise<string> {
  const [row] = await db.query<{ geojson: string }>(sql`SELECT ST_AsGeoJSON(${ewkb}::geometry) AS geojson`);
  return row!.geojson;
}

/** The area as stored: a valid (Multi)Polygon in WGS 84, or undefined when PostGIS finds it invalid. */
export async function insertWatch(db: Queryable, organizationId: string, input: { name: string; area: string; thresholdKgH: number; email: boolean; webhookUrl: string | null; webhookSecret: string | null }) {
  const [valid] = await db.query<{ ok: boolean }>(sql`SELECT ST_IsValid(ST_GeomFromGeoJSON(${input.area})) AS ok`);
  if (!valid?.ok) return undefined;
  const [row] = await db.query<WatchRow>(sql`
    INSERT INTO community_watches (organization_id, name, area, threshold_kg_h, email, webhook_url, webhook_secret)
    VALUES (${organizationId}::uuid, ${input.name}, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${input.area}), 4326)), ${input.thresholdKgH}, ${input.email}, ${input.webhookUrl}, ${input.webhookSecret})
    RETURNING ${COLUMNS}`);
  return row;
}

export function selectWatches(db: Queryable, organizationId: string) {
  return db.query<WatchRow>(sql`SELECT ${COLUMNS} FROM community_watches WHERE organization_id = ${organizationId}::uuid ORDER BY created, id`);
}

export async function deleteWatch(db: Queryable, organizationId: string, id: string) {
  const rows = await db.query(sql`DELETE FROM community_watches WHERE id = ${id}::uuid AND organization_id = ${organizationId}::uuid RETURNING id`);
  return rows.length > 0;
}
