import type { Database } from '../../platform/db/database.js';
import { createFacility } from './facilities.service.js';
import type { CreateFacilityBody } from './facilities.schemas.js';

/** Demo sites, the first one being the facilities page's own example (with CUPS letters that check out). */
const DEMO_FACILITIES: (CreateFacilityBody & { id: string })[] = [
  { id: '550e8400-e29b-41d4-a716-446655440000', name: 'Madrid Office', type: 'office', country: 'ES', address: 'Calle Gran Vía 1, Madrid', logistic_factor: 0.8, categories: ['heat', 'electricity', 'water'], cups_list: ['ES0021000000000001RK'] },
  { id: '550e8400-e29b-41d4-a716-446655440001', name: 'Barcelona Warehouse', type: 'warehouse', country: 'ES', address: 'Carrer de la Zona Franca 10, Barcelona', logistic_factor: 0.65, categories: ['electricity', 'recharge'], cups_list: ['ES1234123456789012JY'] },
  { id: '550e8400-e29b-41d4-a716-446655440002', name: 'Lyon Factory', type: 'factory', country: 'FR', address: 'Rue de Gerland 50, Lyon', categories: ['heat', 'electricity', 'water', 'recharge'] },
  { id: '550e8400-e29b-41d4-a716-446655440003', name: 'Frankfurt Datacenter', type: 'datacenter', country: 'DE', categories: ['electricity', 'water'] },
  { id: '550e8400-e29b-41d4-a716-446655440004', name: 'Seville Store', type: 'store', country: 'ES', status: 'archived', categories: ['electricity'], cups_list: ['ES9750210987654321CQ'] },
];

export async function seedDemoFacilities(db: Database, organizationId: string): Promise<number> {
  for (const { id, ...facility } of DEMO_FACILITIES) await createFacility(db, organizationId, facility, id);
  return DEMO_FACILITIES.length;
}
