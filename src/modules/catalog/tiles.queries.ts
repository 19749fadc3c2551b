import sql, { type Sql } from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import { isoInstant } from '../../platform/db/iso-instant.js';
import type { Tile } from '../../platform/tiles/tile-math.js';
import { halfPixelMetres } from '../../platform/tiles/tile-math.js';
import { inSearchBox, MVT_GEOMETRY, TILE_GEOMETRY_JOINS, tileFrame, toMercator } from '../../platform/tiles/tile-sql.js';
import type { TileFeatureRow } from '../../platform/tiles/mvt-encode.js';
import type { PlumeFilter, Viewer } from './plume-filter.js';
import { plumeWhere } from './plumes.queries.js';
import { CELL_PROPERTIES, cellCandidates } from './plume-cells.queries.js';
import { sceneWhere, type SceneFilter } from './scenes/scenes.queries.js';
import { visiblePlumes } from './visible-plumes.queries.js';
import { visibleScenes } from './visible-scenes.queries.js';

/** Instants as the catalog's JSON writes them (toISOString), so a pop-up and a list agree. */

/** What a map styles and pops up for a plume; emissions as visiblePlumes shows them (NULL when hidden). */
const PLUME_PROPERTIES = sql`c.id, c.plume_id, c.gas, c.sector, c.emission_auto, c.emission_uncertainty_auto, c."datetime", c.instrument, c.status`;
const SCENE_PROPERTIES = sql`c.id, c.name, c.instrument, c."timestamp", c.cloud_cover_pct, c.qa_flags, c.assessed, c.status`;

/**
 * Up to this zoom a tile covers so much that its plumes outnumber the limit many times over (a z3
 * tile over Texas holds a third of a million at 1M plumes): the tile's plumes are picked first as
 * ids alone (a narrow top-N, which migration 0044's index answers from the index in emission
 * order), then only those are read and projected. Above it, a tile holds few enough plumes that
 * reading them once through the spatial index is cheaper (decision 0020).
 */
export const RANKED_PICK_MAX_ZOOM = 6;

/** The tile's plumes in the order they are drawn: largest (visible) emissions first. */
const PLUME_TILE_ORDER = sql`p.emission_auto DESC NULLS LAST, p.id`;

/**
 * The plumes of one tile, the catalog's filters and visibility applied, at most `limit`, the
 * largest emissions first (a low-zoom tile over a dense basin keeps its super-emitters).
 */
function plumeCandidates(filter: PlumeFilter, viewer: Viewer, tile: Tile, limit: number): Sql {
  const inTile = sql`${plumeWhere(filter, viewer)} AND ${inSearchBox(sql`p.geometry`, tile)}`;
  const columns = sql`ST_Transform(p.geometry, 3857) AS g, p.id::text AS id, p.plume_id, p.gas, p.sector, p.emission_auto, p.emission_uncertainty_auto,
      ${isoInstant(sql`p."datetime"`)} AS "datetime", p.instrument, p.status`;
  if (tile.z > RANKED_PICK_MAX_ZOOM) {
    return sql`(SELECT ${columns} FROM ${visiblePlumes(viewer)} p WHERE ${inTile} ORDER BY ${PLUME_TILE_ORDER} LIMIT ${limit})`;
  }
  return sql`(
    SELECT ${columns} FROM ${visiblePlumes(viewer)} p
    JOIN (SELECT p.id FROM ${visiblePlumes(viewer)} p WHERE ${inTile} ORDER BY ${PLUME_TILE_ORDER} LIMIT ${limit}) picked ON picked.id = p.id
    ORDER BY ${PLUME_TILE_ORDER})`;
}

/** Scene footprints of one tile, simplified to half a pixel of its zoom. */
function sceneCandidates(filter: SceneFilter, viewer: Viewer, tile: Tile, limit: number): Sql {
  return sql`(
    SELECT ST_Simplify(${toMercator(sql`s.footprint`)}, ${halfPixelMetres(tile)}, true) AS g, s.id::text AS id, s.name, s.instrument,
      ${isoInstant(sql`s."timestamp"`)} AS "timestamp", s.cloud_cover::float8 AS cloud_cover_pct, array_to_json(s.qa_flags)::text AS qa_flags, s.assessed, s.status
    FROM ${visibleScenes(viewer)} s
    WHERE ${sceneWhere(filter, viewer)} AND s.footprint IS NOT NULL AND ${inSearchBox(sql`s.footprint`, tile)}
    ORDER BY s."timestamp" DESC, s.id LIMIT ${limit})`;
}

/** PostgreSQL encodes: one MVT layer, or an empty buffer when no feature is in the tile. */
async function mvt(db: Queryable, layer: string, candidates: Sql, properties: Sql, tile: Tile): Promise<Uint8Array> {
  const [row] = await db.query<{ mvt: Uint8Array | null }>(sql`
    SELECT ST_AsMVT(f, ${layer}, 4096, 'geom') AS mvt FROM (
      SELECT ${MVT_GEOMETRY} AS geom, ${properties} FROM ${candidates} c CROSS JOIN ${tileFrame(tile)} t
    ) f WHERE f.geom IS NOT NULL`);
  return row?.mvt ?? new Uint8Array(0);
}

/** The same features on the tile grid, for the JavaScript encoder. */
function rows(db: Queryable, candidates: Sql, properties: Sql, tile: Tile): Promise<TileFeatureRow[]> {
  return db.query<TileFeatureRow>(sql`
    SELECT tg.geom, ${properties} FROM ${candidates} c CROSS JOIN ${tileFrame(tile)} t ${TILE_GEOMETRY_JOINS}
    WHERE tg.geom IS NOT NULL`);
}

export const plumeTileMvt = (db: Queryable, filter: PlumeFilter, viewer: Viewer, tile: Tile, limit: number) =>
  mvt(db, 'plumes', plumeCandidates(filter, viewer, tile, limit), PLUME_PROPERTIES, tile);
export const plumeTileRows = (db: Queryable, filter: PlumeFilter, viewer: Viewer, tile: Tile, limit: number) =>
  rows(db, plumeCandidates(filter, viewer, tile, limit), PLUME_PROPERTIES, tile);
export const plumeCellTileMvt = (db: Queryable, filter: PlumeFilter, viewer: Viewer, tile: Tile) =>
  mvt(db, 'plumes', cellCandidates(filter, viewer, tile), CELL_PROPERTIES, tile);
export const plumeCellTileRows = (db: Queryable, filter: PlumeFilter, viewer: Viewer, tile: Tile) =>
  rows(db, cellCandidates(filter, viewer, tile), CELL_PROPERTIES, tile);
export const sceneTileMvt = (db: Queryable, filter: SceneFilter, viewer: Viewer, tile: Tile, limit: number) =>
  mvt(db, 'scenes', sceneCandidates(filter, viewer, tile, limit), SCENE_PROPERTIES, tile);
export const sceneTileRows = (db: Queryable, filter: SceneFilter, viewer: Viewer, tile: Tile, limit: number) =>
  rows(db, sceneCandidates(filter, viewer, tile, limit), SCENE_PROPERTIES, tile);

/** The catalog's revision: bumped in the transaction of every plume or scene change (migration 0024). */
export async function selectCatalogRevision(db: Queryable): Promise<number> {
  const [row] = await db.query<{ revision: string | number }>(sql`SELECT revision FROM catalog_revision`);
  return Number(row?.revision ?? 0);
}
