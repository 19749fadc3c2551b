import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/** How long a tile stays in Redis: keys hold the raster's version, so this only bounds the memory a deleted raster keeps. */
const REDIS_TTL_SECONDS = 86_400;
/** A Redis that does not answer at once is skipped: the tile is rendered here instead. */
const REDIS_TIMEOUT_MS = 250;

/**
 * Rendered tiles by cache key (raster key, raster version, tile, scale and style): a byte-bounded
 * LRU in this process, in front of Redis when REDIS_URL is set so that every process shares what
 * one rendered. Redis failures are ignored (the tile is rendered again), never answered as errors.
 */
export class TileCache {
  private readonly memory: LRUCache<string, Buffer> | undefined;
  private readonly redis: Redis | undefined;

  constructor(options: { maxBytes: number; redisUrl?: string | undefined }) {
    this.memory = options.maxBytes > 0 ? new LRUCache<string, Buffer>({ maxSize: options.maxBytes, sizeCalculation: (body, key) => body.length + key.length + 64 }) : undefined;
    this.redis = options.redisUrl
      ? new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: REDIS_TIMEOUT_MS })
      : undefined;
    this.redis?.on('error', () => undefined);
  }

  /** The short, fixed-length form of a cache key: the ETag and the Redis key. */
  static digest(key: string): string {
    return createHash('sha256').update(key).digest('base64url').slice(0, 32);
  }

  async get(key: string): Promise<Buffer | undefined> {
    const local = this.memory?.get(key);
    if (local || !this.redis) return local;
    try {
      const shared = await this.redis.getBuffer(`carbon-atlas:tile:${TileCache.digest(key)}`);
      if (shared) this.memory?.set(key, shared);
      return shared ?? undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, body: Buffer): Promise<void> {
    this.memory?.set(key, body);
    if (!this.redis) return;
    try {
      await this.redis.set(`carbon-atlas:tile:${TileCache.digest(key)}`, body, 'EX', REDIS_TTL_SECONDS);
    } catch {
      // Only this process keeps it.
    }
  }

  /** Resolves once Redis is connected (at once without Redis): until then tiles are this process's alone. */
  ready(): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready') return Promise.resolve();
    return new Promise((resolve) => redis.once('ready', () => resolve()));
  }

  get bytes(): number {
    return this.memory?.calculatedSize ?? 0;
  }

  close(): void {
    this.redis?.disconnect();
  }
}
