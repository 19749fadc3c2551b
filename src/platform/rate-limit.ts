import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createCounterStore } from './counters.js';
import { FixedWindows } from './fixed-windows.js';
import type { Tier } from './auth/scopes.js';

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch seconds at which the current window ends. */
  resetAt: number;
  retryAfterSeconds: number;
}

/**
 * What a request is counted against:
 * - a credential's tier, per API key or user;
 * - `anonymous`: calls made without credentials (public reads, routes that take none), per client address;
 * - `credentials`: the stricter budget of routes that take a password, token or e-mailed link, per client address;
 * - `mail_recipient`: e-mails a route may send to one address, per recipient, whoever asks;
 * - `tiles`: map tiles, which a map requests in bursts of dozens; per credential or else per address,
 *   instead of the tier's or the anonymous budget (see RouteRateLimit.credential).
 */
export type Budget = Tier | 'anonymous' | 'credentials' | 'mail_recipient' | 'tiles';

/** Budgets counted per client address, for requests that present no credential. */
export type AddressBudget = 'anonymous' | 'credentials' | 'tiles';

/** Budgets a route may have credentialed calls spend instead of their tier's. */
export type CredentialBudget = 'tiles';

/** Budgets counted per target of a request rather than per caller. */
export type TargetBudget = 'mail_recipient';

/** Requests per minute, except mail, which is counted per hour: a mailbox needs a longer memory than a socket. */
export const WINDOW_SECONDS: Record<Budget, number> = {
  standard: 60,
  enterprise: 60,
  anonymous: 60,
  credentials: 60,
  mail_recipient: 3600,
  tiles: 60,
};

export interface RateLimiter {
  readonly store: 'memory' | 'redis';
  /** Counts one call: answered at once, without a promise, when the counters are in this process's memory. */
  consume(key: string, budget: Budget): RateLimitDecision | Promise<RateLimitDecision>;
  /** Whether a call would be allowed now, spending nothing (for budgets charged only for what was done). */
  peek(key: string, budget: Budget): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

export interface RateLimitOptions {
  /** Points per window of each budget (see WINDOW_SECONDS); `tiles` defaults to the anonymous budget. */
  limits: Record<Exclude<Budget, 'tiles'>, number> & { tiles?: number };
  redisUrl?: string | undefined;
}

/**
 * Fixed windows per key and budget. In memory for a single process; in Redis when REDIS_URL is
 * set, so every process shares one budget. Should Redis be unreachable, each process falls back to
 * its own in-memory counters rather than failing requests.
 */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const limits: Record<Budget, number> = { ...options.limits, tiles: options.limits.tiles ?? options.limits.anonymous };
  return options.redisUrl ? sharedRateLimiter(limits, options.redisUrl) : memoryRateLimiter(limits);
}

/** `allowed` by default: whether the calls counted so far, this one included, fit the budget. */
function decision(points: number, consumed: number, msBeforeNext: number, allowed = consumed <= points): RateLimitDecision {
  const wait = Math.max(0, msBeforeNext);
  return {
    allowed,
    limit: points,
    remaining: Math.max(0, points - consumed),
    resetAt: Math.ceil((Date.now() + wait) / 1000),
    retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)),
  };
}

function memoryRateLimiter(limits: Record<Budget, number>): RateLimiter {
  const windows = new Map<Budget, FixedWindows>();
  for (const budget of Object.keys(limits) as Budget[]) windows.set(budget, new FixedWindows(WINDOW_SECONDS[budget] * 1000));
  return {
    store: 'memory',
    consume(key, budget) {
      const count = windows.get(budget)!.consume(key);
      return decision(limits[budget], count.consumed, count.msBeforeNext);
    },
    async peek(key, budget) {
      const count = windows.get(budget)!.peek(key) ?? { consumed: 0, msBeforeNext: WINDOW_SECONDS[budget] * 1000 };
      return decision(limits[budget], count.consumed, count.msBeforeNext, count.consumed < limits[budget]);
    },
    async close() {
      for (const counters of windows.values()) counters.close();
    },
  };
}

function sharedRateLimiter(limits: Record<Budget, number>, redisUrl: string): RateLimiter {
  const store = createCounterStore(redisUrl);
  const limiters = new Map<Budget, RateLimiterAbstract>();
  for (const budget of Object.keys(limits) as Budget[]) {
    limiters.set(budget, store.window(`rl:${budget}`, limits[budget], WINDOW_SECONDS[budget]));
  }
  return {
    store: store.kind,
    async consume(key, budget) {
      const limiter = limiters.get(budget)!;
      try {
        const result = await limiter.consume(key);
        return decision(limiter.points, result.consumedPoints, result.msBeforeNext);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return decision(limiter.points, Math.max(rejection.consumedPoints, limiter.points + 1), rejection.msBeforeNext);
        throw rejection;
      }
    },
    async peek(key, budget) {
      const limiter = limiters.get(budget)!;
      const state = await limiter.get(key);
      if (!state) return decision(limiter.points, 0, WINDOW_SECONDS[budget] * 1000);
      return decision(limiter.points, state.consumedPoints, state.msBeforeNext, state.consumedPoints < limiter.points);
    },
    async close() {
      store.close();
    },
  };
}
