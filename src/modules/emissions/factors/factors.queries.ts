import sql from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';

export interface OrganizationFactorRow {
  organization_id: string;
  id: string;
  activity: string;
  unit: string;
  region: string;
  year: number;
  kg_co2e_per_unit: number;
  co2_biogenic_per_unit: number | null;
  scope: 1 | 2 | 3;
  method: 'location-based' | 'market-based' | null;
  source: string;
  version: number;
}

const COLUMNS = sql`organization_id, id, activity, unit, region, year, kg_co2e_per_unit, co2_biogenic_per_unit, scope, method, source, version`;

export async function insertFactor(db: Queryable, row: Omit<OrganizationFactorRow, 'version'>) {
  const [inserted] = await db.query<OrganizationFactorRow>(sql`
    INSERT INTO organization_emission_factors (organization_id, id, activity, unit, region, year, kg_co2e_per_unit, co2_biogenic_per_unit, scope, method, source)
    VALUES (${row.organization_id}, ${row.id}, ${row.activity}, ${row.unit}, ${row.region}, ${row.year}, ${row.kg_co2e_per_unit},
            ${row.co2_biogenic_per_unit}, ${row.scope}, ${row.method}, ${row.source})
    RETURNING ${COLUMNS}`);
  return inserted!;
}

export function selectFactors(db: Queryable, organizationId: string, activity?: string) {
  return db.query<OrganizationFactorRow>(sql`
    SELECT ${COLUMNS} FROM organization_emission_factors
    WHERE organization_id = ${organizationId} AND (${activity ?? null}::text IS NULL OR activity = ${activity ?? null})
    ORDER BY activity, region, year, id`);
}

export async function selectFactor(db: Queryable, organizationId: string, id: string) {
  const [row] = await db.query<OrganizationFactorRow>(sql`SELECT ${COLUMNS} FROM organization_emission_factors WHERE organization_id = ${organizationId} AND id = ${id}`);
  return row;
}

/** Keeps the current version in the history and makes the new values the next version. */
export async function replaceFactorValues(
  db: Queryable,
  organizationId: string,
  id: string,
  values: { kgCo2ePerUnit: number; co2BiogenicPerUnit: number | null; source: string },
) {
  await db.query(sql`
    INSERT INTO organization_emission_factor_versions (organization_id, factor_id, version, kg_co2e_per_unit, co2_biogenic_per_unit, source)
    SELECT organization_id, id, version, kg_co2e_per_unit, co2_biogenic_per_unit, source FROM organization_emission_factors
    WHERE organization_id = ${organizationId} AND id = ${id}`);
  const [row] = await db.query<OrganizationFactorRow>(sql`
    UPDATE organization_emission_factors
    SET kg_co2e_per_unit = ${values.kgCo2ePerUnit}, co2_biogenic_per_unit = ${values.co2BiogenicPerUnit}, source = ${values.source}, version = version + 1
    WHERE organization_id = ${organizationId} AND id = ${id}
    RETURNING ${COLUMNS}`);
  return row;
}

export function selectFactorVersions(db: Queryable, organizationId: string, id: string) {
  return db.query<{ version: number; kg_co2e_per_unit: number; co2_biogenic_per_unit: number | null; source: string; replaced_at: Date }>(sql`
    SELECT version, kg_co2e_per_unit, co2_biogenic_per_unit, source, replaced_at FROM organization_emission_factor_versions
    WHERE organization_id = ${organizationId} AND factor_id = ${id} ORDER BY version`);
}
