import type { Database, Queryable } from '../db/database.js';
import { ConflictError, NotFoundError, UnauthorizedError } from '../errors.js';
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

export async function createUser(
  db: Queryable,
  input: { email: string; password: string; fullName?: string; isStaff?: boolean },
) {
  const row = await queries.insertUser(db, {
    email: input.email.trim(),
    passwordHash: await hashPassword(input.password),
    fullName: input.fullName ?? '',
    isStaff: input.isStaff ?? false,
  });
  if (!row) throw new ConflictError('A user with this e-mail already exists.');
  return row;
}

export async function addMember(db: Queryable, organizationId: string, userId: string, role: Role) {
  await getOrganization(db, organizationId);
  await queries.upsertMembership(db, organizationId, userId, role);
}

export const listMemberships = queries.selectMemberships;
export const getMembership = queries.selectMembership;
export const getUser = queries.selectUser;

/** The active user with these credentials; the same error and similar time whether or not the e-mail exists. */
export async function authenticateUser(db: Queryable, email: string, password: string) {
  const user = await queries.selectUserByEmail(db, email);
  const valid = await verifyPassword(user?.password_hash ?? (await decoyPasswordHash()), password);
  if (!user || !valid || !user.is_active) throw new UnauthorizedError('Invalid e-mail or password.');
  return user;
}
