import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ForbiddenError, RateLimitedError, UnauthorizedError } from '../errors.js';
import type { Budget, RateLimiter } from '../rate-limit.js';
import type { CredentialResolver } from './credentials.js';
import type { Principal, TenantPrincipal, UserPrincipal } from './principal.js';
import { grants, type Scope } from './scopes.js';

export type AuthMode = 'required' | 'optional' | 'none';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Defaults to 'required': a route is public only when it says so. */
    auth?: AuthMode;
    /** Every scope listed is needed. */
    scopes?: readonly Scope[];
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface AuthPluginOptions {
  credentials: CredentialResolver;
  rateLimiter: RateLimiter;
}

/** The caller of an authenticated route, whether or not it acts for an organization. */
export function callerOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthorizedError();
  return request.principal;
}

/** The caller of a tenant-scoped route: it must act for an organization. */
export function principalOf(request: FastifyRequest): TenantPrincipal {
  const principal = callerOf(request);
  if (principal.organizationId === null || principal.organizationName === null) {
    throw new ForbiddenError('This credential acts for no organization; send x-organization-id with one you belong to.');
  }
  return principal as TenantPrincipal;
}

/** The caller of a route about the signed-in user's own account: API keys have no user. */
export function userOf(request: FastifyRequest): UserPrincipal {
  const principal = callerOf(request);
  if (principal.kind !== 'user' || !principal.userId || !principal.userEmail) {
    throw new ForbiddenError('This endpoint needs a user token, not an organization API key.');
  }
  return principal as UserPrincipal;
}

async function spend(rateLimiter: RateLimiter, reply: FastifyReply, key: string, budget: Budget) {
  const decision = await rateLimiter.consume(key, budget);
  reply.header('x-ratelimit-limit', decision.limit);
  reply.header('x-ratelimit-remaining', decision.remaining);
  reply.header('x-ratelimit-reset', decision.resetAt);
  if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds);
}

/**
 * Authenticates, rate-limits and authorises every request before its body is even parsed, so an
 * anonymous or over-budget caller costs as little as possible and gets 401/429 before any 422.
 * Public reads without credentials spend their client address's own, smaller budget.
 */
async function authPlugin(app: FastifyInstance, options: AuthPluginOptions) {
  app.decorateRequest('principal', null);

  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    const mode: AuthMode = config.auth ?? (request.is404 ? 'none' : 'required');
    if (mode === 'none') return;

    const principal = await options.credentials.resolve(request.headers);
    if (!principal) {
      if (mode === 'required') throw new UnauthorizedError();
      await spend(options.rateLimiter, reply, `address:${request.ip}`, 'anonymous');
      return;
    }
    request.principal = principal;
    await spend(options.rateLimiter, reply, principal.rateLimitKey, principal.tier);

    const missing = (config.scopes ?? []).filter((scope) => !grants(principal.scopes, scope));
    if (missing.length > 0) throw new ForbiddenError(`This credential lacks the scope ${missing.join(', ')}.`);
  });
}

export default fp(authPlugin, { name: 'carbon-atlas-auth' });
