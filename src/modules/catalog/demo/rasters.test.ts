import path from 'node:path';
import sharp from 'sharp';
import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/test-app.js';
import { localBlobStore } from '../../../platform/storage/blob-store.js';
import { colormapTables } from '../../geo/raster/colormaps.js';
import { loadDemoCatalog } from './demo.service.js';
import { DEMO_RASTER_SCENES, utmZone } from './rasters.js';

let ctx: TestContext;
let key: string;
let organizationId: string;

/** The tile holding a point at zoom z, and the point's pixel in it. */
function tileAt(lon: number, lat: number, z: number, size = 256) {
  const n = 2 ** z;
  const fx = ((lon + 180) / 360) * n;
  const rad = (lat * Math.PI) / 180;
  const fy = ((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n;
  return { path: `${z}/${Math.floor(fx)}/${Math.floor(fy)}`, px: Math.floor((fx % 1) * size), py: Math.floor((fy % 1) * size) };
}

/** The magma entry of each opaque pixel (-1 where transparent). */
async function magmaIndices(png: Buffer) {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const lookup = new Map<number, number>();
  for (let i = 255; i >= 0; i--) lookup.set((colormapTables.magma[i * 3]! << 16) | (colormapTables.magma[i * 3 + 1]! << 8) | colormapTables.magma[i * 3 + 2]!, i);
  const indices = new Int16Array(info.width * info.height);
  for (let p = 0; p < indices.length; p++) indices[p] = data[p * 4 + 3] === 0 ? -1 : lookup.get((data[p * 4]! << 16) | (data[p * 4 + 1]! << 8) | data[p * 4 + 2]!) ?? -2;
  return { at: (x: number, y: number) => indices[y * info.width + x]!, indices };
}

beforeAll(async () => {
  ctx = await createTestContext();
  const demo = await ctx.organization('Demo rasters');
  organizationId = demo.id;
  key = await demo.key();
  await loadDemoCatalog(ctx.db, { plumes: 120, organizationId, rasters: { db: ctx.db, store: localBlobStore(path.join(ctx.config.dataDir, 'assets')) } });
});
afterAll(() => ctx?.close());

describe('demo rasters', () => {
  it('gives a few scenes a concentration product and an RGB image in their UTM zone', async () => {
    const rows = await ctx.db.query<{ product: string; epsg: number; lon: number; lat: number }>(sql`
      SELECT sr.product, r.epsg, ST_X(ST_Centroid(s.footprint)) AS lon, ST_Y(ST_Centroid(s.footprint)) AS lat
      FROM scene_rasters sr JOIN rasters r ON r.key = sr.key JOIN scenes s ON s.id = sr.scene_id`);
    expect(rows.length).toBe(DEMO_RASTER_SCENES * 2);
    expect(rows.filter((row) => row.product === 'rgb')).toHaveLength(DEMO_RASTER_SCENES);
    for (const row of rows) expect(row.epsg).toBe(utmZone(row.lon, row.lat));
  });

  it('draws each published plume where the catalog says it is, in the scene tile and in its own GeoTIFF', async () => {
    const plumes = await ctx.db.query<{ scene_id: string; gas: string; lon: number; lat: number; plume_tif: string }>(sql`
      SELECT p.scene_id, p.gas, ST_X(p.geometry) AS lon, ST_Y(p.geometry) AS lat, p.plume_tif
      FROM plumes p JOIN scene_rasters sr ON sr.scene_id = p.scene_id AND sr.product <> 'rgb' WHERE p.status = 'published' AND p.plume_tif IS NOT NULL ORDER BY p.plume_id`);
    expect(plumes.length).toBeGreaterThan(0);
    for (const plume of plumes.slice(0, 3)) {
      const tile = tileAt(plume.lon, plume.lat, 14);
      const product = plume.gas.toLowerCase();
      const scene = await ctx.request({ method: 'GET', url: `/api/v1/layers/scene/${plume.scene_id}/${product}/${tile.path}.png`, key });
      expect(scene.statusCode).toBe(200);
      const drawn = await magmaIndices(scene.rawPayload);
      expect(drawn.at(tile.px, tile.py)).toBeGreaterThan(200);
      const opaque = Array.from(drawn.indices).filter((index) => index >= 0);
      expect(opaque.filter((index) => index > 200).length / opaque.length).toBeLessThan(0.25);
      const asset = await ctx.request({ method: 'GET', url: `/api/v1/layers/asset/${encodeURIComponent(plume.plume_tif)}/${tile.path}.png?colormap=magma`, key });
      expect(asset.statusCode).toBe(200);
      expect((await magmaIndices(asset.rawPayload)).at(tile.px, tile.py)).toBeGreaterThan(200);
    }
  });

  it('writes nothing twice when seeded again', async () => {
    const before = await ctx.db.query<{ key: string }>(sql`SELECT key FROM scene_rasters ORDER BY key`);
    await loadDemoCatalog(ctx.db, { plumes: 120, organizationId, rasters: { db: ctx.db, store: localBlobStore(path.join(ctx.config.dataDir, 'assets')) } });
    expect(await ctx.db.query<{ key: string }>(sql`SELECT key FROM scene_rasters ORDER BY key`)).toEqual(before);
    const [named] = await ctx.db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM plumes WHERE plume_tif IS NOT NULL`);
    expect(named!.n).toBeGreaterThan(0);
  });
});
