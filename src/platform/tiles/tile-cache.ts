import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip, gzipSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** A tile as served, prepared once when it is made: its bytes, the same gzipped (when worth it), its validator. */
export interface TileEntry {
  /** The tile (MVT, PNG); empty when there is nothing in it. */
  body: Buffer;
  /** `body` gzipped, for formats that compress (MVT); undefined for those that do not (PNG). */
  gzipped: Buffer | undefined;
  /** The strong ETag of `body` (without quotes); each encoding adds its own suffix if it needs one. */
  etag: string;
}

/** What a tile maker returns: the bytes and their validator. */
export interface MadeTile {
  bytes: Uint8Array;
  etag: string;
}

export interface TileCacheOptions {
  /** In-process budget; 0 keeps nothing (concurrent requests for one tile still share one making). */
  maxBytes: number;
  redisUrl?: string | undefined;
  /** Whether tiles are gzipped when made (MVT: yes; PNG is compressed already). */
  gzip: boolean;
  /** How long Redis keeps a tile: keys name everything the bytes depend on, so this only bounds the memory of unreachable ones. */
  redisTtlSeconds: number;
}

/**
 * Below this a tile is gzipped on the event loop: ~15–30 µs for 1–16 KiB, where the thread pool's
 * round trip alone adds ~100 µs to the answer (docs/benchmarks.md). Larger tiles (a z12 tile of 123
 * KiB takes ~1.4 ms) go to the pool, so that one tile does not hold every other request.
 */
export const SYNC_GZIP_MAX_BYTES = 16 * 1024;

/**
 * Level 1: MVT bytes are mostly varints, ids and names, which the fastest level compresses within a
 * few per cent of the default level 6, at half its CPU (measured on plume tiles).
 */
export async function tileEntry(made: MadeTile, gzipIt: boolean): Promise<TileEntry> {
  const body = Buffer.from(made.bytes.buffer, made.bytes.byteOffset, made.bytes.byteLength);
  return { body, gzipped: gzipIt ? await gzipped(body) : undefined, etag: made.etag };
}

async function gzipped(body: Buffer): Promise<Buffer> {
  if (body.length === 0) return body;
  if (body.length <= SYNC_GZIP_MAX_BYTES) return gzipSync(body, { level: 1 });
  return gzipAsync(body, { level: 1 });
}

/** Tiles larger than this are not sent to Redis (one slow client must not stall the others). */
const REDIS_MAX_BYTES = 2 * 1024 * 1024;
/** A Redis that does not answer at once is skipped: the tile is made here instead. */
const REDIS_TIMEOUT_MS = 250;
/** Redis value: a format byte, the ETag's length and the ETag, then the bytes. */
const STORED = { empty: 0, gzipped: 1, plain: 2 } as const;

/**
 * The one tile cache of vector (MVT) and raster (PNG) tiles. Tiles by key, where the key names
 * everything the bytes depend on (for vector tiles the catalog's revision, for rasters the file's
 * version), so a key is never stale: a change makes a new key. In process, bounded in bytes (LRU);
 * with REDIS_URL also in Redis, so N processes share what one made. Concurrent misses of one key
 * (a map's burst, many viewers after a change) share one making. Redis trouble (down, slow) costs
 * a miss, never an error.
 */
export class TileCache {
  private readonly local: LRUCache<string, TileEntry> | undefined;
  private readonly redis: Redis | undefined;
  private readonly writes = new Set<Promise<void>>();
  private readonly making = new Map<string, Promise<TileEntry>>();

  constructor(private readonly options: TileCacheOptions) {
    this.local =
      options.maxBytes > 0
        ? new LRUCache<string, TileEntry>({ maxSize: options.maxBytes, sizeCalculation: (entry, key) => entry.body.length + (entry.gzipped?.length ?? 0) + key.length + 96 })
        : undefined;
    this.redis =
      options.redisUrl && options.maxBytes > 0
        ? new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: REDIS_TIMEOUT_MS })
        : undefined;
    this.redis?.on('error', () => undefined);
  }

  /** The short, fixed-length digest of a key: ETags and Redis keys. */
  static digest(key: string): string {
    return createHash('sha256').update(key).digest('base64url').slice(0, 32);
  }

  get enabled(): boolean {
    return this.local !== undefined;
  }

  /** Bytes held in this process. */
  get bytes(): number {
    return this.local?.calculatedSize ?? 0;
  }

  /** The tile under `key` if this process holds it: no promise, no I/O (the hot path of a cached tile). */
  peek(key: string): TileEntry | undefined {
    return this.local?.get(key);
  }

  /** The tile under `key`, made by `make` (and kept) when neither this process nor Redis has it. */
  get(key: string, make: () => Promise<MadeTile>): Promise<TileEntry> {
    const found = this.local?.get(key);
    if (found) return Promise.resolve(found);
    const pending = this.making.get(key);
    if (pending) return pending;
    const made = this.fetchOrMake(key, make).finally(() => this.making.delete(key));
    this.making.set(key, made);
    return made;
  }

  private async fetchOrMake(key: string, make: () => Promise<MadeTile>): Promise<TileEntry> {
    const shared = await this.fromRedis(key);
    if (shared) return shared;
    const entry = await tileEntry(await make(), this.options.gzip);
    this.local?.set(key, entry);
    if (this.redis) {
      const write = this.toRedis(key, entry).finally(() => this.writes.delete(write));
      this.writes.add(write);
    }
    return entry;
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
    return `carbon-atlas:tile:${TileCache.digest(key)}`;
  }

  private async fromRedis(key: string): Promise<TileEntry | undefined> {
    if (!this.redis) return undefined;
    try {
      const stored = await this.redis.getBuffer(this.redisKey(key));
      if (!stored || stored.length < 2) return undefined;
      const etagEnd = 2 + stored[1]!;
      const etag = stored.subarray(2, etagEnd).toString('latin1');
      const payload = Buffer.from(stored.subarray(etagEnd));
      let entry: TileEntry;
      if (stored[0] === STORED.gzipped) entry = { body: await gunzipAsync(payload), gzipped: payload, etag };
      else if (stored[0] === STORED.plain) entry = { body: payload, gzipped: this.options.gzip ? await gzipped(payload) : undefined, etag };
      else entry = { body: Buffer.alloc(0), gzipped: this.options.gzip ? Buffer.alloc(0) : undefined, etag };
      this.local?.set(key, entry);
      return entry;
    } catch {
      return undefined;
    }
  }

  private async toRedis(key: string, entry: TileEntry) {
    const payload = entry.gzipped ?? entry.body;
    if (!this.redis || payload.length > REDIS_MAX_BYTES || entry.etag.length > 255) return;
    const format = entry.body.length === 0 ? STORED.empty : entry.gzipped ? STORED.gzipped : STORED.plain;
    const etag = Buffer.from(entry.etag, 'latin1');
    try {
      const value = Buffer.concat([Buffer.from([format, etag.length]), etag, format === STORED.empty ? Buffer.alloc(0) : payload]);
      await this.redis.set(this.redisKey(key), value, 'EX', this.options.redisTtlSeconds);
    } catch {
      // A tile Redis did not take is made again by the next process that needs it.
    }
  }

  close() {
    this.redis?.disconnect();
  }
}
