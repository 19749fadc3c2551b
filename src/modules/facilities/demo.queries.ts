import sql from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';

/** Which of these facility ids the organization has (demo data re-seeded over a user's changes). */
export async function selectExistingFacilityIds(db: Queryable, organizationId: string, ids: string[]): Promise<Set<string>> {
  const rows = await db.query<{ id: string }>(sql`SELECT id FROM facilities WHERE organization_id = ${organizationId} AND id = ANY(${ids}::uuid[])`);
  return new Set(rows.map((row) => row.id));
}

/** The supply points among these that an active facility of the organization already holds. */
export async function selectHeldSupplyPoints(db: Queryable, organizationId: string, supplyPoints: string[]): Promise<Set<string>> {
  if (supplyPoints.length === 0) return new Set();
  const rows = await db.query<{ supply_point: string }>(sql`
    SELECT supply_point FROM facility_active_cups WHERE organization_id = ${organizationId} AND supply_point = ANY(${supplyPoints}::text[])`);
  return new Set(rows.map((row) => row.supply_point));
}
