import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import * as identity from '../identity/identity.service.js';
import * as queries from '../identity/identity.queries.js';
import type { TokenSigner } from './tokens.js';
import type { LoginThrottle } from './login-throttle.js';
import type { UserRow } from '../identity/identity.service.js';

export interface SessionSettings {
  signer: TokenSigner;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  throttle: LoginThrottle;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_expires_in: number;
  organization_id: string | null;
}

async function issuePair(
  db: Database,
  settings: SessionSettings,
  input: { userId: string; organizationId: string | null; familyId: string },
): Promise<TokenPair> {
  const base = { userId: input.userId, organizationId: input.organizationId, familyId: input.familyId };
  const access = await settings.signer.sign({ ...base, type: 'access' }, settings.accessTtlSeconds);
  const refresh = await settings.signer.sign({ ...base, type: 'refresh' }, settings.refreshTtlSeconds);
  await queries.insertRefreshToken(db, {
    id: refresh.claims.tokenId,
    familyId: input.familyId,
    userId: input.userId,
    organizationId: input.organizationId,
    expiresAt: refresh.claims.expiresAt,
  });
  return {
    access_token: access.token,
    refresh_token: refresh.token,
    token_type: 'Bearer',
    expires_in: settings.accessTtlSeconds,
    refresh_expires_in: settings.refreshTtlSeconds,
    organization_id: input.organizationId,
  };
}

/**
 * Signs a user in with e-mail and password. Failed attempts are counted per account and per
 * address (see LoginThrottle) and refused with 429 once over budget, before the password is checked.
 */
export async function signIn(
  db: Database,
  settings: SessionSettings,
  input: { email: string; password: string; address: string; organizationId?: string | undefined },
): Promise<{ user: UserRow; pair: TokenPair }> {
  const attempt = { account: input.email, address: input.address };
  await settings.throttle.check(attempt);
  let user: UserRow;
  try {
    user = await identity.authenticateUser(db, input.email, input.password);
  } catch (error) {
    if (error instanceof UnauthorizedError) await settings.throttle.failed(attempt);
    throw error;
  }
  await settings.throttle.succeeded(attempt);
  return { user, pair: await startSession(db, settings, user, input.organizationId) };
}

/** Issues a new session for an authenticated user, acting for `organizationId` or their first organization. */
export async function startSession(db: Database, settings: SessionSettings, user: UserRow, organizationId?: string): Promise<TokenPair> {
  const memberships = await identity.listMemberships(db, user.id);
  if (organizationId && !memberships.some((m) => m.organization_id === organizationId)) {
    throw new ForbiddenError('You are not a member of that organization.');
  }
  await identity.recordLogin(db, user.id);
  return issuePair(db, settings, { userId: user.id, organizationId: organizationId ?? memberships[0]?.organization_id ?? null, familyId: randomUUID() });
}

/**
 * Spends a refresh token and issues the next pair of its family. A token presented twice means it
 * leaked: the whole family is revoked, its access tokens stop working with it (the credential
 * resolver checks the family), and both holders must sign in again.
 */
export async function refresh(db: Database, settings: SessionSettings, refreshToken: string): Promise<TokenPair> {
  const claims = await settings.signer.verify(refreshToken, 'refresh');
  if (!claims) throw new UnauthorizedError('Invalid or expired refresh token.');
  const spent = await queries.spendRefreshToken(db, claims.tokenId);
  if (!spent) {
    await queries.revokeRefreshFamily(db, claims.familyId);
    throw new UnauthorizedError('Refresh token was already used or revoked; sign in again.');
  }
  const user = await identity.getUser(db, claims.userId);
  if (!user?.is_active) throw new UnauthorizedError('Invalid or expired refresh token.');
  return issuePair(db, settings, { userId: user.id, organizationId: claims.organizationId, familyId: claims.familyId });
}

/**
 * Signs out: the refresh token's whole family is revoked, so neither it nor any access token of the
 * same session works again. A token that is not ours, expired or already revoked is ignored, and
 * the answer is the same (RFC 7009): it tells a caller nothing about a token it holds.
 */
export async function signOut(db: Database, settings: SessionSettings, refreshToken: string): Promise<void> {
  const claims = await settings.signer.verify(refreshToken, 'refresh');
  if (claims) await queries.revokeRefreshFamily(db, claims.familyId);
}

/** Whether a token we issued still works: signature and expiry, then its revocation state. */
export async function isLiveToken(db: Database, signer: TokenSigner, token: string): Promise<boolean> {
  const claims = await signer.verify(token, ['access', 'refresh', 'stac']);
  if (!claims) return false;
  const user = await identity.getSessionUser(db, claims.userId, claims.familyId);
  if (!user?.is_active) return false;
  const reissued = Boolean(user.sessions_valid_after && claims.issuedAt < user.sessions_valid_after);
  switch (claims.type) {
    case 'refresh':
      return queries.isRefreshTokenLive(db, claims.tokenId);
    case 'stac':
      return !reissued && Boolean(await queries.selectLiveUserToken(db, claims.tokenId));
    case 'access':
      return !reissued && !user.session_revoked;
  }
}
