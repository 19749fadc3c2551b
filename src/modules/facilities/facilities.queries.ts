import sql, { join, type Sql } from 'sql-template-tag';
import { containsPattern } from '../../platform/db/like.js';
import type { Queryable } from '../../platform/db/database.js';
import type { Facility } from './facilities.schemas.js';

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
  /** Epoch milliseconds: a float parses far faster than a timestamp's text, on both drivers. */
  created_ms: number;
  updated_ms: number;
}

const COLUMNS = sql`f.id, f.name, f.type, f.country, f.address, f.status, f.co2e, f.co2e_biomass, f.logistic_factor,
  f.categories, f.cups_list, f.facility_purpose_type,
  (extract(epoch FROM f.created_at) * 1000)::float8 AS created_ms, (extract(epoch FROM f.updated_at) * 1000)::float8 AS updated_ms`;

export function toFacility(row: FacilityRow): Facility {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    country: row.country,
    address: row.address,
    status: row.status,
    co2e: row.co2e,
    co2e_biomass: row.co2e_biomass,
    logistic_factor: row.logistic_factor,
    categories: row.categories,
    cups_list: row.cups_list,
    facility_purpose_type: row.facility_purpose_type,
    created_at: new Date(row.created_ms).toISOString(),
    updated_at: new Date(row.updated_ms).toISOString(),
  };
}


/** The filters other than status, each a small fragment, always scoped to the organization. */
function scopeAndFilters(organizationId: string, filter: FacilityFilter): Sql {
  const conditions = [sql`organization_id = ${organizationId}`];
  if (filter.name) conditions.push(sql`name ILIKE ${containsPattern(filter.name)}`);
  if (filter.country) conditions.push(sql`country = ${filter.country}`);
  if (filter.type) conditions.push(sql`type = ${filter.type}`);
  return join(conditions, ' AND ');
}

function statusCondition(statuses: string[] | undefined): Sql {
  return statuses?.length ? sql`status = ANY(${statuses}::text[])` : sql`true`;
}

/**
 * Without a name filter the trigger-maintained facility_counts groups answer exactly and in
 * microseconds; a name search has to count the matching rows.
 */
function countSource(organizationId: string, filter: FacilityFilter): Sql {
  return filter.name
    ? sql`(SELECT status, 1 AS facilities FROM facilities WHERE ${scopeAndFilters(organizationId, filter)}) AS matching`
    : sql`facility_counts WHERE ${scopeAndFilters(organizationId, filter)}`;
}

/**
 * One page, newest first, with `total` (every filter) and `archived` (every filter but status), in
 * one round trip and one row: the counts, and the page's items as the JSON text the API sends,
 * joined with commas (each row keeps its own in list_json, migration 0058, decision 0039).
 */
export async function selectFacilityPage(db: Queryable, organizationId: string, filter: FacilityFilter, limit: number, offset: number) {
  const [row] = await db.query<{ total: number; archived: number; items: string }>(sql`
    WITH counts AS (
      SELECT COALESCE(sum(facilities) FILTER (WHERE ${statusCondition(filter.statuses)}), 0)::int AS total,
             COALESCE(sum(facilities) FILTER (WHERE status = 'archived'), 0)::int AS archived
      FROM ${countSource(organizationId, filter)}
    ), page AS (
      SELECT list_json, created_at, id FROM facilities
      WHERE ${scopeAndFilters(organizationId, filter)} AND ${statusCondition(filter.statuses)}
      ORDER BY created_at DESC, id DESC
      LIMIT ${limit} OFFSET ${offset}
    )
    SELECT counts.total, counts.archived,
      COALESCE((SELECT string_agg(f.list_json, ',' ORDER BY f.created_at DESC, f.id DESC) FROM page f), '') AS items
    FROM counts`);
  return { total: row!.total, archived: row!.archived, itemsJson: row!.items };
}

/** Changes in the same transaction as any write to the organization's facilities (see migration 0003). */
export async function selectFacilityRevision(db: Queryable, organizationId: string): Promise<number> {
  const [row] = await db.query<{ revision: number }>(sql`
    SELECT COALESCE((SELECT revision FROM facility_revisions WHERE organization_id = ${organizationId}), 0)::int8 AS revision`);
  return row!.revision;
}

export async function selectFacility(db: Queryable, organizationId: string, id: string, options: { forUpdate?: boolean } = {}) {
  const [row] = await db.query<FacilityRow>(sql`
    SELECT ${COLUMNS} FROM facilities f WHERE organization_id = ${organizationId} AND id = ${id}
    ${options.forUpdate ? sql`FOR UPDATE` : sql``}`);
  return row && toFacility(row);
}

