import sql from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';

export type Ledger = 'live' | 'sandbox';

export interface ProfileRow {
  organization_id: string;
  organization_name: string;
  full_name: string | null;
  country_code: string | null;
  city: string;
  zip: string;
  physical_address: string;
  registration_number: string;
  website: string;
  logo: string;
  industry_code: string;
  industry_name: string;
  type: string;
  is_public: boolean;
  is_registry_operator: boolean;
  created_at: Date;
  updated_at: Date;
}

/** The organization's registry profile; organizations without one get the defaults. */
export async function selectProfile(db: Queryable, organizationId: string) {
  const [row] = await db.query<ProfileRow>(sql`
    SELECT o.id AS organization_id, o.name AS organization_name, p.full_name, p.country_code,
           COALESCE(p.city, '') AS city, COALESCE(p.zip, '') AS zip, COALESCE(p.physical_address, '') AS physical_address,
           COALESCE(p.registration_number, '') AS registration_number, COALESCE(p.website, '') AS website, COALESCE(p.logo, '') AS logo,
           COALESCE(p.industry_code, '') AS industry_code, COALESCE(p.industry_name, '') AS industry_name,
           COALESCE(p.type, 'buyer') AS type, COALESCE(p.is_public, false) AS is_public,
           COALESCE(p.is_registry_operator, false) AS is_registry_operator,
           COALESCE(p.created_at, o.created_at) AS created_at, COALESCE(p.updated_at, o.updated_at) AS updated_at
    FROM organizations o LEFT JOIN registry_profiles p ON p.organization_id = o.id
    WHERE o.id = ${organizationId}`);
  return row;
}

export interface ProfileFields {
  fullName?: string | undefined;
  countryCode?: string | undefined;
  city?: string | undefined;
  zip?: string | undefined;
  physicalAddress?: string | undefined;
  registrationNumber?: string | undefined;
  website?: string | undefined;
  logo?: string | undefined;
  industryCode?: string | undefined;
  industryName?: string | undefined;
  type?: string | undefined;
  isPublic?: boolean | undefined;
  isRegistryOperator?: boolean | undefined;
}

export async function upsertProfile(db: Queryable, organizationId: string, f: ProfileFields) {
  await db.query(sql`
    INSERT INTO registry_profiles AS p (organization_id, full_name, country_code, city, zip, physical_address, registration_number,
      website, logo, industry_code, industry_name, type, is_public, is_registry_operator)
    VALUES (${organizationId}, ${f.fullName ?? null}, ${f.countryCode ?? null}, ${f.city ?? ''}, ${f.zip ?? ''}, ${f.physicalAddress ?? ''},
      ${f.registrationNumber ?? ''}, ${f.website ?? ''}, ${f.logo ?? ''}, ${f.industryCode ?? ''}, ${f.industryName ?? ''},
      ${f.type ?? 'buyer'}, ${f.isPublic ?? false}, ${f.isRegistryOperator ?? false})
    ON CONFLICT (organization_id) DO UPDATE SET
      full_name = COALESCE(${f.fullName ?? null}, p.full_name),
      country_code = COALESCE(${f.countryCode ?? null}, p.country_code),
      city = COALESCE(${f.city ?? null}, p.city),
      zip = COALESCE(${f.zip ?? null}, p.zip),
      physical_address = COALESCE(${f.physicalAddress ?? null}, p.physical_address),
      registration_number = COALESCE(${f.registrationNumber ?? null}, p.registration_number),
      website = COALESCE(${f.website ?? null}, p.website),
      logo = COALESCE(${f.logo ?? null}, p.logo),
      industry_code = COALESCE(${f.industryCode ?? null}, p.industry_code),
      industry_name = COALESCE(${f.industryName ?? null}, p.industry_name),
      type = COALESCE(${f.type ?? null}, p.type),
      is_public = COALESCE(${f.isPublic ?? null}::boolean, p.is_public),
      is_registry_operator = COALESCE(${f.isRegistryOperator ?? null}::boolean, p.is_registry_operator),
      updated_at = now()`);
}

export interface AccountRow {
  organization_id: string;
  address: string;
  name: string;
  is_default: boolean;
  created_at: Date;
}

export function selectAccounts(db: Queryable, organizationId: string) {
  return db.query<AccountRow>(sql`
    SELECT organization_id, address, name, is_default, created_at FROM inventory_accounts
    WHERE organization_id = ${organizationId} ORDER BY is_default DESC, created_at, address`);
}

export async function selectAccountByAddress(db: Queryable, address: string) {
  const [row] = await db.query<AccountRow>(sql`SELECT organization_id, address, name, is_default, created_at FROM inventory_accounts WHERE address = ${address}`);
  return row;
}

export async function selectDefaultAccount(db: Queryable, organizationId: string) {
  const [row] = await db.query<AccountRow>(sql`
    SELECT organization_id, address, name, is_default, created_at FROM inventory_accounts WHERE organization_id = ${organizationId} AND is_default`);
  return row;
}

