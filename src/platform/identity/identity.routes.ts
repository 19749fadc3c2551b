import { clientAddressOf } from '../http/client-address.js';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { callerOf, principalOf } from '../auth/auth-plugin.js';
import type { Principal } from '../auth/principal.js';
import { grants, isScope, type Scope, type Tier } from '../auth/scopes.js';
import { refresh, signIn, signOut } from '../auth/sessions.js';
import { ValidationError } from '../errors.js';
import { ErrorSchemas } from '../http/error-families.js';
import { platformErrorResponses } from '../http/common-schemas.js';
import * as identity from './identity.service.js';
import type { ApiKeyRow } from './identity.service.js';
import {
  ApiKeyParams,
  ApiKeySchema,
  CreateApiKeyBody,
  CreatedApiKeySchema,
  RefreshBody,
  SignInBody,
  TokenPairSchema,
  WhoAmI,
} from './identity.schemas.js';

const TIER_RANK: Record<Tier, number> = { standard: 0, enterprise: 1 };

function apiKeyView(row: ApiKeyRow) {
  return {
    id: row.id,
    organization_id: row.organization_id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    tier: row.tier,
    created_at: row.created_at.toISOString(),
    last_used_at: row.last_used_at?.toISOString() ?? null,
    expires_at: row.expires_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
  };
}

/**
 * A new key's expiry: as asked, and in the future. A key created by an API key may not outlive it
 * (otherwise a leaked short-lived key could mint itself a permanent one): without an expiry it
 * inherits its parent's. Users' own keys are not bound by their short access tokens.
 */
function expiryOfNewKey(requested: string | undefined, creator: Principal): Date | null {
  const parentExpiry = creator.kind === 'api_key' ? creator.credentialExpiresAt : null;
  const expiresAt = requested ? new Date(requested) : parentExpiry;
  if (expiresAt && expiresAt.getTime() <= Date.now()) throw ValidationError.field('body', ['expires_at'], 'Must be in the future');
  if (expiresAt && parentExpiry && expiresAt > parentExpiry) {
    throw ValidationError.field('body', ['expires_at'], `Must not be later than the expiry of the API key creating it (${parentExpiry.toISOString()})`);
  }
  return expiresAt;
}

/** Who am I, sign-in with e-mail and password, token refresh, and the organization's API keys. */
export default async function identityRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/v1/whoami',
    { schema: { operationId: 'whoAmI', tags: ['identity'], summary: 'The organization, user, scopes and tier of the caller', response: { 200: WhoAmI, ...platformErrorResponses } } },
    async (request) => {
      const principal = callerOf(request);
      return {
        organization:
          principal.organizationId && principal.organizationName ? { id: principal.organizationId, name: principal.organizationName } : null,
        user: principal.userId ? { id: principal.userId, email: principal.userEmail ?? '' } : null,
        api_key: principal.apiKeyId ? { id: principal.apiKeyId, prefix: principal.apiKeyPrefix ?? '' } : null,
        credential: principal.credential,
        scopes: [...principal.scopes].sort(),
        tier: principal.tier,
      };
    },
  );

  app.post(
    '/v1/auth/token',
    {
      config: { auth: 'none', rateLimit: { address: 'credentials' } },
      schema: {
        operationId: 'signIn',
        tags: ['identity'],
        summary: 'Exchange e-mail and password for an access/refresh token pair',
        body: SignInBody,
        response: { 200: TokenPairSchema, 401: ErrorSchemas.platform, 403: ErrorSchemas.platform, 422: ErrorSchemas.platform, 429: ErrorSchemas.platform },
      },
    },
    async (request) => {
      const { pair } = await signIn(app.db, app.sessions, {
        email: request.body.email,
        password: request.body.password,
        address: clientAddressOf(request),
        organizationId: request.body.organization_id,
      });
      return pair;
    },
  );

  app.post(
    '/v1/auth/refresh',
    {
      config: { auth: 'none', rateLimit: { address: 'credentials' } },
      schema: {
        operationId: 'refreshToken',
        tags: ['identity'],
        summary: 'Spend a refresh token for a new pair (each refresh token works once)',
        body: RefreshBody,
        response: { 200: TokenPairSchema, 401: ErrorSchemas.platform, 422: ErrorSchemas.platform, 429: ErrorSchemas.platform },
      },
    },
    (request) => refresh(app.db, app.sessions, request.body.refresh_token),
  );

  app.post(
    '/v1/auth/revoke',
    {
      config: { auth: 'none', rateLimit: { address: 'credentials' } },
      schema: {
        operationId: 'signOut',
        tags: ['identity'],
        summary: "Sign out: revoke a refresh token's session (it and every access token of it); 204 whether or not the token was live (RFC 7009)",
        body: RefreshBody,
        response: { 204: Type.Null({ description: 'Signed out' }), 422: ErrorSchemas.platform, 429: ErrorSchemas.platform },
      },
    },
    async (request, reply) => {
      await signOut(app.db, app.sessions, request.body.refresh_token);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/api-keys',
    {
      config: { scopes: ['organization:admin'] },
      schema: { operationId: 'listApiKeys', tags: ['identity'], summary: "The organization's API keys (never their secrets)", response: { 200: Type.Object({ items: Type.Array(ApiKeySchema) }), ...platformErrorResponses } },
    },
    async (request) => ({ items: (await identity.listApiKeys(app.db, principalOf(request).organizationId)).map(apiKeyView) }),
  );

  app.post(
    '/v1/api-keys',
    {
      config: { scopes: ['organization:admin'] },
      schema: { operationId: 'createApiKey', tags: ['identity'], summary: 'Create an API key; its secret is in this response only', body: CreateApiKeyBody, response: { 201: CreatedApiKeySchema, ...platformErrorResponses } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const scopes = request.body.scopes.filter(isScope);
      const beyond = scopes.filter((scope) => !grants(principal.scopes, scope as Scope));
      if (beyond.length) throw ValidationError.field('body', ['scopes'], `You cannot grant scopes you do not hold: ${beyond.join(', ')}`);
      const tier = request.body.tier ?? principal.tier;
      if (TIER_RANK[tier] > TIER_RANK[principal.tier]) throw ValidationError.field('body', ['tier'], `Your organization's tier is ${principal.tier}`);
      const expiresAt = expiryOfNewKey(request.body.expires_at, principal);
      const { apiKey, secret } = await identity.createApiKey(app.db, {
        organizationId: principal.organizationId,
        name: request.body.name,
        scopes,
        tier,
        createdByUserId: principal.userId,
        expiresAt,
      });
      return reply.status(201).send({ ...apiKeyView(apiKey), key: secret });
    },
  );

  app.delete(
    '/v1/api-keys/:key_id',
    {
      config: { scopes: ['organization:admin'] },
      schema: { operationId: 'revokeApiKey', tags: ['identity'], summary: 'Revoke an API key', params: ApiKeyParams, response: { 204: Type.Null(), 404: ErrorSchemas.platform, ...platformErrorResponses } },
    },
    async (request, reply) => {
      await identity.revokeApiKey(app.db, principalOf(request).organizationId, request.params.key_id);
      app.credentials.forget();
      return reply.status(204).send(null);
    },
  );
}
