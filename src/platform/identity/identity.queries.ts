import sql from 'sql-template-tag';
import type { Queryable } from '../db/database.js';
import type { Role, Tier } from '../auth/scopes.js';

export interface OrganizationRow {
  id: string;
  name: string;
  tier: Tier;
  created_at: Date;
}

export interface ApiKeyRow {
  id: string;
  organization_id: string;
  name: string;
  prefix: string;
  scopes: string[];
  tier: Tier;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}

export interface ApiKeyCredentialRow extends ApiKeyRow {
  organization_name: string;
}

export interface UserRow {
  id: string;
  /** The integer id the plume platform's account pages use. */
  number: number;
  email: string;
  first_name: string;
  last_name: string;
  password_hash: string | null;
  is_active: boolean;
  is_staff: boolean;
  is_superuser: boolean;
  email_verified_at: Date | null;
  sessions_valid_after: Date | null;
}

const USER_COLUMNS = sql`id, number, email, first_name, last_name, password_hash, is_active, is_staff, is_superuser, email_verified_at, sessions_valid_after`;

export interface MembershipRow {
  organization_id: string;
  organization_name: string;
  organization_tier: Tier;
  role: Role;
}

const API_KEY_COLUMNS = sql`k.id, k.organization_id, k.name, k.prefix, k.scopes, k.tier, k.created_at, k.last_used_at, k.expires_at, k.revoked_at`;

export async function insertOrganization(db: Queryable, input: { id?: string; name: string; tier: Tier }) {
  const [row] = await db.query<OrganizationRow>(sql`
    INSERT INTO organizations (id, name, tier) VALUES (COALESCE(${input.id ?? null}::uuid, gen_random_uuid()), ${input.name}, ${input.tier})
    ON CONFLICT (id) DO NOTHING
    RETURNING id, name, tier, created_at`);
  return row;
}

export async function selectOrganization(db: Queryable, id: string) {
  const [row] = await db.query<OrganizationRow>(sql`SELECT id, name, tier, created_at FROM organizations WHERE id = ${id}`);
  return row;
}

export function selectOrganizations(db: Queryable) {
  return db.query<OrganizationRow>(sql`SELECT id, name, tier, created_at FROM organizations ORDER BY created_at, id`);
}

export async function insertApiKey(
  db: Queryable,
  input: { organizationId: string; name: string; prefix: string; keyHash: string; scopes: string[]; tier: Tier; createdByUserId: string | null; expiresAt: Date | null },
) {
  const [row] = await db.query<ApiKeyRow>(sql`
    INSERT INTO api_keys AS k (organization_id, name, prefix, key_hash, scopes, tier, created_by_user_id, expires_at)
    VALUES (${input.organizationId}, ${input.name}, ${input.prefix}, ${input.keyHash}, ${input.scopes}::text[], ${input.tier}, ${input.createdByUserId}, ${input.expiresAt})
    ON CONFLICT (key_hash) DO NOTHING
    RETURNING ${API_KEY_COLUMNS}`);
  return row;
}

/** The live key with this digest and its organization's name, or nothing. */
export async function selectLiveApiKeyByHash(db: Queryable, keyHash: string) {
  const [row] = await db.query<ApiKeyCredentialRow>(sql`
    SELECT ${API_KEY_COLUMNS}, o.name AS organization_name
    FROM api_keys k JOIN organizations o ON o.id = k.organization_id
    WHERE k.key_hash = ${keyHash} AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())`);
  return row;
}

export function selectApiKeys(db: Queryable, organizationId: string) {
  return db.query<ApiKeyRow>(sql`
    SELECT ${API_KEY_COLUMNS} FROM api_keys k WHERE k.organization_id = ${organizationId} ORDER BY k.created_at, k.id`);
}

export async function revokeApiKeyRow(db: Queryable, organizationId: string, id: string) {
  const [row] = await db.query<ApiKeyRow>(sql`
    UPDATE api_keys AS k SET revoked_at = COALESCE(revoked_at, now())
    WHERE k.organization_id = ${organizationId} AND k.id = ${id}
    RETURNING ${API_KEY_COLUMNS}`);
  return row;
}

