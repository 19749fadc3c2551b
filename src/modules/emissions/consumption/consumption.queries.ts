import sql, { join, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';

export interface ConsumptionRow {
  id: string;
  facility_id: string;
  category: 'electricity' | 'heat' | 'water' | 'recharge';
  activity: string;
  quantity: number;
  unit: string;
  period_start: string;
  period_end: string;
  cups: string | null;
  supplier_factor: number | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = sql`id, facility_id, category, activity, quantity, unit, to_char(period_start, 'YYYY-MM-DD') AS period_start,
  to_char(period_end, 'YYYY-MM-DD') AS period_end, cups, supplier_factor, created_at, updated_at`;

export interface ConsumptionFields {
  category: ConsumptionRow['category'];
  activity: string;
  quantity: number;
  unit: string;
  periodStart: string;
  periodEnd: string;
  cups: string | null;
  supplierFactor: number | null;
}

export async function insertConsumption(db: Queryable, organizationId: string, facilityId: string, f: ConsumptionFields) {
  const [row] = await db.query<ConsumptionRow>(sql`
    INSERT INTO facility_consumption (organization_id, facility_id, category, activity, quantity, unit, period_start, period_end, cups, supplier_factor)
    VALUES (${organizationId}, ${facilityId}, ${f.category}, ${f.activity}, ${f.quantity}, ${f.unit}, ${f.periodStart}, ${f.periodEnd}, ${f.cups}, ${f.supplierFactor})
    RETURNING ${COLUMNS}`);
  return row!;
}

export async function updateConsumption(db: Queryable, organizationId: string, facilityId: string, id: string, f: ConsumptionFields) {
  const [row] = await db.query<ConsumptionRow>(sql`
    UPDATE facility_consumption SET category = ${f.category}, activity = ${f.activity}, quantity = ${f.quantity}, unit = ${f.unit},
      period_start = ${f.periodStart}, period_end = ${f.periodEnd}, cups = ${f.cups}, supplier_factor = ${f.supplierFactor}, updated_at = now()
    WHERE organization_id = ${organizationId} AND facility_id = ${facilityId} AND id = ${id}
    RETURNING ${COLUMNS}`);
  return row;
}

export async function selectConsumption(db: Queryable, organizationId: string, facilityId: string, id: string) {
  const [row] = await db.query<ConsumptionRow>(sql`
    SELECT ${COLUMNS} FROM facility_consumption WHERE organization_id = ${organizationId} AND facility_id = ${facilityId} AND id = ${id}`);
  return row;
}

export function selectConsumptions(db: Queryable, organizationId: string, facilityId: string, category?: string) {
  const conditions: Sql[] = [sql`organization_id = ${organizationId}`, sql`facility_id = ${facilityId}`];
  if (category) conditions.push(sql`category = ${category}`);
  return db.query<ConsumptionRow>(sql`SELECT ${COLUMNS} FROM facility_consumption WHERE ${join(conditions, ' AND ')} ORDER BY period_start, id`);
}

export async function deleteConsumption(db: Queryable, organizationId: string, facilityId: string, id: string) {
  const rows = await db.query(sql`DELETE FROM facility_consumption WHERE organization_id = ${organizationId} AND facility_id = ${facilityId} AND id = ${id} RETURNING id`);
  return rows.length === 1;
}
