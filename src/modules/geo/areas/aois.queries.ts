import sql, { type Sql } from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';
import type { AreaCaller } from '../../../platform/areas.js';

/**
 * The one visibility rule for areas of interest, used by every read (list, get, GeoJSON, catalog
 * filters): an AOI is visible to the members and keys of its organization, and to the user who
 * created it. Anyone else is told it does not exist.
 */
export function visibleAois(caller: AreaCaller): Sql {
  return sql`(SELECT * FROM aois WHERE (organization_id IS NOT NULL AND organization_id = ${caller.organizationId}::uuid)
    OR (user_id IS NOT NULL AND user_id = ${caller.userId}::uuid))`;
}

/** The client's polygons (GeoJSON MultiPolygon text) unioned and made valid: one MultiPolygon, or nothing when no area is left. */
const VALID = (geojson: string) => sql`ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(${geojson}), 4326), 'method=structure'), 3))`;

export async function insertAoi(db: Queryable, aoi: { organizationId: string | null; userId: string | null; name: string | null; description: string | null; geojson: string }) {
  const [row] = await db.query<{ id: string }>(sql`
    INSERT INTO aois (organization_id, user_id, name, description, geom)
    SELECT ${aoi.organizationId}::uuid, ${aoi.userId}::uuid, ${aoi.name}, ${aoi.description}, g
    FROM (SELECT ${VALID(aoi.geojson)} AS g) made WHERE NOT ST_IsEmpty(g) AND ST_Area(g) > 0
    RETURNING id`);
  return row?.id;
}

export interface AoiSummaryRow {
  id: string;
  name: string | null;
  description: string | null;
  bbox: number[];
  created_at: Date;
}

export function selectAois(db: Queryable, caller: AreaCaller, page: { limit: number; offset: number }) {
  return db.query<AoiSummaryRow>(sql`
    SELECT a.id, a.name, a.description, ARRAY[ST_XMin(a.geom), ST_YMin(a.geom), ST_XMax(a.geom), ST_YMax(a.geom)] AS bbox, a.created_at
    FROM ${visibleAois(caller)} a ORDER BY a.created_at DESC, a.id LIMIT ${page.limit} OFFSET ${page.offset}`);
}

export async function countAois(db: Queryable, caller: AreaCaller) {
  const [row] = await db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${visibleAois(caller)} a`);
  return row!.n;
}

/** The AOI with its geometry as GeoJSON (bbox included), if the caller may see it. */
export async function selectAoi(db: Queryable, id: string, caller: AreaCaller) {
  const [row] = await db.query<{ name: string | null; description: string | null; geojson: string }>(sql`
    SELECT a.name, a.description, ST_AsGeoJSON(a.geom, 9, 1) AS geojson FROM ${visibleAois(caller)} a WHERE a.id = ${id}::uuid`);
  return row;
}

/** The visible AOIs' geometries as hex EWKB; an id not visible is missing from the answer. */
export function selectAoiGeometries(db: Queryable, ids: readonly string[], caller: AreaCaller) {
  return db.query<{ id: string; ewkb: string }>(sql`
    SELECT a.id, a.geom::text AS ewkb FROM ${visibleAois(caller)} a WHERE a.id = ANY(${[...ids]}::uuid[])`);
}
