import sql, { type Sql } from 'sql-template-tag';
import { BUFFER, EXTENT, MAX_LATITUDE, searchBox4326, type Tile } from './tile-math.js';

/**
 * SQL shared by every vector tile query. A tile query selects its candidates with a 3857 geometry
 * column `g`, joins `tileFrame(tile)` as `t`, and then either
 * - lets PostgreSQL encode (`mvtGeometry`, then ST_AsMVT over the rows), or
 * - asks PostGIS for the same tile-grid geometry (`TILE_GEOMETRY_JOINS`, then `tg.geom` as
 *   GeoJSON in tile units) and encodes it in JavaScript (mvt-encode.ts): the embedded database's
 *   PostGIS has no protobuf, hence no ST_AsMVT or ST_AsMVTGeom.
 * Both see the same candidates, so both answers decode to the same features.
 */

/** The tile's envelope and the affine transform from 3857 metres to tile units, as ST_AsMVTGeom derives them. */
export function tileFrame(tile: Tile): Sql {
  return sql`(
    SELECT e.env, ${EXTENT}::float8 / (ST_XMax(e.env) - ST_XMin(e.env)) AS fx, -(${EXTENT}::float8 / (ST_YMax(e.env) - ST_YMin(e.env))) AS fy,
      -ST_XMin(e.env) * (${EXTENT}::float8 / (ST_XMax(e.env) - ST_XMin(e.env))) AS xoff,
      -ST_YMax(e.env) * -(${EXTENT}::float8 / (ST_YMax(e.env) - ST_YMin(e.env))) AS yoff,
      ST_MakeEnvelope(${-BUFFER}, ${-BUFFER}, ${EXTENT + BUFFER}, ${EXTENT + BUFFER}) AS clip
    FROM (SELECT ST_TileEnvelope(${tile.z}::int, ${tile.x}::int, ${tile.y}::int)::box2d AS env) e)`;
}

/** The candidates' index condition: `column` (EPSG:4326) meets the tile with its buffer. */
export function inSearchBox(column: Sql, tile: Tile): Sql {
  const [west, south, east, north] = searchBox4326(tile);
  return sql`${column} && ST_MakeEnvelope(${west}, ${south}, ${east}, ${north}, 4326)`;
}

/**
 * A 4326 geometry in Web Mercator. Parts beyond Mercator's latitudes (a pole cannot be
 * projected) are cut off first, only for the rare geometry that reaches there.
 */
export function toMercator(column: Sql): Sql {
  return sql`ST_Transform(CASE WHEN ST_YMax(${column}) > ${MAX_LATITUDE} OR ST_YMin(${column}) < ${-MAX_LATITUDE}
    THEN ST_ClipByBox2D(${column}, ST_MakeEnvelope(-180, ${-MAX_LATITUDE}, 180, ${MAX_LATITUDE}, 4326)) ELSE ${column} END, 3857)`;
}

/** PostgreSQL's encoder: ST_AsMVTGeom of the candidate `c.g` in frame `t`. */
export const MVT_GEOMETRY = sql`ST_AsMVTGeom(c.g, t.env, ${EXTENT}, ${BUFFER}, true)`;

/**
 * The same steps as ST_AsMVTGeom (PostGIS 3.3+), for the JavaScript encoder: into tile units,
 * snapped to the integer grid, collinear points dropped; clipped to the buffered tile only when
 * it sticks out; polygons made valid and wound as MVT wants (clockwise on screen, y down).
 * Yields `tg.geom`, NULL when nothing is left.
 */
export const TILE_GEOMETRY_JOINS = sql`
  CROSS JOIN LATERAL (SELECT ST_Simplify(ST_SnapToGrid(ST_Affine(c.g, t.fx, 0, 0, t.fy, t.xoff, t.yoff), 1), 0) AS geom) g1
  CROSS JOIN LATERAL (SELECT CASE WHEN g1.geom IS NULL OR ST_IsEmpty(g1.geom) THEN NULL WHEN g1.geom @ t.clip THEN g1.geom
    WHEN g1.geom && t.clip THEN ST_ClipByBox2D(g1.geom, t.clip) END AS geom) g2
  CROSS JOIN LATERAL (SELECT CASE WHEN g2.geom IS NULL OR ST_IsEmpty(g2.geom) THEN NULL
    WHEN ST_Dimension(g2.geom) = 2 THEN ST_ForcePolygonCCW(ST_CollectionExtract(ST_MakeValid(ST_SnapToGrid(g2.geom, 1)), 3))
    ELSE ST_SnapToGrid(g2.geom, 1) END AS geom) g3
  CROSS JOIN LATERAL (SELECT CASE WHEN g3.geom IS NULL OR ST_IsEmpty(g3.geom) THEN NULL ELSE ST_AsGeoJSON(g3.geom, 0) END AS geom) tg`;

/** A jsonb object as MVT properties: nested objects and arrays become their JSON text (ST_AsMVT would drop them). */
export function flatProperties(column: Sql): Sql {
  return sql`(SELECT COALESCE(jsonb_object_agg(kv.key, CASE WHEN jsonb_typeof(kv.value) IN ('object', 'array') THEN to_jsonb(kv.value::text) ELSE kv.value END), '{}'::jsonb)
    FROM jsonb_each(CASE WHEN jsonb_typeof(${column}) = 'object' THEN ${column} ELSE '{}'::jsonb END) kv)`;
}