/** Inserts a facility; with a fixed id (demo data) an existing row is left alone and nothing returned. */
export async function insertFacility(db: Queryable, organizationId: string, values: FacilityValues, id?: string) {
  const [row] = await db.query<FacilityRow>(sql`
    INSERT INTO facilities AS f (organization_id, id, name, type, country, address, status, logistic_factor, categories, cups_list, facility_purpose_type)
    VALUES (${organizationId}, COALESCE(${id ?? null}::uuid, gen_random_uuid()), ${values.name}, ${values.type}, ${values.country}, ${values.address}, ${values.status},
            ${values.logistic_factor}, ${values.categories}::text[], ${values.cups_list}::text[], ${values.facility_purpose_type})
    ON CONFLICT (organization_id, id) DO NOTHING
    RETURNING ${COLUMNS}`);
  return row && toFacility(row);
}

export async function updateFacilityRow(db: Queryable, organizationId: string, id: string, values: FacilityValues) {
  const [row] = await db.query<FacilityRow>(sql`
    UPDATE facilities AS f SET
      name = ${values.name}, type = ${values.type}, country = ${values.country}, address = ${values.address},
      status = ${values.status}, logistic_factor = ${values.logistic_factor}, categories = ${values.categories}::text[],
      cups_list = ${values.cups_list}::text[], facility_purpose_type = ${values.facility_purpose_type}, updated_at = now()
    WHERE organization_id = ${organizationId} AND id = ${id}
    RETURNING ${COLUMNS}`);
  return toFacility(row!);
}

export async function deleteFacilityRow(db: Queryable, organizationId: string, id: string): Promise<boolean> {
  const rows = await db.query(sql`DELETE FROM facilities WHERE organization_id = ${organizationId} AND id = ${id} RETURNING id`);
  return rows.length === 1;
}

export async function releaseSupplyPoints(db: Queryable, organizationId: string, facilityId: string) {
  await db.query(sql`DELETE FROM facility_active_cups WHERE organization_id = ${organizationId} AND facility_id = ${facilityId}`);
}

/**
 * Claims supply points for an active facility; returns the ones another facility holds. A holder
 * that lets go between our claim and our look-up is claimed again, so success always means held.
 */
export async function claimSupplyPoints(
  db: Queryable,
  organizationId: string,
  facilityId: string,
  supplyPoints: string[],
): Promise<{ supply_point: string; facility_id: string }[]> {
  if (supplyPoints.length === 0) return [];
  const claimed = await db.query<{ supply_point: string }>(sql`
    INSERT INTO facility_active_cups (organization_id, supply_point, facility_id)
    SELECT ${organizationId}, point, ${facilityId} FROM unnest(${supplyPoints}::text[]) AS point
    ON CONFLICT (organization_id, supply_point) DO NOTHING
    RETURNING supply_point`);
  const taken = new Set(claimed.map((row) => row.supply_point));
  const unclaimed = supplyPoints.filter((point) => !taken.has(point));
  if (unclaimed.length === 0) return [];
  const holders = await db.query<{ supply_point: string; facility_id: string }>(sql`
    SELECT supply_point, facility_id FROM facility_active_cups
    WHERE organization_id = ${organizationId} AND supply_point = ANY(${unclaimed}::text[])`);
  const released = unclaimed.filter((point) => !holders.some((holder) => holder.supply_point === point));
  return [...holders, ...(await claimSupplyPoints(db, organizationId, facilityId, released))];
}

/** The facility's read-only totals, kept equal to the sums of its calculated emissions. */
export async function updateEmissionTotals(db: Queryable, organizationId: string, id: string, totals: { co2e: number; co2eBiomass: number }) {
  await db.query(sql`
    UPDATE facilities SET co2e = ${totals.co2e}, co2e_biomass = ${totals.co2eBiomass}
    WHERE organization_id = ${organizationId} AND id = ${id} AND (co2e, co2e_biomass) IS DISTINCT FROM (${totals.co2e}::float8, ${totals.co2eBiomass}::float8)`);
}

/** The next chunk of an export, newest first, after the last facility of the previous chunk (keyset). */
export async function selectFacilityExportChunk(
  db: Queryable,
  organizationId: string,
  filter: FacilityFilter,
  after: { createdKey: string; id: string } | null,
  limit: number,
): Promise<(FacilityRow & { created_key: string })[]> {
  // The key is created_at as text: exact to the microsecond, where epoch milliseconds would round.
  const position = after ? sql`(f.created_at, f.id) < (${after.createdKey}::timestamptz, ${after.id}::uuid)` : sql`true`;
  return db.query<FacilityRow & { created_key: string }>(sql`
    SELECT ${COLUMNS}, f.created_at::text AS created_key FROM facilities f
    WHERE ${scopeAndFilters(organizationId, filter)} AND ${statusCondition(filter.statuses)} AND ${position}
    ORDER BY f.created_at DESC, f.id DESC
    LIMIT ${limit}`);
}
