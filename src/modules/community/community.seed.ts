import type { Database } from '../../platform/db/database.js';
import { largestPublishedPlume } from '../catalog/community.service.js';
import { saveReport } from './operator-reports.service.js';
import { selectWatches } from './watches.queries.js';
import { createWatch } from './watches.service.js';

/**
 * Once: a watch around the organization's largest published plume and an operator report on it
 * (a repaired leak). The server's first notification sweep then raises the watch's notification,
 * already in state "repair" since the report exists.
 */
export async function seedDemoCommunity(db: Database, organizationId: string) {
  if ((await selectWatches(db, organizationId)).length > 0) return;
  const plume = await largestPublishedPlume(db, organizationId);
  if (!plume) return;
  const [x, y, d] = [plume.longitude, plume.latitude, 0.05];
  await createWatch(db, organizationId, {
    name: 'Demo: around our largest plume',
    area: { type: 'Polygon', coordinates: [[[x - d, y - d], [x + d, y - d], [x + d, y + d], [x - d, y + d], [x - d, y - d]]] },
    threshold_kg_h: 100,
    email: false,
  }, { allowPrivateTargets: false }, () => Promise.reject(new Error('the demo watch draws its area')));
  const noImages = { put: () => Promise.reject(new Error('no image in the demo')), url: () => Promise.resolve('') };
  await saveReport(
    db,
    { organizationId, userId: null },
    {
      plume_identifier: plume.plume_id,
      investigation_date: '2025-01-23',
      investigation_method: 'Survey',
      reported_by: 'Demo operator',
      operator_name: 'Carbon Atlas Demo',
      classification: 'Unexpected',
      equipment_group: 'Separator',
      component: 'Pressure relief valve',
      leak_status: 'Needs Verification',
      repair_status: 'Valve reseated',
      repair_date: '2025-01-25',
    },
    undefined,
    noImages,
  );
}