export async function touchApiKey(db: Queryable, organizationId: string, id: string) {
  await db.query(sql`UPDATE api_keys SET last_used_at = now() WHERE organization_id = ${organizationId} AND id = ${id}`);
}

export interface NewUserRow {
  email: string;
  passwordHash: string | null;
  firstName: string;
  lastName: string;
  isStaff: boolean;
  /** Null until the user follows the link in the verification e-mail. */
  emailVerifiedAt: Date | null;
}

export async function insertUser(db: Queryable, input: NewUserRow) {
  const [row] = await db.query<UserRow>(sql`
    INSERT INTO users (email, password_hash, first_name, last_name, is_staff, email_verified_at)
    VALUES (${input.email}, ${input.passwordHash}, ${input.firstName}, ${input.lastName}, ${input.isStaff}, ${input.emailVerifiedAt})
    ON CONFLICT ((lower(email))) DO NOTHING
    RETURNING ${USER_COLUMNS}`);
  return row;
}

export async function selectUserByEmail(db: Queryable, email: string) {
  const [row] = await db.query<UserRow>(sql`
    SELECT ${USER_COLUMNS} FROM users WHERE lower(email) = lower(${email})`);
  return row;
}

export async function selectUser(db: Queryable, id: string) {
  const [row] = await db.query<UserRow>(sql`
    SELECT ${USER_COLUMNS} FROM users WHERE id = ${id}`);
  return row;
}

/**
 * The user of an access token and whether its session (refresh-token family) was revoked, in one
 * round trip: this runs on every request made with an access token.
 */
export async function selectSessionUser(db: Queryable, userId: string, familyId: string) {
  const [row] = await db.query<UserRow & { session_revoked: boolean }>(sql`
    SELECT ${USER_COLUMNS},
      EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = ${familyId} AND r.revoked_at IS NOT NULL) AS session_revoked
    FROM users WHERE id = ${userId}`);
  return row;
}

export async function upsertMembership(db: Queryable, organizationId: string, userId: string, role: Role) {
  await db.query(sql`
    INSERT INTO memberships (organization_id, user_id, role) VALUES (${organizationId}, ${userId}, ${role})
    ON CONFLICT (organization_id, user_id) DO UPDATE SET role = EXCLUDED.role`);
}

export function selectMemberships(db: Queryable, userId: string) {
  return db.query<MembershipRow>(sql`
    SELECT m.organization_id, o.name AS organization_name, o.tier AS organization_tier, m.role
    FROM memberships m JOIN organizations o ON o.id = m.organization_id
    WHERE m.user_id = ${userId} ORDER BY m.created_at, m.organization_id`);
}

export async function selectMembership(db: Queryable, userId: string, organizationId: string) {
  const [row] = await db.query<MembershipRow>(sql`
    SELECT m.organization_id, o.name AS organization_name, o.tier AS organization_tier, m.role
    FROM memberships m JOIN organizations o ON o.id = m.organization_id
    WHERE m.user_id = ${userId} AND m.organization_id = ${organizationId}`);
  return row;
}

export async function insertRefreshToken(
  db: Queryable,
  input: { id: string; familyId: string; userId: string; organizationId: string | null; expiresAt: Date },
) {
  await db.query(sql`
    INSERT INTO refresh_tokens (id, family_id, user_id, organization_id, expires_at)
    VALUES (${input.id}, ${input.familyId}, ${input.userId}, ${input.organizationId}, ${input.expiresAt})`);
}

/** Marks a live refresh token spent; returns false when it was already spent, revoked or unknown. */
export async function spendRefreshToken(db: Queryable, id: string): Promise<boolean> {
  const rows = await db.query(sql`
    UPDATE refresh_tokens SET spent_at = now()
    WHERE id = ${id} AND spent_at IS NULL AND revoked_at IS NULL AND expires_at > now()
    RETURNING id`);
  return rows.length === 1;
}

export async function revokeRefreshFamily(db: Queryable, familyId: string) {
  await db.query(sql`UPDATE refresh_tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE family_id = ${familyId}`);
}

export async function selectUserByNumber(db: Queryable, number: number) {
  const [row] = await db.query<UserRow>(sql`SELECT ${USER_COLUMNS} FROM users WHERE number = ${number}`);
  return row;
}

