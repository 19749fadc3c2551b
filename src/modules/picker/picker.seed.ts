import type { Database } from '../../platform/db/database.js';
import * as identity from '../../platform/identity/identity.service.js';
import { newestSceneIds } from '../catalog/picker.service.js';
import { countAssignments } from './picker.queries.js';
import { createAssignment } from './picker.service.js';

export const DEMO_ANALYST_EMAIL = 'analyst@demo.carbon-atlas.invalid';

/** A demo analyst (no password: shown, not signed in) assigned the organization's three newest scenes, once. */
export async function seedDemoPicker(db: Database, organizationId: string) {
  if ((await countAssignments(db, { organizationId })) > 0) return;
  let analyst = await identity.getUserByEmail(db, DEMO_ANALYST_EMAIL);
  if (!analyst) {
    await identity.createUser(db, { email: DEMO_ANALYST_EMAIL, password: null, firstName: 'Demo', lastName: 'Analyst' });
    analyst = (await identity.getUserByEmail(db, DEMO_ANALYST_EMAIL))!;
    await identity.addMember(db, organizationId, analyst.id, 'member');
  }
  // Someone else's account under the demo address is never pulled into the demo organization.
  if (!(await identity.getMembership(db, analyst.id, organizationId))) return;
  const scenes = await newestSceneIds(db, { organizationId }, 3);
  if (scenes.length === 0) return;
  await createAssignment(db, { organizationId, userId: null, isStaff: false }, { assignees: [Number(analyst.number)], scenes, note: 'Demo: review the newest scenes' });
}
