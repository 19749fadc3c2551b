import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createCounterStore } from './counters.js';
import type { Tier } from './auth/scopes.js';

const WINDOW_SECONDS = 60;

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch seconds at which the current window ends. */
  resetAt: number;
  retryAfterSeconds: number;
}

/** A credential's tier, or `anonymous` for public reads made without credentials, counted per client address. */
export type Budget = Tier | 'anonymous';

export interface RateLimiter {
  readonly store: 'memory' | 'redis';
  consume(key: string, budget: Budget): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

export interface RateLimitOptions {
  limits: Record<Budget, number>;
  redisUrl?: string | undefined;
}

/**
 * Fixed one-minute windows per key and tier. In memory for a single process; in Redis when
 * REDIS_URL is set, so every process shares one budget. Should Redis be unreachable, each process
 * falls back to its own in-memory counters rather than failing requests.
 */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const store = createCounterStore(options.redisUrl);
  const limiters = new Map<Budget, RateLimiterAbstract>();
  for (const budget of Object.keys(options.limits) as Budget[]) {
    limiters.set(budget, store.window(`rl:${budget}`, options.limits[budget], WINDOW_SECONDS));
  }

  function decision(points: number, result: RateLimiterRes, allowed: boolean): RateLimitDecision {
    const msBeforeNext = Math.max(0, result.msBeforeNext);
    return {
      allowed,
      limit: points,
      remaining: Math.max(0, result.remainingPoints),
      resetAt: Math.ceil((Date.now() + msBeforeNext) / 1000),
      retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)),
    };
  }

  return {
    store: store.kind,
    async consume(key, budget) {
      const limiter = limiters.get(budget)!;
      try {
        return decision(limiter.points, await limiter.consume(key), true);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return decision(limiter.points, rejection, false);
        throw rejection;
      }
    },
    async close() {
      store.close();
    },
  };
}