export async function updatePasswordHash(db: Queryable, userId: string, passwordHash: string) {
  await db.query(sql`UPDATE users SET password_hash = ${passwordHash}, updated_at = now() WHERE id = ${userId}`);
}

/** Access tokens issued before now stop working. */
export async function invalidateIssuedAccessTokens(db: Queryable, userId: string, at: Date) {
  await db.query(sql`UPDATE users SET sessions_valid_after = ${at} WHERE id = ${userId}`);
}

export async function markEmailVerified(db: Queryable, userId: string) {
  await db.query(sql`UPDATE users SET email_verified_at = COALESCE(email_verified_at, now()), updated_at = now() WHERE id = ${userId}`);
}

export async function recordLogin(db: Queryable, userId: string) {
  await db.query(sql`UPDATE users SET last_login_at = now() WHERE id = ${userId}`);
}

/** Revokes every live refresh token of a user except those of one family (the session that asked). */
export async function revokeUserRefreshTokens(db: Queryable, userId: string, exceptFamilyId: string | null) {
  await db.query(sql`
    UPDATE refresh_tokens SET revoked_at = now()
    WHERE user_id = ${userId} AND revoked_at IS NULL AND spent_at IS NULL
      AND (${exceptFamilyId}::uuid IS NULL OR family_id <> ${exceptFamilyId}::uuid)`);
}

export interface UserTokenRow {
  jti: string;
  user_id: string;
  organization_id: string | null;
  name: string | null;
  token_type: 'stac';
  scopes: string[];
  created_at: Date;
  modified_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

const USER_TOKEN_COLUMNS = sql`jti, user_id, organization_id, name, token_type, scopes, created_at, modified_at, expires_at, revoked_at`;

export async function insertUserToken(
  db: Queryable,
  input: { jti: string; userId: string; organizationId: string | null; name: string | null; scopes: readonly string[]; expiresAt: Date },
) {
  const [row] = await db.query<UserTokenRow>(sql`
    INSERT INTO user_tokens (jti, user_id, organization_id, name, token_type, scopes, expires_at)
    VALUES (${input.jti}, ${input.userId}, ${input.organizationId}, ${input.name}, 'stac', ${[...input.scopes]}::text[], ${input.expiresAt})
    RETURNING ${USER_TOKEN_COLUMNS}`);
  return row!;
}

export async function selectLiveUserToken(db: Queryable, jti: string) {
  const [row] = await db.query<UserTokenRow>(sql`
    SELECT ${USER_TOKEN_COLUMNS} FROM user_tokens WHERE jti = ${jti} AND revoked_at IS NULL AND expires_at > now()`);
  return row;
}

export function selectUserTokens(db: Queryable, userId: string) {
  return db.query<UserTokenRow>(sql`
    SELECT ${USER_TOKEN_COLUMNS} FROM user_tokens
    WHERE user_id = ${userId} AND revoked_at IS NULL AND expires_at > now() ORDER BY created_at, jti`);
}

export async function revokeUserToken(db: Queryable, userId: string, jti: string) {
  const [row] = await db.query<UserTokenRow>(sql`
    UPDATE user_tokens SET revoked_at = now(), modified_at = now()
    WHERE user_id = ${userId} AND jti = ${jti} AND revoked_at IS NULL
    RETURNING ${USER_TOKEN_COLUMNS}`);
  return row;
}

/** Revokes every live STAC token of a user (their password changed: what it vouched for is gone). */
export async function revokeAllUserTokens(db: Queryable, userId: string) {
  await db.query(sql`UPDATE user_tokens SET revoked_at = now(), modified_at = now() WHERE user_id = ${userId} AND revoked_at IS NULL`);
}

export async function isRefreshTokenLive(db: Queryable, id: string) {
  const rows = await db.query(sql`
    SELECT 1 FROM refresh_tokens WHERE id = ${id} AND spent_at IS NULL AND revoked_at IS NULL AND expires_at > now()`);
  return rows.length === 1;
}

export async function clearPassword(db: Queryable, userId: string) {
  await db.query(sql`UPDATE users SET password_hash = NULL, updated_at = now() WHERE id = ${userId}`);
}
