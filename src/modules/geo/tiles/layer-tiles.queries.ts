import sql, { type Sql } from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';
import { halfPixelMetres, type Tile } from '../../../platform/tiles/tile-math.js';
import { flatProperties, inSearchBox, MVT_GEOMETRY, TILE_GEOMETRY_JOINS, tileFrame, toMercator } from '../../../platform/tiles/tile-sql.js';
import type { TileFeatureRow } from '../../../platform/tiles/mvt-encode.js';
import { visibleLayers, type LayerViewer } from '../layers/layer-visibility.queries.js';

export interface ReadyLayer {
  id: string;
  name: string;
  verbose_name: string | null;
  description: string | null;
  schema: Record<string, string>;
  bounds: number[] | null;
}

/** A layer the viewer may read and that is ready (status 0), by name (names are unique regardless of case). */
export async function selectReadyLayer(db: Queryable, name: string, viewer: LayerViewer): Promise<ReadyLayer | undefined> {
  const [row] = await db.query<ReadyLayer>(sql`
    SELECT l.id::text AS id, l.name, l.verbose_name, l.description, l.schema, l.bounds
    FROM ${visibleLayers(viewer)} l WHERE lower(l.name) = lower(${name}) AND l.status = 0`);
  return row;
}

/** Bumped in the transaction of every change to layers or their features (migration 0024). */
export async function selectLayerRevision(db: Queryable): Promise<number> {
  const [row] = await db.query<{ revision: string | number }>(sql`SELECT revision FROM layer_revision`);
  return Number(row?.revision ?? 0);
}

/** The layer's features in the tile, simplified to half a pixel of its zoom; properties as stored (nested values as JSON text). */
function candidates(layerId: string, tile: Tile, limit: number): Sql {
  return sql`(
    SELECT ST_Simplify(${toMercator(sql`f.geom`)}, ${halfPixelMetres(tile)}, true) AS g, f.id AS fid, ${flatProperties(sql`f.properties`)} AS properties
    FROM layer_features f WHERE f.layer_id = ${layerId}::bigint AND ${inSearchBox(sql`f.geom`, tile)}
    ORDER BY f.id LIMIT ${limit})`;
}

export async function layerTileMvt(db: Queryable, layer: ReadyLayer, tile: Tile, limit: number): Promise<Uint8Array> {
  const [row] = await db.query<{ mvt: Uint8Array | null }>(sql`
    SELECT ST_AsMVT(f, ${layer.name}, 4096, 'geom', 'fid') AS mvt FROM (
      SELECT ${MVT_GEOMETRY} AS geom, c.fid, c.properties FROM ${candidates(layer.id, tile, limit)} c CROSS JOIN ${tileFrame(tile)} t
    ) f WHERE f.geom IS NOT NULL`);
  return row?.mvt ?? new Uint8Array(0);
}

export function layerTileRows(db: Queryable, layer: ReadyLayer, tile: Tile, limit: number): Promise<TileFeatureRow[]> {
  return db.query<TileFeatureRow>(sql`
    SELECT tg.geom, c.fid, c.properties FROM ${candidates(layer.id, tile, limit)} c CROSS JOIN ${tileFrame(tile)} t ${TILE_GEOMETRY_JOINS}
    WHERE tg.geom IS NOT NULL`);
}
