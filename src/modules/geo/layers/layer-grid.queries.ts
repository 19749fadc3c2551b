import sql from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';

/** The extent of the source layers' features: [west, south, east, north], or undefined when they hold none. */
export async function selectSourceExtent(db: Queryable, layerIds: number[]) {
  const [row] = await db.query<{ west: number | null; south: number; east: number; north: number }>(sql`
    SELECT ST_XMin(box) AS west, ST_YMin(box) AS south, ST_XMax(box) AS east, ST_YMax(box) AS north
    FROM (SELECT ST_Extent(geom)::geometry AS box FROM layer_features WHERE layer_id = ANY(${layerIds}::bigint[])) e`);
  return row && row.west !== null ? ([row.west, row.south, row.east, row.north] as [number, number, number, number]) : undefined;
}

export interface GridSpec {
  west: number;
  south: number;
  /** Cell size in degrees of longitude and of latitude. */
  dx: number;
  dy: number;
  columns: number;
  rows: number;
  /** Metres; 0 asks for intersection. */
  buffer: number;
  /** The buffer in degrees at the extent's highest latitude: an index prefilter wide enough everywhere. */
  bufferDegrees: number;
}

/**
 * Writes the grid's points (cell centres) that lie within `buffer` metres of a feature of the source
 * layers (geodesic distance on the WGS 84 spheroid) or, with no buffer, intersect one. Each point's
 * properties: its row and col, with `properties` merged over them. Returns how many were written.
 */
export async function insertGridPoints(db: Queryable, gridId: number, sources: number[], grid: GridSpec, properties: Record<string, unknown>) {
  const rows = await db.query<{ n: number }>(sql`
    WITH points AS (
      SELECT i, j, ST_SetSRID(ST_MakePoint(${grid.west}::float8 + (i + 0.5) * ${grid.dx}::float8, ${grid.south}::float8 + (j + 0.5) * ${grid.dy}::float8), 4326) AS geom
      FROM generate_series(0, ${grid.columns - 1}) i, generate_series(0, ${grid.rows - 1}) j
    ), stored AS (
      INSERT INTO layer_features (layer_id, geom, properties)
      SELECT ${gridId}, p.geom, jsonb_build_object('row', p.j, 'col', p.i) || ${JSON.stringify(properties)}::jsonb FROM points p
      WHERE EXISTS (
        SELECT 1 FROM layer_features f WHERE f.layer_id = ANY(${sources}::bigint[]) AND f.geom && ST_Expand(p.geom, ${grid.bufferDegrees}::float8)
          AND (CASE WHEN ${grid.buffer}::float8 = 0 THEN ST_Intersects(f.geom, p.geom) ELSE ST_DWithin(f.geom::geography, p.geom::geography, ${grid.buffer}::float8) END))
      ORDER BY p.j, p.i
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM stored`);
  return rows[0]!.n;
}
