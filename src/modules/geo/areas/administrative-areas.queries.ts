import sql from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';

/** One area to store: its GeoJSON geometry (Polygon or MultiPolygon, WGS 84) as text. */
export interface AreaRecord {
  id: string;
  level: number;
  name: string;
  fullName: string;
  geojson: string;
  keys: { word: number; key: string }[];
}

export type AreaSource = 'bundled' | 'imported';

/** Serialises loads: two processes starting together against one PostgreSQL take turns. */
export async function lockAreaLoads(tx: Queryable) {
  await tx.query(sql`SELECT pg_advisory_xact_lock(hashtext('carbon-atlas:administrative-areas'))`);
}

export async function selectSourceVersion(db: Queryable, source: string) {
  const [row] = await db.query<{ version: string; area_count: number }>(sql`SELECT version, area_count FROM administrative_area_sources WHERE source = ${source}`);
  return row;
}

export async function recordSource(tx: Queryable, source: string, version: string, count: number) {
  await tx.query(sql`
    INSERT INTO administrative_area_sources (source, version, area_count) VALUES (${source}, ${version}, ${count})
    ON CONFLICT (source) DO UPDATE SET version = EXCLUDED.version, area_count = EXCLUDED.area_count, loaded_at = now()`);
}

export async function deleteAreasOf(tx: Queryable, source: AreaSource) {
  await tx.query(sql`DELETE FROM administrative_areas WHERE source = ${source}`);
}

/**
 * Stores a batch of areas, each made valid and kept as one MultiPolygon. A bundled area never
 * replaces an existing row (an operator's import wins); an imported one replaces what is there.
 * Returns the ids stored.
 */
export async function insertAreas(tx: Queryable, areas: AreaRecord[], source: AreaSource): Promise<string[]> {
  if (!areas.length) return [];
  const onConflict =
    source === 'bundled'
      ? sql`ON CONFLICT (gadm_composite_id) DO NOTHING`
      : sql`ON CONFLICT (gadm_composite_id) DO UPDATE SET level = EXCLUDED.level, name = EXCLUDED.name, full_name = EXCLUDED.full_name,
              source = EXCLUDED.source, geom = EXCLUDED.geom, bbox = EXCLUDED.bbox`;
  const stored = await tx.query<{ gadm_composite_id: string }>(sql`
    WITH given AS (
      SELECT t.id, t.level, t.name, t.full_name,
             ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(t.geojson), 4326), 'method=structure'), 3)) AS geom
      FROM unnest(${areas.map((a) => a.id)}::text[], ${areas.map((a) => a.level)}::int[], ${areas.map((a) => a.name)}::text[],
                  ${areas.map((a) => a.fullName)}::text[], ${areas.map((a) => a.geojson)}::text[]) AS t(id, level, name, full_name, geojson)
    )
    INSERT INTO administrative_areas (gadm_composite_id, level, name, full_name, source, geom, bbox)
    SELECT id, level, name, full_name, ${source}, geom, ARRAY[ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)]
    FROM given WHERE NOT ST_IsEmpty(geom)
    ${onConflict}
    RETURNING gadm_composite_id`);
  const ids = new Set(stored.map((row) => row.gadm_composite_id));
  const keys = areas.filter((a) => ids.has(a.id)).flatMap((a) => a.keys.map((k) => ({ id: a.id, ...k })));
  if (ids.size) await tx.query(sql`DELETE FROM administrative_area_keys WHERE gadm_composite_id = ANY(${[...ids]}::text[])`);
  if (keys.length) {
    await tx.query(sql`
      INSERT INTO administrative_area_keys (gadm_composite_id, word, key)
      SELECT * FROM unnest(${keys.map((k) => k.id)}::text[], ${keys.map((k) => k.word)}::int[], ${keys.map((k) => k.key)}::text[])`);
  }
  return [...ids];
}

export interface AreaMatch {
  gadm_composite_id: string;
  name: string;
  bbox: number[];
}

/**
 * Areas whose folded name equals the term, starts with it, or has a word starting with it — in
 * that order, then countries before their subdivisions, then by name. `pattern` is the folded
 * term with LIKE's wildcards escaped, followed by `%`.
 */
export function searchAreas(db: Queryable, term: string, pattern: string, limit: number) {
  return db.query<AreaMatch>(sql`
    SELECT a.gadm_composite_id, a.full_name AS name, a.bbox
    FROM (
      SELECT k.gadm_composite_id, min(CASE WHEN k.word = 0 AND k.key = ${term} THEN 0 WHEN k.word = 0 THEN 1 ELSE 2 END) AS rank
      FROM administrative_area_keys k WHERE k.key LIKE ${pattern}
      GROUP BY k.gadm_composite_id
    ) m JOIN administrative_areas a ON a.gadm_composite_id = m.gadm_composite_id
    ORDER BY m.rank, a.level, a.name, a.gadm_composite_id
    LIMIT ${limit}`);
}

/** An area's geometry as GeoJSON with its bbox. */
export async function selectAreaGeojson(db: Queryable, id: string) {
  const [row] = await db.query<{ geojson: string }>(sql`SELECT ST_AsGeoJSON(geom, 9, 1) AS geojson FROM administrative_areas WHERE gadm_composite_id = ${id}`);
  return row?.geojson;
}

/** The areas' geometries as hex EWKB, in the order asked; a missing id is missing from the answer. */
export function selectAreaGeometries(db: Queryable, ids: string[]) {
  return db.query<{ id: string; ewkb: string }>(sql`
    SELECT gadm_composite_id AS id, geom::text AS ewkb FROM administrative_areas WHERE gadm_composite_id = ANY(${ids}::text[])`);
}

export async function countAreas(db: Queryable) {
  const [row] = await db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM administrative_areas`);
  return row!.n;
}