export async function insertAccount(db: Queryable, input: { organizationId: string; address: string; name: string; isDefault: boolean }) {
  const [row] = await db.query<AccountRow>(sql`
    INSERT INTO inventory_accounts (organization_id, address, name, is_default)
    VALUES (${input.organizationId}, ${input.address}, ${input.name}, ${input.isDefault})
    ON CONFLICT DO NOTHING
    RETURNING organization_id, address, name, is_default, created_at`);
  return row;
}

export interface ProjectRow {
  id: string;
  num: number;
  full_name: string;
  country_code: string;
  /** The organization that registered it, the only one that issues under it; null for the sandbox project. */
  owner_organization_id: string | null;
  created_at: Date;
}

const PROJECT = sql`id, num, full_name, country_code, created_by_organization_id AS owner_organization_id, created_at`;

export async function insertProject(db: Queryable, input: { fullName: string; countryCode: string; organizationId: string | null }) {
  const [row] = await db.query<ProjectRow>(sql`
    INSERT INTO registry_projects (full_name, country_code, created_by_organization_id)
    VALUES (${input.fullName}, ${input.countryCode}, ${input.organizationId})
    RETURNING ${PROJECT}`);
  return row!;
}

export async function selectProject(db: Queryable, id: string) {
  const [row] = await db.query<ProjectRow>(sql`SELECT ${PROJECT} FROM registry_projects WHERE id = ${id}`);
  return row;
}

export async function selectProjectByName(db: Queryable, fullName: string) {
  const [row] = await db.query<ProjectRow>(sql`
    SELECT ${PROJECT} FROM registry_projects WHERE full_name = ${fullName} ORDER BY num LIMIT 1`);
  return row;
}

/** The friendbot's project: the one of that name no organization owns (an operator may have reused the name). */
export async function selectSandboxProject(db: Queryable, fullName: string) {
  const [row] = await db.query<ProjectRow>(sql`
    SELECT ${PROJECT} FROM registry_projects WHERE full_name = ${fullName} AND created_by_organization_id IS NULL ORDER BY num LIMIT 1`);
  return row;
}

/**
 * Counts one friendbot deposit for the organization today (UTC), unless `perDay` were already
 * made: false then. The row lock orders concurrent requests, whichever process serves them.
 */
export async function spendFriendbotGrant(db: Queryable, organizationId: string, perDay: number) {
  const rows = await db.query(sql`
    INSERT INTO registry_friendbot_grants AS g (organization_id, day, grants)
    VALUES (${organizationId}, (now() AT TIME ZONE 'UTC')::date, 1)
    ON CONFLICT (organization_id, day) DO UPDATE SET grants = g.grants + 1 WHERE g.grants < ${perDay}
    RETURNING grants`);
  return rows.length === 1;
}

/** Takes the next `count` serials of a ledger; the counter row serialises concurrent issuers. */
export async function allocateSerials(db: Queryable, ledger: Ledger, count: number) {
  const [row] = await db.query<{ first: number }>(sql`
    UPDATE registry_serial_counters SET next_serial = next_serial + ${count} WHERE ledger = ${ledger}
    RETURNING next_serial - ${count} AS first`);
  return Number(row!.first);
}

export interface BatchRow {
  id: string;
  num: number;
  ledger: Ledger;
  project_id: string;
  project_num: number;
  project_name: string;
  country_code: string;
  vintage: number;
  type: 'exAnte' | 'exPost';
  unit: string;
  supply: number;
  serial_first: number;
  token_address: string;
}

const BATCH = sql`
  SELECT b.id, b.num, b.ledger, b.project_id, p.num AS project_num, p.full_name AS project_name, p.country_code,
         b.vintage, b.type, b.unit, b.supply, b.serial_first, b.token_address
  FROM credit_batches b JOIN registry_projects p ON p.id = b.project_id`;

export async function insertBatch(
  db: Queryable,
  input: { ledger: Ledger; projectId: string; vintage: number; type: string; supply: number; serialFirst: number; tokenAddress: string },
) {
  const [row] = await db.query<{ id: string }>(sql`
    INSERT INTO credit_batches (ledger, project_id, vintage, type, supply, serial_first, token_address)
    VALUES (${input.ledger}, ${input.projectId}, ${input.vintage}, ${input.type}, ${input.supply}, ${input.serialFirst}, ${input.tokenAddress})
    RETURNING id`);
  return (await selectBatch(db, row!.id))!;
}

export async function selectBatch(db: Queryable, id: string) {
  const [row] = await db.query<BatchRow>(sql`${BATCH} WHERE b.id = ${id}`);
  return row;
}

export function selectBatches(db: Queryable, ids: string[]) {
  return db.query<BatchRow>(sql`${BATCH} WHERE b.id = ANY(${ids}::uuid[])`);
}

export async function selectBatchByNum(db: Queryable, num: number) {
  const [row] = await db.query<BatchRow>(sql`${BATCH} WHERE b.num = ${num}`);
  return row;
}
