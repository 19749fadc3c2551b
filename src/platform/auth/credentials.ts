import type { IncomingHttpHeaders } from 'node:http';
import type { Queryable } from '../db/database.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import * as identity from '../identity/identity.service.js';
import { hashApiKey } from './api-key-secret.js';
import type { Principal } from './principal.js';
import { isScope, scopesForUser, STAC_TOKEN_SCOPES, type Scope } from './scopes.js';
import * as identityQueries from '../identity/identity.queries.js';
import { looksLikeJwt, type TokenSigner } from './tokens.js';
import { ApiKeyCache } from './api-key-cache.js';
import { isUuid } from '../uuid.js';


export interface CredentialResolver {
  /** The principal for these headers; null when no credential was presented at all. */
  resolve(headers: IncomingHttpHeaders): Promise<Principal | null>;
  /** Forget cached keys, e.g. after a revocation in this process. */
  forget(): void;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const authorization = header(headers, 'authorization');
  if (authorization === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw new UnauthorizedError('Authorization header must be "Bearer <API key or access token>".');
  return match[1];
}

/**
 * Whether a request carries any header `resolve` reads: without one it resolves to null, so
 * callers may skip it (and its promise) for the many anonymous reads, map tiles above all.
 */
export function presentsCredentials(headers: IncomingHttpHeaders): boolean {
  return headers.authorization !== undefined || headers['x-api-key'] !== undefined || headers['x-organization-id'] !== undefined;
}

function requestedOrganization(headers: IncomingHttpHeaders): string | undefined {
  const value = header(headers, 'x-organization-id')?.trim();
  if (value === undefined || value === '') return undefined;
  if (!isUuid(value)) throw new ForbiddenError('x-organization-id must be the UUID of your organization.');
  return value.toLowerCase();
}

/**
 * Accepts credentials as the compatible APIs send them: `Authorization: Bearer <API key or access
 * token>`, or `x-api-key`, each optionally with `x-organization-id`, which must name the key's own
 * organization (a key never acts for another) or one the token's user belongs to.
 */
export function createCredentialResolver(db: Queryable, signer: TokenSigner): CredentialResolver {
  const keys = new ApiKeyCache(db);

  async function fromApiKey(secret: string, organizationId: string | undefined): Promise<Principal> {
    const key = await keys.lookup(hashApiKey(secret));
    if (!key) throw new UnauthorizedError('Invalid or revoked API key.');
    if (organizationId && organizationId !== key.organization_id) {
      throw new ForbiddenError('This API key does not belong to the organization in x-organization-id.');
    }
    return {
      kind: 'api_key',
      credential: 'api_key',
      sessionFamilyId: null,
      credentialExpiresAt: key.expires_at,
      organizationId: key.organization_id,
      organizationName: key.organization_name,
      userId: null,
      userEmail: null,
      apiKeyId: key.id,
      apiKeyPrefix: key.prefix,
      scopes: new Set(key.scopes.filter(isScope)),
      tier: key.tier,
      rateLimitKey: `key:${key.id}`,
    };
  }

  async function fromUserToken(token: string, requested: string | undefined): Promise<Principal> {
    const claims = await signer.verify(token, ['access', 'stac']);
    if (!claims) throw new UnauthorizedError('Invalid or expired access token.');
    // One query: the user, and whether the token's session was revoked (a reused refresh token, or
    // a password changed in another session), which ends its access tokens too, not only its refreshes.
    const user = await identity.getSessionUser(db, claims.userId, claims.familyId);
    const reissuedSince = user?.sessions_valid_after;
    if (!user || !user.is_active || user.session_revoked || (reissuedSince && claims.issuedAt < reissuedSince)) {
      throw new UnauthorizedError('Invalid or expired access token.');
    }
    const stac = claims.type === 'stac';
    if (stac && !(await identityQueries.selectLiveUserToken(db, claims.tokenId))) throw new UnauthorizedError('This token was revoked.');

    const organization = requested ?? claims.organizationId;
    const membership = organization ? await identity.getMembership(db, user.id, organization) : undefined;
    if (requested && !membership) throw new ForbiddenError('You are not a member of the organization in x-organization-id.');
    const scopes = stac ? STAC_TOKEN_SCOPES : scopesForUser(membership?.role);
    return {
      kind: 'user',
      credential: stac ? 'stac_token' : 'access_token',
      organizationId: membership?.organization_id ?? null,
      organizationName: membership?.organization_name ?? null,
      userId: user.id,
      userEmail: user.email,
      apiKeyId: null,
      apiKeyPrefix: null,
      sessionFamilyId: stac ? null : claims.familyId,
      credentialExpiresAt: claims.expiresAt,
      scopes: new Set<Scope>(scopes),
      tier: membership?.organization_tier ?? 'standard',
      rateLimitKey: `user:${user.id}:${membership?.organization_id ?? '-'}`,
    };
  }

  return {
    async resolve(headers) {
      const organizationId = requestedOrganization(headers);
      const apiKey = header(headers, 'x-api-key')?.trim();
      if (apiKey) return fromApiKey(apiKey, organizationId);
      const bearer = bearerToken(headers);
      if (bearer === undefined) return null;
      return looksLikeJwt(bearer) ? fromUserToken(bearer, organizationId) : fromApiKey(bearer, organizationId);
    },
    forget: () => keys.clear(),
  };
}
