import sql from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import { insertDeck } from './decks.queries.js';
import { insertPlatform } from './platforms.queries.js';
import { insertSpec, replaceAreas, SPEC_FIELDS, type SpecValues } from './specs.queries.js';

/**
 * A Tanager-like sun-synchronous orbit (97.48°, 15.19 rev/day, ~520 km) with epoch 2026-12-01: an
 * illustrative element set, not a real satellite's (checksums valid; see tle.ts).
 */
export const DEMO_TLE = {
  name: 'Tanager-1 (demo TLE)',
  tle_line1: '1 99901U 24001A   26335.00000000  .00001000  00000-0  10000-3 0  9999',
  tle_line2: '2 99901  97.4800  45.0000 0010000  90.0000 270.1000 15.19000000  1004',
};

export const DEMO_DECK_NAME = 'demo-permian-2026';

const DEMO_AREAS = [
  { name: 'Permian Basin — Delaware sub-basin', geometry: { type: 'Polygon', coordinates: [[[-104.2, 31.6], [-103.4, 31.6], [-103.4, 32.3], [-104.2, 32.3], [-104.2, 31.6]]] } },
  { name: 'Permian Basin — Midland sub-basin', geometry: { type: 'Point', coordinates: [-102.1, 31.9] } },
];

/** Demo tasking in the demo organization: the demo platform and one DRAFT deck with one spec. Idempotent. */
export async function seedDemoTasking(db: Queryable, organizationId: string) {
  const [existing] = await db.query<{ id: string }>(sql`SELECT id FROM target_decks WHERE organization_id = ${organizationId} AND name = ${DEMO_DECK_NAME}`);
  if (existing) return;
  const [platform] = await db.query<{ id: string }>(sql`SELECT id FROM tasking_platforms WHERE organization_id = ${organizationId} AND lower(name) = lower(${DEMO_TLE.name})`);
  if (!platform) await insertPlatform(db, organizationId, DEMO_TLE);
  const deckId = await insertDeck(db, organizationId, { name: DEMO_DECK_NAME, verbose_name: 'Permian Basin super-emitter revisits, winter 2026/27', replacement_method: 'APPEND' });
  const values = Object.fromEntries(SPEC_FIELDS.map((f) => [f, null])) as SpecValues;
  Object.assign(values, {
    name: 'Permian weekly revisit',
    sensitivity_mode: 'normal',
    off_nadir_angle_max: 30,
    satellite_elevation_angle_min: 55,
    solar_zenith_angle_max: 70,
    start_time: new Date('2026-12-01T00:00:00Z'),
    end_time: new Date('2027-03-01T00:00:00Z'),
    recurrence_frequency: 'WEEKLY',
    recurrence_interval: 1,
    count: 12,
    priority: 80,
  });
  const specId = await insertSpec(db, organizationId, deckId, values, []);
  await replaceAreas(db, organizationId, specId, DEMO_AREAS.map((area) => ({ name: area.name, geometry: JSON.stringify(area.geometry) })));
}
