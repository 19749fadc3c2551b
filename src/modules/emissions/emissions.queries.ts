import sql, { join, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import { toGram } from './quantities.js';

export interface EmissionRow {
  id: string;
  seq: number;
  facility_id: string;
  scope: 1 | 2 | 3;
  category: string | null;
  value_kg: number;
  reported_value: number;
  reported_unit: string;
  occurred_ms: number;
  metadata: Record<string, unknown>;
  source: 'api' | 'calculated';
  external_id: string | null;
  voided_ms: number | null;
  void_reason: string | null;
  created_ms: number;
  co2e_biomass_kg: number;
  consumption_id: string | null;
  factor_id: string | null;
  factor_version: string | null;
  calculation: Record<string, unknown> | null;
}

const COLUMNS = sql`
  id, seq, facility_id, scope, category, value_kg, reported_value, reported_unit,
  (extract(epoch FROM occurred_at) * 1000)::float8 AS occurred_ms, metadata, source, external_id,
  (extract(epoch FROM voided_at) * 1000)::float8 AS voided_ms, void_reason,
  (extract(epoch FROM created_at) * 1000)::float8 AS created_ms, co2e_biomass_kg, consumption_id, factor_id, factor_version, calculation`;

export interface NewEmission {
  id: string;
  facilityId: string;
  scope: number;
  category: string | null;
  valueKg: number;
  reportedValue: number;
  reportedUnit: string;
  occurredAt: Date;
  metadata: Record<string, unknown>;
  externalId: string | null;
}

/** Inserts a record; with an external_id already used by the organization, returns that record instead. */
export async function insertEmission(db: Queryable, organizationId: string, e: NewEmission) {
  const [inserted] = await db.query<EmissionRow>(sql`
    INSERT INTO emissions (organization_id, id, facility_id, scope, category, value_kg, reported_value, reported_unit, occurred_at, metadata, external_id)
    VALUES (${organizationId}, ${e.id}, ${e.facilityId}, ${e.scope}, ${e.category}, ${e.valueKg}, ${e.reportedValue}, ${e.reportedUnit},
            ${e.occurredAt}, ${JSON.stringify(e.metadata)}::jsonb, ${e.externalId})
    ON CONFLICT (organization_id, external_id) WHERE external_id IS NOT NULL DO NOTHING
    RETURNING ${COLUMNS}`);
  if (inserted) return { row: inserted, created: true };
  const [existing] = await db.query<EmissionRow>(sql`SELECT ${COLUMNS} FROM emissions WHERE organization_id = ${organizationId} AND external_id = ${e.externalId}`);
  return { row: existing!, created: false };
}

export async function selectEmission(db: Queryable, organizationId: string, id: string) {
  const [row] = await db.query<EmissionRow>(sql`SELECT ${COLUMNS} FROM emissions WHERE organization_id = ${organizationId} AND id = ${id}`);
  return row;
}

export interface EmissionFilter {
  from?: Date | undefined;
  /** Exclusive. */
  until?: Date | undefined;
  scopes?: number[] | undefined;
  facilityId?: string | undefined;
  category?: string | undefined;
  includeVoided: boolean;
}

function conditions(organizationId: string, filter: EmissionFilter, afterSeq: number): Sql {
  const parts: Sql[] = [sql`organization_id = ${organizationId}`, sql`seq > ${afterSeq}`];
  if (filter.from) parts.push(sql`occurred_at >= ${filter.from}`);
  if (filter.until) parts.push(sql`occurred_at < ${filter.until}`);
  if (filter.scopes?.length) parts.push(sql`scope = ANY(${filter.scopes}::smallint[])`);
  if (filter.facilityId) parts.push(sql`facility_id = ${filter.facilityId}`);
  if (filter.category) parts.push(sql`category = ${filter.category}`);
  if (!filter.includeVoided) parts.push(sql`voided_at IS NULL`);
  return join(parts, ' AND ');
}

/** One page in insertion order after `afterSeq`, fetching one row more to know whether more follow. */
export function selectEmissionPage(db: Queryable, organizationId: string, filter: EmissionFilter, afterSeq: number, limit: number) {
  return db.query<EmissionRow>(sql`
    SELECT ${COLUMNS} FROM emissions WHERE ${conditions(organizationId, filter, afterSeq)} ORDER BY seq LIMIT ${limit + 1}`);
}

export async function voidEmission(db: Queryable, organizationId: string, id: string, reason: string) {
  const [row] = await db.query<EmissionRow>(sql`
    UPDATE emissions SET voided_at = COALESCE(voided_at, now()), void_reason = COALESCE(void_reason, ${reason})
    WHERE organization_id = ${organizationId} AND id = ${id} AND source = 'api'
    RETURNING ${COLUMNS}`);
  return row;
}

export interface CalculatedEmission {
  id: string;
  facilityId: string;
  consumptionId: string;
  scope: number;
  category: string;
  valueKg: number;
  biomassKg: number;
  occurredAt: Date;
  factorId: string;
  factorVersion: string;
  calculation: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export async function insertCalculatedEmission(db: Queryable, organizationId: string, e: CalculatedEmission) {
  await db.query(sql`
    INSERT INTO emissions (organization_id, id, facility_id, scope, category, value_kg, reported_value, reported_unit, occurred_at, metadata,
      source, co2e_biomass_kg, consumption_id, factor_id, factor_version, calculation)
    VALUES (${organizationId}, ${e.id}, ${e.facilityId}, ${e.scope}, ${e.category}, ${e.valueKg}, ${e.valueKg}, 'kgCO2e', ${e.occurredAt},
      ${JSON.stringify(e.metadata)}::jsonb, 'calculated', ${e.biomassKg}, ${e.consumptionId}, ${e.factorId}, ${e.factorVersion},
      ${JSON.stringify(e.calculation)}::jsonb)`);
}

/** Voids the live calculated record of a consumption entry (kept as the audit trail of the old value). */
export async function voidCalculatedEmission(db: Queryable, organizationId: string, consumptionId: string, reason: string) {
  await db.query(sql`
    UPDATE emissions SET voided_at = now(), void_reason = ${reason}
    WHERE organization_id = ${organizationId} AND consumption_id = ${consumptionId} AND voided_at IS NULL`);
}

export async function sumCalculatedEmissions(db: Queryable, organizationId: string, facilityId: string) {
  const [row] = await db.query<{ co2e: number; biomass: number }>(sql`
    SELECT COALESCE(sum(value_kg), 0)::float8 AS co2e, COALESCE(sum(co2e_biomass_kg), 0)::float8 AS biomass
    FROM emissions WHERE organization_id = ${organizationId} AND facility_id = ${facilityId} AND source = 'calculated' AND voided_at IS NULL`);
  return { co2e: toGram(row!.co2e), co2eBiomass: toGram(row!.biomass) };
}

export function selectEmissionsOfConsumption(db: Queryable, organizationId: string, consumptionId: string) {
  return db.query<EmissionRow>(sql`SELECT ${COLUMNS} FROM emissions WHERE organization_id = ${organizationId} AND consumption_id = ${consumptionId} ORDER BY seq`);
}

/** The consumption entries whose emission in force was calculated with a factor. */
export function selectConsumptionsUsingFactor(db: Queryable, organizationId: string, factorId: string) {
  return db.query<{ consumption_id: string; facility_id: string }>(sql`
    SELECT consumption_id, facility_id FROM emissions
    WHERE organization_id = ${organizationId} AND factor_id = ${factorId} AND voided_at IS NULL AND consumption_id IS NOT NULL
    ORDER BY seq`);
}

/**
 * Live calculated emissions whose shipped factor is not, in that version, among `current` (the
 * shipped library's ids and versions): a new release changed or withdrew it. Organizations' own
 * factors (`ef_…`) are versioned by their owners and left out.
 */
export function selectStaleLibraryCalculations(db: Queryable, current: { ids: string[]; versions: string[] }) {
  return db.query<{ organization_id: string; facility_id: string; consumption_id: string; factor_id: string; factor_version: string }>(sql`
    SELECT e.organization_id, e.facility_id, e.consumption_id, e.factor_id, e.factor_version FROM emissions e
    WHERE e.consumption_id IS NOT NULL AND e.voided_at IS NULL AND e.factor_id IS NOT NULL AND left(e.factor_id, 3) <> 'ef_'
      AND NOT EXISTS (
        SELECT 1 FROM unnest(${current.ids}::text[], ${current.versions}::text[]) AS c(id, version)
        WHERE c.id = e.factor_id AND c.version = e.factor_version)
    ORDER BY e.organization_id, e.seq`);
}

/**
 * Stores records, skipping external_ids already stored; returns what was stored as kgCO2e and
 * record counts per scope and UTC month (`YYYY-MM`), a few rows however many records. The records
 * travel as one array per column (eleven parameters, not eleven per record), which PostgreSQL binds
 * and plans far faster than a VALUES list.
 */
export async function insertEmissions(db: Queryable, organizationId: string, records: NewEmission[]) {
  if (records.length === 0) return [];
  const column = <T>(pick: (e: NewEmission) => T) => records.map(pick);
  return db.query<{ scope: number; month: string; kg: number; created: number }>(sql`
    WITH stored AS (
      INSERT INTO emissions (organization_id, id, facility_id, scope, category, value_kg, reported_value, reported_unit, occurred_at, metadata, external_id)
      SELECT ${organizationId}, r.id, r.facility_id, r.scope, r.category, r.value_kg, r.reported_value, r.reported_unit, r.occurred_at, r.metadata::jsonb, r.external_id
      FROM unnest(
        ${column((e) => e.id)}::text[], ${column((e) => e.facilityId)}::text[], ${column((e) => e.scope)}::smallint[],
        ${column((e) => e.category)}::text[], ${column((e) => e.valueKg)}::float8[], ${column((e) => e.reportedValue)}::float8[],
        ${column((e) => e.reportedUnit)}::text[], ${column((e) => e.occurredAt.toISOString())}::timestamptz[],
        ${column((e) => JSON.stringify(e.metadata))}::text[], ${column((e) => e.externalId)}::text[]
      ) WITH ORDINALITY AS r(id, facility_id, scope, category, value_kg, reported_value, reported_unit, occurred_at, metadata, external_id, ordinality)
      ORDER BY r.ordinality
      ON CONFLICT (organization_id, external_id) WHERE external_id IS NOT NULL DO NOTHING
      RETURNING scope, occurred_at, value_kg)
    SELECT scope, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, sum(value_kg)::float8 AS kg, count(*)::int AS created
    FROM stored GROUP BY 1, 2`);
}

/**
 * Refreshes the planner's statistics. After a large import they are stale until autovacuum runs,
 * and a stale plan turned a 1 ms page of 1,000,000 records into 200 ms in the benchmark.
 */
export async function analyzeEmissions(db: Queryable) {
  await db.query(sql`ANALYZE emissions`);
}

/** Live (not voided) kgCO2e per facility, scope, category and UTC month of one year. */
export function selectMonthlyCells(db: Queryable, organizationId: string, year: number, filter: { facilityId?: string | undefined; scopes?: number[] | undefined }) {
  const parts: Sql[] = [
    sql`organization_id = ${organizationId}`,
    sql`voided_at IS NULL`,
    sql`occurred_at >= make_timestamptz(${year}, 1, 1, 0, 0, 0, 'UTC')`,
    sql`occurred_at < make_timestamptz(${year + 1}, 1, 1, 0, 0, 0, 'UTC')`,
  ];
  if (filter.facilityId) parts.push(sql`facility_id = ${filter.facilityId}`);
  if (filter.scopes?.length) parts.push(sql`scope = ANY(${filter.scopes}::smallint[])`);
  return db.query<{ facility_id: string; scope: number; category: string | null; month: string; kg: number }>(sql`
    SELECT facility_id, scope, category, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, sum(value_kg)::float8 AS kg
    FROM emissions WHERE ${join(parts, ' AND ')}
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`);
}
