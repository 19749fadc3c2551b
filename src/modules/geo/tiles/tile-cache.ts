import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** A tile as served: its bytes, and the same gzipped (computed once, when it is made). */
export interface TileBody {
  raw: Buffer;
  gzipped: Buffer;
}

/**
 * Level 1: MVT bytes are mostly varints, ids and names, which the fastest level compresses within a
 * few per cent of the default level 6, at half its CPU (measured on plume tiles); an uncached
 * tile is gzipped on every request.
 */
export async function tileBody(raw: Uint8Array): Promise<TileBody> {
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return { raw: bytes, gzipped: bytes.length ? await gzipAsync(bytes, { level: 1 }) : bytes };
}

/** How long Redis keeps a tile: its key carries the revision, so an old one is only unreachable, never served. */
const REDIS_TTL_SECONDS = 600;
/** Tiles larger than this are not sent to Redis (one slow client must not stall the others). */
const REDIS_MAX_BYTES = 2 * 1024 * 1024;
const REDIS_TIMEOUT_MS = 250;

/**
 * Tiles by key, where the key names everything the bytes depend on: the kind, the revision of the
 * data (bumped in the same transaction as every change), the viewer's visibility class, the
 * normalised filter and the tile. A key is thus never stale: a change makes a new key. In process,
 * bounded in bytes (LRU); with REDIS_URL also in Redis, so N processes share what one computed.
 * Redis trouble (down, slow) costs a miss, never an error.
 */
export class TileCache {
  private readonly local: LRUCache<string, TileBody> | undefined;
  private readonly redis: Redis | undefined;
  private readonly writes = new Set<Promise<void>>();
  /** Tiles being made: concurrent misses of one key (a map's burst, many viewers after a change) share one query. */
  private readonly making = new Map<string, Promise<TileBody>>();

  constructor(options: { maxBytes: number; redisUrl?: string | undefined }) {
    this.local =
      options.maxBytes > 0
        ? new LRUCache<string, TileBody>({ maxSize: options.maxBytes, sizeCalculation: (body, key) => body.raw.length + body.gzipped.length + key.length + 64 })
        : undefined;
    this.redis =
      options.redisUrl && options.maxBytes > 0
        ? new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: REDIS_TIMEOUT_MS })
        : undefined;
    this.redis?.on('error', () => undefined);
  }

  get enabled(): boolean {
    return this.local !== undefined;
  }

  /** The tile under `key`, computed by `make` (and kept) when neither this process nor Redis has it. */
  async get(key: string, make: () => Promise<Uint8Array>): Promise<TileBody> {
    const found = this.local?.get(key);
    if (found) return found;
    const pending = this.making.get(key);
    if (pending) return pending;
    const made = this.fetchOrMake(key, make).finally(() => this.making.delete(key));
    this.making.set(key, made);
    return made;
  }

  private async fetchOrMake(key: string, make: () => Promise<Uint8Array>): Promise<TileBody> {
    const shared = await this.fromRedis(key);
    if (shared) return shared;
    const body = await tileBody(await make());
    this.local?.set(key, body);
    const write = this.toRedis(key, body).finally(() => this.writes.delete(write));
    this.writes.add(write);
    return body;
  }

  /** Resolves once Redis is connected (at once without it); until then tiles are only made and kept here. */
  async ready(): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready') return;
    await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  }

  /** Resolves when the tiles handed to Redis so far are stored (or given up). */
  async flushed(): Promise<void> {
    await Promise.all([...this.writes]);
  }

  private redisKey(key: string) {
    return `carbon-atlas:tile:${createHash('sha256').update(key).digest('base64url')}`;
  }

  private async fromRedis(key: string): Promise<TileBody | undefined> {
    if (!this.redis) return undefined;
    try {
      const stored = await this.redis.getBuffer(this.redisKey(key));
      if (!stored) return undefined;
      // Stored as one flag byte (1: gzipped bytes follow, 0: empty tile) and the gzipped tile.
      const body = stored[0] === 1 ? { raw: await gunzipAsync(stored.subarray(1)), gzipped: Buffer.from(stored.subarray(1)) } : { raw: Buffer.alloc(0), gzipped: Buffer.alloc(0) };
      this.local?.set(key, body);
      return body;
    } catch {
      return undefined;
    }
  }

  private async toRedis(key: string, body: TileBody) {
    if (!this.redis || body.gzipped.length > REDIS_MAX_BYTES) return;
    try {
      const value = body.raw.length ? Buffer.concat([Buffer.from([1]), body.gzipped]) : Buffer.from([0]);
      await this.redis.set(this.redisKey(key), value, 'EX', REDIS_TTL_SECONDS);
    } catch {
      // A tile Redis did not take is computed again by the next process that needs it.
    }
  }

  close() {
    this.redis?.disconnect();
  }
}
