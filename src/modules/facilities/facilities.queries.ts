import sql, { join, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';

export interface FacilityRow {
  id: string;
  name: string;
  type: string;
  country: string;
  address: string | null;
  status: 'active' | 'archived';
  co2e: number;
  co2e_biomass: number;
  logistic_factor: number;
  categories: string[];
  cups_list: string[];
  facility_purpose_type: string;
  created_at: Date;
  updated_at: Date;
}

export interface FacilityValues {
  name: string;
  type: string;
  country: string;
  address: string | null;
  status: 'active' | 'archived';
  logistic_factor: number;
  categories: string[];
  cups_list: string[];
  facility_purpose_type: string;
}

export interface FacilityFilter {
  name?: string | undefined;
  country?: string | undefined;
  type?: string | undefined;
  statuses?: string[] | undefined;
}

const COLUMNS = sql`id, name, type, country, address, status, co2e, co2e_biomass, logistic_factor, categories, cups_list, facility_purpose_type, created_at, updated_at`;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** The filters other than status, each a small fragment, always scoped to the organization. */
function scopeAndFilters(organizationId: string, filter: FacilityFilter): Sql {
  const conditions = [sql`organization_id = ${organizationId}`];
  if (filter.name) conditions.push(sql`name ILIKE ${`%${escapeLike(filter.name)}%`}`);
  if (filter.country) conditions.push(sql`country = ${filter.country}`);
  if (filter.type) conditions.push(sql`type = ${filter.type}`);
  return join(conditions, ' AND ');
}

function statusCondition(statuses: string[] | undefined): Sql {
  return statuses?.length ? sql`status = ANY(${statuses}::text[])` : sql`true`;
}

export async function selectFacilityPage(db: Queryable, organizationId: string, filter: FacilityFilter, limit: number, offset: number) {
  return db.query<FacilityRow>(sql`
    SELECT ${COLUMNS} FROM facilities
    WHERE ${scopeAndFilters(organizationId, filter)} AND ${statusCondition(filter.statuses)}
    ORDER BY created_at DESC, id DESC
    LIMIT ${limit} OFFSET ${offset}`);
}

export async function countFacilities(db: Queryable, organizationId: string, filter: FacilityFilter) {
  const [row] = await db.query<{ total: number; archived: number }>(sql`
    SELECT count(*) FILTER (WHERE ${statusCondition(filter.statuses)})::int AS total,
           count(*) FILTER (WHERE status = 'archived')::int AS archived
    FROM facilities WHERE ${scopeAndFilters(organizationId, filter)}`);
  return row ?? { total: 0, archived: 0 };
}

export async function selectFacility(db: Queryable, organizationId: string, id: string, options: { forUpdate?: boolean } = {}) {
  const [row] = await db.query<FacilityRow>(sql`
    SELECT ${COLUMNS} FROM facilities WHERE organization_id = ${organizationId} AND id = ${id}
    ${options.forUpdate ? sql`FOR UPDATE` : sql``}`);
  return row;
}

/** Inserts a facility; with a fixed id (demo data) an existing row is left alone and nothing returned. */
export async function insertFacility(db: Queryable, organizationId: string, values: FacilityValues, id?: string) {
  const [row] = await db.query<FacilityRow>(sql`
    INSERT INTO facilities (organization_id, id, name, type, country, address, status, logistic_factor, categories, cups_list, facility_purpose_type)
    VALUES (${organizationId}, COALESCE(${id ?? null}::uuid, gen_random_uuid()), ${values.name}, ${values.type}, ${values.country}, ${values.address}, ${values.status},
            ${values.logistic_factor}, ${values.categories}::text[], ${values.cups_list}::text[], ${values.facility_purpose_type})
    ON CONFLICT (organization_id, id) DO NOTHING
    RETURNING ${COLUMNS}`);
  return row;
}

export async function updateFacilityRow(db: Queryable, organizationId: string, id: string, values: FacilityValues) {
  const [row] = await db.query<FacilityRow>(sql`
    UPDATE facilities SET
      name = ${values.name}, type = ${values.type}, country = ${values.country}, address = ${values.address},
      status = ${values.status}, logistic_factor = ${values.logistic_factor}, categories = ${values.categories}::text[],
      cups_list = ${values.cups_list}::text[], facility_purpose_type = ${values.facility_purpose_type}, updated_at = now()
    WHERE organization_id = ${organizationId} AND id = ${id}
    RETURNING ${COLUMNS}`);
  return row!;
}

export async function deleteFacilityRow(db: Queryable, organizationId: string, id: string): Promise<boolean> {
  const rows = await db.query(sql`DELETE FROM facilities WHERE organization_id = ${organizationId} AND id = ${id} RETURNING id`);
  return rows.length === 1;
}

export async function releaseSupplyPoints(db: Queryable, organizationId: string, facilityId: string) {
  await db.query(sql`DELETE FROM facility_active_cups WHERE organization_id = ${organizationId} AND facility_id = ${facilityId}`);
}

/** Claims supply points for an active facility; returns the ones another facility already holds. */
export async function claimSupplyPoints(db: Queryable, organizationId: string, facilityId: string, supplyPoints: string[]) {
  if (supplyPoints.length === 0) return [];
  const claimed = await db.query<{ supply_point: string }>(sql`
    INSERT INTO facility_active_cups (organization_id, supply_point, facility_id)
    SELECT ${organizationId}, point, ${facilityId} FROM unnest(${supplyPoints}::text[]) AS point
    ON CONFLICT (organization_id, supply_point) DO NOTHING
    RETURNING supply_point`);
  const taken = new Set(claimed.map((row) => row.supply_point));
  const conflicts = supplyPoints.filter((point) => !taken.has(point));
  if (conflicts.length === 0) return [];
  return db.query<{ supply_point: string; facility_id: string }>(sql`
    SELECT supply_point, facility_id FROM facility_active_cups
    WHERE organization_id = ${organizationId} AND supply_point = ANY(${conflicts}::text[])`);
}
