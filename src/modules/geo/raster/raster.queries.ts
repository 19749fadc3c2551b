import sql from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';

/** A raster as described at import (or at its first tile, for a plume asset read in place). */
export interface RasterRow {
  key: string;
  version: string;
  epsg: number;
  width: number;
  height: number;
  bands: number;
  floating: boolean;
  nodata: number | null;
  p99: number | null;
  bounds: [number, number, number, number];
}

export type SceneProduct = 'ch4' | 'co2' | 'rgb';

const COLUMNS = sql`r.key, r.version, r.epsg, r.width, r.height, r.bands, r.floating, r.nodata, r.p99, r.bounds`;

export async function selectRaster(db: Queryable, key: string) {
  const [row] = await db.query<RasterRow>(sql`SELECT ${COLUMNS} FROM rasters r WHERE r.key = ${key}`);
  return row;
}

export async function upsertRaster(db: Queryable, row: RasterRow) {
  await db.query(sql`
    INSERT INTO rasters (key, version, epsg, width, height, bands, floating, nodata, p99, bounds)
    VALUES (${row.key}, ${row.version}, ${row.epsg}, ${row.width}, ${row.height}, ${row.bands}, ${row.floating}, ${row.nodata}::float8, ${row.p99}::float8, ${row.bounds}::float8[])
    ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version, epsg = EXCLUDED.epsg, width = EXCLUDED.width, height = EXCLUDED.height,
      bands = EXCLUDED.bands, floating = EXCLUDED.floating, nodata = EXCLUDED.nodata, p99 = EXCLUDED.p99, bounds = EXCLUDED.bounds, described_at = now()`);
}

/** The raster of a scene's product, if one was uploaded. */
export async function selectSceneRaster(db: Queryable, sceneId: string, product: SceneProduct) {
  const [row] = await db.query<RasterRow>(sql`
    SELECT ${COLUMNS} FROM scene_rasters s JOIN rasters r ON r.key = s.key WHERE s.scene_id = ${sceneId}::uuid AND s.product = ${product}`);
  return row;
}

export async function upsertSceneRaster(db: Queryable, value: { sceneId: string; product: SceneProduct; key: string; sha256: string; bytes: number; converted: boolean }) {
  await db.query(sql`
    INSERT INTO scene_rasters (scene_id, product, key, sha256, bytes, converted)
    VALUES (${value.sceneId}::uuid, ${value.product}, ${value.key}, ${value.sha256}, ${value.bytes}, ${value.converted})
    ON CONFLICT (scene_id, product) DO UPDATE SET key = EXCLUDED.key, sha256 = EXCLUDED.sha256, bytes = EXCLUDED.bytes,
      converted = EXCLUDED.converted, uploaded_at = now()`);
}
