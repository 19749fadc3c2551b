import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../platform/db/database.js';
import { NotFoundError, ValidationError } from '../../platform/errors.js';
import type { UserPrincipal } from '../../platform/auth/principal.js';
import { scopesForUser, STAC_TOKEN_SCOPES } from '../../platform/auth/scopes.js';
import type { TokenPair } from '../../platform/auth/sessions.js';
import type { TokenSigner } from '../../platform/auth/tokens.js';
import * as identity from '../../platform/identity/identity.service.js';
import type { UserTokenRow } from '../../platform/identity/identity.queries.js';
import * as profiles from './profile.queries.js';
import type { ProfileRow } from './profile.queries.js';
import { groupsOf, platformGroups } from './user-view.js';

export const DEFAULT_STAC_TOKEN_DAYS = 90;
export const MAX_STAC_TOKEN_DAYS = 366;
const DAY_MS = 86_400_000;

/** `/token/pair`'s answer: the pair, the user's platform groups, and what the access token may do. */
export async function plumeTokenPair(db: Queryable, user: { id: string; is_staff: boolean; is_superuser: boolean }, pair: TokenPair) {
  const membership = pair.organization_id ? await identity.getMembership(db, user.id, pair.organization_id) : undefined;
  return { refresh: pair.refresh_token, access: pair.access_token, groups: platformGroups(user).join(','), permissions: scopesForUser(membership?.role).sort() };
}

async function ownerProfile(db: Queryable, userId: string) {
  const profile = await profiles.selectProfile(db, userId);
  if (!profile) throw new NotFoundError('User not found.');
  return profile;
}

function tokenObject(profile: ProfileRow, row: UserTokenRow, claims: { iat: number; exp: number }) {
  return {
    user: Number(profile.number),
    jti: row.jti,
    token_type: row.token_type,
    scope: row.scopes.join(' '),
    groups: platformGroups(profile).join(','),
    organizations: row.organization_id ?? '',
    all_group_names: groupsOf(profile),
    exp: claims.exp,
    iat: claims.iat,
    name: row.name,
    created: row.created_at.toISOString(),
    modified: row.modified_at.toISOString(),
  };
}

/** The end of `expiration_date` (UTC), 90 days from now when absent; at most a year ahead. */
function expiryOf(expirationDate: string | null | undefined, now: number): Date {
  if (!expirationDate) return new Date(now + DEFAULT_STAC_TOKEN_DAYS * DAY_MS);
  const endOfDay = Date.parse(`${expirationDate}T00:00:00Z`) + DAY_MS;
  if (!Number.isFinite(endOfDay) || endOfDay <= now) {
    throw ValidationError.field('body', ['expiration_date'], 'Must be today or a later date', 'value_error');
  }
  if (endOfDay - now > MAX_STAC_TOKEN_DAYS * DAY_MS) {
    throw ValidationError.field('body', ['expiration_date'], `Must be within ${MAX_STAC_TOKEN_DAYS} days`, 'value_error');
  }
  return new Date(endOfDay);
}

/** A named, expiring JWT that can only read the catalog and the STAC API; revocable by its jti. */
export async function createStacToken(
  db: Database,
  signer: TokenSigner,
  caller: UserPrincipal,
  input: { name?: string | null | undefined; expiration_date?: string | null | undefined },
) {
  const now = Date.now();
  const expiresAt = expiryOf(input.expiration_date, now);
  const jti = randomUUID();
  const signed = await signer.sign(
    { tokenId: jti, userId: caller.userId, organizationId: caller.organizationId, familyId: jti, type: 'stac' },
    { until: expiresAt },
  );
  const row = await identity.createUserToken(db, {
    jti,
    userId: caller.userId,
    organizationId: caller.organizationId,
    name: input.name ?? null,
    scopes: STAC_TOKEN_SCOPES,
    expiresAt: signed.claims.expiresAt,
  });
  const claims = { iat: Math.floor(signed.claims.issuedAt.getTime() / 1000), exp: Math.floor(signed.claims.expiresAt.getTime() / 1000) };
  return { token_type: 'stac', token_value: signed.token, token_object: tokenObject(await ownerProfile(db, caller.userId), row, claims) };
}

export async function listStacTokens(db: Queryable, userId: string) {
  const [profile, rows] = await Promise.all([ownerProfile(db, userId), identity.listUserTokens(db, userId)]);
  return rows.map((row) =>
    tokenObject(profile, row, { iat: Math.floor(row.created_at.getTime() / 1000), exp: Math.floor(row.expires_at.getTime() / 1000) }),
  );
}

export async function revokeStacToken(db: Queryable, userId: string, jti: string) {
  if (!(await identity.revokeUserToken(db, userId, jti))) throw new NotFoundError('Token not found.');
}
