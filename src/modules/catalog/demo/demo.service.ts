import type { Queryable } from '../../../platform/db/database.js';
import * as writes from '../catalog-writes.queries.js';
import { generateCatalog } from './generator.js';

const PLUME_CHUNK = 500;
const SCENE_CHUNK = 200;

/** Writes the demo catalog (idempotent: names already present are kept); returns what it wrote. */
export async function loadDemoCatalog(db: Queryable, options: { plumes: number; seed?: number; organizationId?: string | null; onProgress?: (done: { scenes: number; plumes: number }) => void }) {
  const organizationId = options.organizationId ?? null;
  let scenes: writes.GeneratedScene[] = [];
  let plumes: writes.PlumeValues[] = [];
  const totals = { scenes: 0, plumes: 0 };
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
    if (scenes.length >= SCENE_CHUNK || plumes.length >= PLUME_CHUNK * 4) await flush();
  }
  await flush();
  return totals;
}
