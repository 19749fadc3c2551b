import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../../../platform/db/database.js';
import type { BlobStore } from '../../../platform/storage/blob-store.js';
import * as writes from '../catalog-writes.queries.js';
import { generateCatalog, type GeneratedBatch } from './generator.js';
import { selectOwnScenes } from './demo.queries.js';
import { refreshCatalogAfterBulkWrite } from '../planner-statistics.queries.js';
import { DEMO_RASTER_SCENES, writeDemoRasters } from './rasters.js';

const PLUME_CHUNK = 500;
const SCENE_CHUNK = 200;

/**
 * An id that follows from the owner and the name, so that a scene or plume is the same row
 * whichever run (seed, count) generated it: two demo catalogs in one database — the demo
 * organization's and `demo-plumes`' — never collide on a primary key, and re-running either one
 * finds its own rows again.
 */
export function demoId(organizationId: string | null, name: string): string {
  const hex = createHash('sha256').update(`carbon-atlas-demo:${organizationId ?? 'public'}:${name}`).digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface DemoCatalogTotals {
  scenes: number;
  plumes: number;
  /** Plumes not written: their name is another owner's published plume or scene. */
  skipped: number;
}

/**
 * Writes the demo catalog (idempotent: rows already present are kept, their fields refreshed);
 * returns what the catalog holds of it. A scene whose published name another owner already has
 * is left out with its plumes.
 */
export async function loadDemoCatalog(
  db: Queryable,
  options: {
    plumes: number;
    seed?: number;
    organizationId?: string | null;
    onProgress?: (done: { scenes: number; plumes: number }) => void;
    /** Also write rasters (scene products, plume GeoTIFFs) for a few of an organization's scenes into this asset store. */
    rasters?: { db: Database; store: BlobStore };
  },
): Promise<DemoCatalogTotals> {
  const organizationId = options.organizationId ?? null;
  let scenes: writes.GeneratedScene[] = [];
  let plumes: writes.PlumeValues[] = [];
  const totals = { scenes: 0, plumes: 0, skipped: 0 };
  let generated = 0;
  const withRasters: GeneratedBatch[] = [];
  const flush = async () => {
    await writes.insertScenes(db, scenes, organizationId);
    // By name: a scene stored by an earlier release has another id, and its plumes still belong to it.
    const own = await selectOwnScenes(db, scenes.map((scene) => scene.name), organizationId);
    const writable = plumes.filter((plume) => own.has(plume.scene_name)).map((plume) => ({ ...plume, scene_id: own.get(plume.scene_name)! }));
    for (let i = 0; i < writable.length; i += PLUME_CHUNK) {
      const outcome = await writes.upsertPlumes(db, writable.slice(i, i + PLUME_CHUNK));
      totals.plumes += outcome.created + outcome.updated;
      totals.skipped += outcome.refused.length;
    }
    totals.skipped += plumes.length - writable.length;
    totals.scenes += own.size;
    generated += plumes.length;
    scenes = [];
    plumes = [];
    options.onProgress?.({ scenes: totals.scenes, plumes: generated });
  };
  for (const batch of generateCatalog(options.plumes, options.seed)) {
    const sceneId = demoId(organizationId, batch.scene.name);
    const scene = { ...batch.scene, id: sceneId };
    const batchPlumes = batch.plumes.map((plume) => ({ ...plume, id: demoId(organizationId, plume.plume_id), scene_id: sceneId, organization_id: organizationId }));
    scenes.push(scene);
    plumes.push(...batchPlumes);
    if (withRasters.length < DEMO_RASTER_SCENES && batchPlumes.some((plume) => plume.status === 'published')) withRasters.push({ ...batch, scene, plumes: batchPlumes });
    if (scenes.length >= SCENE_CHUNK || plumes.length >= PLUME_CHUNK * 4) await flush();
  }
  await flush();
  if (options.rasters && organizationId) await writeDemoRasters(options.rasters.db, options.rasters.store, organizationId, withRasters);
  // Last: the rasters' writes update plumes, which would clear what the VACUUM marks all-visible.
  await refreshCatalogAfterBulkWrite(db);
  return totals;
}
