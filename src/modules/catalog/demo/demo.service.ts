import type { Database, Queryable } from '../../../platform/db/database.js';
import type { BlobStore } from '../../../platform/storage/blob-store.js';
import * as writes from '../catalog-writes.queries.js';
import { generateCatalog, type GeneratedBatch } from './generator.js';
import { DEMO_RASTER_SCENES, writeDemoRasters } from './rasters.js';

const PLUME_CHUNK = 500;
const SCENE_CHUNK = 200;

/** Writes the demo catalog (idempotent: names already present are kept); returns what it wrote. */
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
) {
  const organizationId = options.organizationId ?? null;
  let scenes: writes.GeneratedScene[] = [];
  let plumes: writes.PlumeValues[] = [];
  const totals = { scenes: 0, plumes: 0 };
  const withRasters: GeneratedBatch[] = [];
  const flush = async () => {
    await writes.insertScenes(db, scenes, organizationId);
    for (let i = 0; i < plumes.length; i += PLUME_CHUNK) await writes.upsertPlumes(db, plumes.slice(i, i + PLUME_CHUNK));
    totals.scenes += scenes.length;
    totals.plumes += plumes.length;
    scenes = [];
    plumes = [];
    options.onProgress?.(totals);
  };
  for (const batch of generateCatalog(options.plumes, options.seed)) {
    scenes.push(batch.scene);
    plumes.push(...batch.plumes.map((plume) => ({ ...plume, organization_id: organizationId })));
    if (withRasters.length < DEMO_RASTER_SCENES && batch.plumes.some((plume) => plume.status === 'published')) withRasters.push(batch);
    if (scenes.length >= SCENE_CHUNK || plumes.length >= PLUME_CHUNK * 4) await flush();
  }
  await flush();
  if (options.rasters && organizationId) await writeDemoRasters(options.rasters.db, options.rasters.store, organizationId, withRasters);
  return totals;
}
