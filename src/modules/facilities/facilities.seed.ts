import type { Database } from '../../platform/db/database.js';
import { createFacility } from './facilities.service.js';
import type { CreateFacilityBody } from './facilities.schemas.js';
import { supplyPointOf } from './cups.js';
import { selectExistingFacilityIds, selectHeldSupplyPoints } from './demo.queries.js';

/** Demo sites, the first one being the facilities page's own example (with CUPS letters that check out). */
export const DEMO_FACILITIES: (CreateFacilityBody & { id: string })[] = [
  { id: '550e8400-e29b-41d4-a716-446655440000', name: 'Madrid Office', type: 'office', country: 'ES', address: 'Calle Gran Vía 1, Madrid', logistic_factor: 0.8, categories: ['heat', 'electricity', 'water'], cups_list: ['ES0021000000000001RK'] },
  { id: '550e8400-e29b-41d4-a716-446655440001', name: 'Barcelona Warehouse', type: 'warehouse', country: 'ES', address: 'Carrer de la Zona Franca 10, Barcelona', logistic_factor: 0.65, categories: ['electricity', 'recharge'], cups_list: ['ES1234123456789012JY'] },
  { id: '550e8400-e29b-41d4-a716-446655440002', name: 'Lyon Factory', type: 'factory', country: 'FR', address: 'Rue de Gerland 50, Lyon', categories: ['heat', 'electricity', 'water', 'recharge'] },
  { id: '550e8400-e29b-41d4-a716-446655440003', name: 'Frankfurt Datacenter', type: 'datacenter', country: 'DE', categories: ['electricity', 'water'] },
  { id: '550e8400-e29b-41d4-a716-446655440004', name: 'Seville Store', type: 'store', country: 'ES', status: 'archived', categories: ['electricity'], cups_list: ['ES9750210987654321CQ'] },
];

/**
 * The demo sites, in the caller's transaction. A site already there is left as the user made it;
 * one the user deleted comes back, without a CUPS that another active site has taken meanwhile
 * (a user may have re-created "Madrid Office" with its code), so seeding never fails on it.
 */
export async function seedDemoFacilities(db: Database, organizationId: string): Promise<number> {
  const existing = await selectExistingFacilityIds(db, organizationId, DEMO_FACILITIES.map((f) => f.id));
  for (const { id, ...facility } of DEMO_FACILITIES) {
    if (existing.has(id)) continue;
    const cups = facility.cups_list ?? [];
    const held = facility.status === 'archived' ? new Set<string>() : await selectHeldSupplyPoints(db, organizationId, cups.map(supplyPointOf));
    await createFacility(db, organizationId, { ...facility, cups_list: cups.filter((code) => !held.has(supplyPointOf(code))) }, id);
  }
  return DEMO_FACILITIES.length;
}
