import { createHash } from 'node:crypto';
import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ForbiddenError, RateLimitedError, UnauthorizedError } from '../errors.js';
import type { AddressBudget, Budget, CredentialBudget, RateLimitDecision, RateLimiter, TargetBudget } from '../rate-limit.js';
import { presentsCredentials, type CredentialResolver } from './credentials.js';
import type { Principal, TenantPrincipal, UserPrincipal } from './principal.js';
import { grants, type Scope } from './scopes.js';
import { clientAddressOf } from '../http/client-address.js';
import { addRouteHook } from '../http/route-hooks.js';

export type AuthMode = 'required' | 'optional' | 'none';

/** How a route's calls are counted beyond the credential's own budget (see the `rateLimit` route option). */
export interface RouteRateLimit {
  /** The per-address budget spent by calls without credentials: `anonymous` unless the route says otherwise. */
  address?: AddressBudget;
  /** The budget credentialed calls spend instead of their tier's (per credential): `tiles` for map tiles, requested in bursts. */
  credential?: CredentialBudget;
  /**
   * A second budget per target of the request (e.g. the mailbox a message goes to), spent once the
   * request is validated, whoever asks. Only a digest of the key is kept in the counter store.
   */
  target?: { budget: TargetBudget; key: (request: FastifyRequest) => string | undefined };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Defaults to 'required': a route is public only when it says so. */
    auth?: AuthMode;
    /** Every scope listed is needed. */
    scopes?: readonly Scope[];
    /**
     * Every call spends a budget: its credential's, or else its client address's (`anonymous` by
     * default). `false` exempts calls without credentials; only for orchestrators' health probes.
     */
    rateLimit?: RouteRateLimit | false;
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

/** A per-recipient mail budget keyed by an e-mail field of the validated body (case and spaces ignored). */
export function mailRecipientBudget(field: string): NonNullable<RouteRateLimit['target']> {
  return {
    budget: 'mail_recipient',
    key: (request) => {
      const value = (request.body as Record<string, unknown> | null | undefined)?.[field];
      return typeof value === 'string' ? value.trim().toLowerCase() : undefined;
    },
  };
}

function describeBudget(reply: FastifyReply, decision: RateLimitDecision) {
  reply.header('x-ratelimit-limit', decision.limit);
  reply.header('x-ratelimit-remaining', decision.remaining);
  reply.header('x-ratelimit-reset', decision.resetAt);
}

type HookDone = (error?: Error) => void;

function anonymousCallCounted(reply: FastifyReply, decision: RateLimitDecision, required: boolean, done: HookDone) {
  done(settle(reply, decision) ?? (required ? new UnauthorizedError() : undefined));
}

/** Describes the budget on the reply; the refusal to answer with when it is spent. */
function settle(reply: FastifyReply, decision: RateLimitDecision): RateLimitedError | undefined {
  describeBudget(reply, decision);
  return decision.allowed ? undefined : new RateLimitedError(decision.retryAfterSeconds);
}

async function spend(rateLimiter: RateLimiter, reply: FastifyReply, key: string, budget: Budget) {
  const refusal = settle(reply, await rateLimiter.consume(key, budget));
  if (refusal) throw refusal;
}

/**
 * Authenticates, rate-limits and authorises every request before its body is even parsed, so an
 * anonymous or over-budget caller costs as little as possible and gets 401/429 before any 422.
 * Calls without valid credentials (public reads, sign-in, registration, unknown paths, wrong keys)
 * spend their client address's budget; routes that send mail also spend a budget per recipient.
 */
async function authPlugin(app: FastifyInstance, options: AuthPluginOptions) {
  app.decorateRequest('principal', null);

  // Named functions, not closures made per request: this hook runs before every request.
  /** Counts a call against its client address's budget; undefined on routes exempt from budgets. */
  function countAddress(request: FastifyRequest, config: FastifyContextConfig) {
    if (config.rateLimit === false) return undefined;
    return options.rateLimiter.consume(`address:${clientAddressOf(request)}`, config.rateLimit?.address ?? 'anonymous');
  }

  async function spendAddressBudget(request: FastifyRequest, reply: FastifyReply, config: FastifyContextConfig) {
    const counted = countAddress(request, config);
    const refusal = counted && settle(reply, await counted);
    if (refusal) throw refusal;
  }

  /**
   * A call without credentials spends its address's budget, and is refused if its route requires
   * them. Without a promise when the counters are in memory: most such calls are public reads and
   * map tiles, and each await on this path showed in the cached-tile benchmark (decision 0029).
   */
  function anonymousCall(request: FastifyRequest, reply: FastifyReply, config: FastifyContextConfig, required: boolean, done: HookDone) {
    const decision = countAddress(request, config);
    if (!decision) return done(required ? new UnauthorizedError() : undefined);
    if ('then' in decision) return void decision.then((counted) => anonymousCallCounted(reply, counted, required, done), done);
    anonymousCallCounted(reply, decision, required, done);
  }

  app.addHook('onRequest', (request, reply, done) => {
    const config = request.routeOptions.config;
    const mode: AuthMode = config.auth ?? (request.is404 ? 'none' : 'required');
    if (mode === 'none' || !presentsCredentials(request.headers)) return anonymousCall(request, reply, config, mode === 'required', done);
    credentialedCall(request, reply, config, mode).then(() => done(), done);
  });

  async function credentialedCall(request: FastifyRequest, reply: FastifyReply, config: FastifyContextConfig, mode: AuthMode) {
    let principal: Principal | null;
    try {
      principal = await options.credentials.resolve(request.headers);
    } catch (error) {
      // Each refused credential (wrong key or token, a foreign or malformed x-organization-id) costs
      // a lookup: it spends the address's budget like any anonymous call, and answers with its headers.
      if (error instanceof UnauthorizedError || error instanceof ForbiddenError) await spendAddressBudget(request, reply, config);
      throw error;
    }
    if (!principal) {
      await spendAddressBudget(request, reply, config);
      if (mode === 'required') throw new UnauthorizedError();
      return;
    }
    request.principal = principal;
    await spend(options.rateLimiter, reply, principal.rateLimitKey, (config.rateLimit && config.rateLimit.credential) || principal.tier);

    const missing = (config.scopes ?? []).filter((scope) => !grants(principal.scopes, scope));
    if (missing.length > 0) throw new ForbiddenError(`This credential lacks the scope ${missing.join(', ')}.`);
  }

  // A target budget is checked before the handler but charged only for calls that succeed: a
  // registration refused for a weak password sent no mail and must not use up the address's budget.
  // Only the routes that declare one carry these hooks.
  app.addHook('onRoute', (route) => {
    const rateLimit = (route.config as FastifyContextConfig | undefined)?.rateLimit;
    if (!rateLimit || !rateLimit.target) return;
    addRouteHook(route, 'preHandler', checkTarget, 'first');
    addRouteHook(route, 'onSend', chargeTarget, 'first');
  });
  async function checkTarget(request: FastifyRequest, reply: FastifyReply) {
    const target = targetOf(request);
    if (!target) return;
    const decision = await options.rateLimiter.peek(target.key, target.budget);
    if (decision.allowed) return;
    // The refusal describes the budget that refused, not the caller's per-address one.
    describeBudget(reply, decision);
    throw new RateLimitedError(decision.retryAfterSeconds);
  }
  async function chargeTarget(request: FastifyRequest, reply: FastifyReply) {
    const target = reply.statusCode < 300 ? targetOf(request) : undefined;
    if (target) await options.rateLimiter.consume(target.key, target.budget);
  }
}

/** The target budget a validated request spends, keyed by a digest: the counter store never sees the address itself. */
function targetOf(request: FastifyRequest): { key: string; budget: TargetBudget } | undefined {
  const rateLimit = request.routeOptions.config.rateLimit;
  const target = rateLimit ? rateLimit.target : undefined;
  const key = target?.key(request);
  if (!target || key === undefined) return undefined;
  return { key: `${target.budget}:${createHash('sha256').update(key).digest('base64url')}`, budget: target.budget };
}

export default fp(authPlugin, { name: 'carbon-atlas-auth' });
