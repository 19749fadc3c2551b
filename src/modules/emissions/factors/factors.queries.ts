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
}

const COLUMNS = sql`organization_id, id, activity, unit, region, year, kg_co2e_per_unit, co2_biogenic_per_unit, scope, method, source`;

export async function insertFactor(db: Queryable, row: OrganizationFactorRow) {
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
