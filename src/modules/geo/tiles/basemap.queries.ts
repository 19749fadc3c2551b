import sql, { type Sql } from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';
import { halfPixelMetres, searchBox4326, type Tile } from '../../../platform/tiles/tile-math.js';
import type { TileFeatureRow } from '../../../platform/tiles/mvt-encode.js';
import { inSearchBox, MVT_GEOMETRY, TILE_GEOMETRY_JOINS, tileFrame, toMercator } from '../../../platform/tiles/tile-sql.js';

/** Countries at every zoom, states and provinces from zoom 3, counties from zoom 6: what a reader can tell apart. */
export function deepestLevel(z: number): number {
  return z >= 6 ? 2 : z >= 3 ? 1 : 0;
}

/** The deepest zoom the basemap is made at: past it a map client over-zooms zoom 12's tiles. */
export const BASEMAP_MAX_ZOOM = 12;

/**
 * The administrative areas in the tile, simplified to half a pixel of its zoom; `level` 0
 * countries, 1 states, 2 counties. From zoom 6 each full-resolution area is first cut to the tile's
 * buffered box, so a tile costs what it shows, not the whole of Canada.
 */
function candidates(tile: Tile): Sql {
  const [west, south, east, north] = searchBox4326(tile);
  // Below zoom 6 the copy simplified to 0.02° (migration 0036) is finer than a pixel.
  const geometry = tile.z < 6 ? sql`a.geom_low` : sql`ST_ClipByBox2D(a.geom, ST_MakeEnvelope(${west}, ${south}, ${east}, ${north}, 4326))`;
  return sql`(
    SELECT ST_Simplify(${toMercator(geometry)}, ${halfPixelMetres(tile)}, true) AS g,
      jsonb_build_object('id', a.gadm_composite_id, 'name', a.name, 'level', a.level) AS properties
    FROM administrative_areas a WHERE a.level <= ${deepestLevel(tile.z)} AND ${inSearchBox(sql`a.geom`, tile)})`;
}

/** PostgreSQL's encoder (ST_AsMVT): one layer `areas`. */
export async function basemapTileMvt(db: Queryable, tile: Tile): Promise<Uint8Array> {
  const [row] = await db.query<{ mvt: Uint8Array | null }>(sql`
    SELECT ST_AsMVT(f, 'areas', 4096, 'geom') AS mvt FROM (
      SELECT ${MVT_GEOMETRY} AS geom, c.properties FROM ${candidates(tile)} c CROSS JOIN ${tileFrame(tile)} t
    ) f WHERE f.geom IS NOT NULL`);
  return row?.mvt ?? new Uint8Array(0);
}

/** The same features on the tile grid for the JavaScript encoder (the embedded database's PostGIS has no protobuf). */
export function basemapTileRows(db: Queryable, tile: Tile): Promise<TileFeatureRow[]> {
  return db.query<TileFeatureRow>(sql`
    SELECT tg.geom, c.properties FROM ${candidates(tile)} c CROSS JOIN ${tileFrame(tile)} t ${TILE_GEOMETRY_JOINS}
    WHERE tg.geom IS NOT NULL`);
}
