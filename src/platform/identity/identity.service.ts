import type { Database, Queryable } from '../db/database.js';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from '../errors.js';
import { generateApiKey, hashApiKey, visiblePrefix } from '../auth/api-key-secret.js';
import { decoyPasswordHash, hashPassword, verifyPassword } from '../auth/passwords.js';
import { SCOPES, type Role, type Scope, type Tier } from '../auth/scopes.js';
import * as queries from './identity.queries.js';

export type { ApiKeyRow, OrganizationRow, UserRow, MembershipRow } from './identity.queries.js';

export const BOOTSTRAP_ORGANIZATION_ID = '00000000-0000-4000-8000-000000000001';
export const BOOTSTRAP_ORGANIZATION_NAME = 'Carbon Atlas Demo';

export async function createOrganization(db: Queryable, input: { name: string; tier?: Tier }) {
  const row = await queries.insertOrganization(db, { name: input.name, tier: input.tier ?? 'standard' });
  if (!row) throw new ConflictError('Organization could not be created.');
  return row;
}

export const listOrganizations = queries.selectOrganizations;

export async function getOrganization(db: Queryable, id: string) {
  const row = await queries.selectOrganization(db, id);
  if (!row) throw new NotFoundError(`Organization ${id} not found.`);
  return row;
}

export interface NewApiKey {
  organizationId: string;
  name: string;
  scopes: readonly Scope[];
  tier: Tier;
  createdByUserId?: string | null;
  expiresAt?: Date | null;
}

/** Creates a key and returns its secret: the only moment the secret exists outside the caller. */
export async function createApiKey(db: Queryable, input: NewApiKey) {
  await getOrganization(db, input.organizationId);
  const secret = generateApiKey();
  const row = await insertKey(db, input, secret);
  if (!row) throw new ConflictError('API key collision; try again.');
  return { apiKey: row, secret };
}

function insertKey(db: Queryable, input: NewApiKey, secret: string) {
  return queries.insertApiKey(db, {
    organizationId: input.organizationId,
    name: input.name,
    prefix: visiblePrefix(secret),
    keyHash: hashApiKey(secret),
    scopes: [...new Set(input.scopes)],
    tier: input.tier,
    createdByUserId: input.createdByUserId ?? null,
    expiresAt: input.expiresAt ?? null,
  });
}

export const listApiKeys = queries.selectApiKeys;

export async function revokeApiKey(db: Queryable, organizationId: string, id: string) {
  const row = await queries.revokeApiKeyRow(db, organizationId, id);
  if (!row) throw new NotFoundError(`API key ${id} not found.`);
  return row;
}

export async function ensureDemoOrganization(db: Queryable) {
  await queries.insertOrganization(db, { id: BOOTSTRAP_ORGANIZATION_ID, name: BOOTSTRAP_ORGANIZATION_NAME, tier: 'enterprise' });
  return BOOTSTRAP_ORGANIZATION_ID;
}

/**
 * BOOTSTRAP_API_KEY: a demo organization owning an enterprise key with every scope and exactly that
 * value. Idempotent, so every start (and several processes starting together) may call it.
 */
export async function ensureBootstrapApiKey(db: Database, secret: string) {
  await db.transaction(async (tx) => {
    await ensureDemoOrganization(tx);
    await insertKey(tx, { organizationId: BOOTSTRAP_ORGANIZATION_ID, name: 'bootstrap', scopes: SCOPES, tier: 'enterprise' }, secret);
  });
  return BOOTSTRAP_ORGANIZATION_ID;
}

export interface NewUser {
  email: string;
  /** Null for users who only sign in through an OpenID Connect provider. */
  password: string | null;
  firstName?: string;
  lastName?: string;
  isStaff?: boolean;
  /** Operators and identity providers vouch for an address; self-registered users must verify it. */
  emailVerified?: boolean;
}

/** Creates a user, or returns undefined when the e-mail is taken. */
export async function insertUser(db: Queryable, input: NewUser) {
  return queries.insertUser(db, {
    email: input.email.trim(),
    passwordHash: input.password === null ? null : await hashPassword(input.password),
    firstName: input.firstName ?? '',
    lastName: input.lastName ?? '',
    isStaff: input.isStaff ?? false,
    emailVerifiedAt: input.emailVerified === false ? null : new Date(),
  });
}

export async function createUser(db: Queryable, input: NewUser) {
  const row = await insertUser(db, input);
  if (!row) throw new ConflictError('A user with this e-mail already exists.');
  return row;
}

export function splitFullName(fullName: string): { firstName: string; lastName: string } {
  const [first = '', ...rest] = fullName.trim().split(/\s+/);
  return { firstName: first, lastName: rest.join(' ') };
}

export async function setPassword(db: Queryable, userId: string, password: string) {
  await queries.updatePasswordHash(db, userId, await hashPassword(password));
}

export const getUserByEmail = queries.selectUserByEmail;
export const getUserByNumber = queries.selectUserByNumber;
export const markEmailVerified = queries.markEmailVerified;
export const recordLogin = queries.recordLogin;
export const revokeUserRefreshTokens = queries.revokeUserRefreshTokens;
export const invalidateIssuedAccessTokens = queries.invalidateIssuedAccessTokens;

export async function addMember(db: Queryable, organizationId: string, userId: string, role: Role) {
  await getOrganization(db, organizationId);
  await queries.upsertMembership(db, organizationId, userId, role);
}

export const listMemberships = queries.selectMemberships;
export const getMembership = queries.selectMembership;
export const getUser = queries.selectUser;

/**
 * The active, verified user with these credentials; the same error and similar time whether or not
 * the e-mail exists. Only someone who knows the password learns that an address awaits verification.
 */
export async function authenticateUser(db: Queryable, email: string, password: string) {
  const user = await queries.selectUserByEmail(db, email);
  const valid = await verifyPassword(user?.password_hash ?? (await decoyPasswordHash()), password);
  if (!user || !valid || !user.is_active) throw new UnauthorizedError('No active account found with the given credentials.');
  if (!user.email_verified_at) throw new ForbiddenError('Verify your e-mail address first: follow the link we sent you.');
  return user;
}

/** Whether a password is this user's; false for users without one. */
export async function checkPassword(db: Queryable, userId: string, password: string) {
  const user = await queries.selectUser(db, userId);
  const valid = await verifyPassword(user?.password_hash ?? (await decoyPasswordHash()), password);
  return valid && Boolean(user?.password_hash);
}

export const createUserToken = queries.insertUserToken;
export const listUserTokens = queries.selectUserTokens;
export const revokeUserToken = queries.revokeUserToken;
export const revokeAllUserTokens = queries.revokeAllUserTokens;
export const getSessionUser = queries.selectSessionUser;
export const clearPassword = queries.clearPassword;
