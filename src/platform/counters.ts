import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * Where fixed-window counters live: this process's memory, or Redis when a URL is given so that
 * every process shares them. Should Redis stop answering, each process falls back to its own
 * in-memory counters rather than failing requests.
 */
export interface CounterStore {
  /** A fixed-window counter of `points` per `durationSeconds` and key. */
  window(name: string, points: number, durationSeconds: number): RateLimiterAbstract;
  readonly kind: 'memory' | 'redis';
  close(): void;
}

export const REDIS_COMMAND_TIMEOUT_MS = 250;

export function createCounterStore(redisUrl: string | undefined): CounterStore {
  // A Redis that hangs must not hang requests: a command unanswered within REDIS_COMMAND_TIMEOUT_MS
  // fails, and the in-memory counters answer instead (rate limits fail open, per process).
  const redis = redisUrl
    ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false, connectTimeout: 2_000, commandTimeout: REDIS_COMMAND_TIMEOUT_MS })
    : undefined;
  redis?.on('error', () => undefined);
  return {
    kind: redis ? 'redis' : 'memory',
    window(name, points, duration) {
      const memory = new RateLimiterMemory({ points, duration, keyPrefix: name });
      if (!redis) return memory;
      return new RateLimiterRedis({ storeClient: redis, points, duration, keyPrefix: `carbon-atlas:${name}`, insuranceLimiter: memory });
    },
    close: () => redis?.disconnect(),
  };
}
