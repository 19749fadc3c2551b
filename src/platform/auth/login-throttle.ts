import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitedError } from '../errors.js';
import { createCounterStore } from '../counters.js';

/** Failed sign-ins allowed per window before further attempts are refused with 429. */
export interface LoginLimits {
  /** One account from one address: the common case of someone guessing one password. */
  perAccountAndAddress: { failures: number; windowSeconds: number };
  /** One account from anywhere: slows a distributed guess without locking the owner out for long. */
  perAccount: { failures: number; windowSeconds: number };
  /** One address against any accounts: password spraying. */
  perAddress: { failures: number; windowSeconds: number };
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perAccountAndAddress: { failures: 5, windowSeconds: 15 * 60 },
  perAccount: { failures: 20, windowSeconds: 60 * 60 },
  perAddress: { failures: 50, windowSeconds: 60 * 60 },
};

export interface LoginAttempt {
  /** The e-mail address or user id being signed in to. */
  account: string;
  address: string;
}

export interface LoginThrottle {
  /** Throws RateLimitedError while this account or address has used up its failures. */
  check(attempt: LoginAttempt): Promise<void>;
  failed(attempt: LoginAttempt): Promise<void>;
  /** A correct password clears that account's counters (never the address's). */
  succeeded(attempt: LoginAttempt): Promise<void>;
  close(): Promise<void>;
}

interface Counter {
  limiter: RateLimiterAbstract;
  key(attempt: LoginAttempt): string;
  clearedBySuccess: boolean;
}

/**
 * Counts failed sign-ins, never successful ones. Windows are fixed and short, so the owner of an
 * attacked account is refused for at most the window (or until a password reset, which signs them
 * in anew), never indefinitely. Shared through Redis when REDIS_URL is set.
 */
export function createLoginThrottle(options: { redisUrl?: string | undefined; limits?: LoginLimits } = {}): LoginThrottle {
  const limits = options.limits ?? DEFAULT_LOGIN_LIMITS;
  const store = createCounterStore(options.redisUrl);
  const limiter = (name: string, limit: { failures: number; windowSeconds: number }) =>
    store.window(`login:${name}`, limit.failures, limit.windowSeconds);

  const counters: Counter[] = [
    { limiter: limiter('account-address', limits.perAccountAndAddress), key: (a) => `${normalise(a.account)}|${a.address}`, clearedBySuccess: true },
    { limiter: limiter('account', limits.perAccount), key: (a) => normalise(a.account), clearedBySuccess: true },
    { limiter: limiter('address', limits.perAddress), key: (a) => a.address, clearedBySuccess: false },
  ];

  return {
    async check(attempt) {
      for (const counter of counters) {
        const state = await counter.limiter.get(counter.key(attempt));
        if (state && state.consumedPoints >= counter.limiter.points) {
          throw new RateLimitedError(Math.max(1, Math.ceil(state.msBeforeNext / 1000)));
        }
      }
    },
    async failed(attempt) {
      // penalty() counts without throwing when the budget is already spent.
      await Promise.all(counters.map((counter) => counter.limiter.penalty(counter.key(attempt), 1)));
    },
    async succeeded(attempt) {
      await Promise.all(counters.filter((c) => c.clearedBySuccess).map((counter) => counter.limiter.delete(counter.key(attempt))));
    },
    async close() {
      store.close();
    },
  };
}

function normalise(account: string): string {
  return account.trim().toLowerCase();
}
