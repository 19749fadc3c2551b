import { randomBytes, randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { REDIS_URL, redisAnswers } from '../../../test/support/redis.js';
import { SYNC_GZIP_MAX_BYTES, TileCache, tileEntry, type TileCacheOptions } from './tile-cache.js';

const redisAvailable = await redisAnswers();
const caches: TileCache[] = [];
const cache = (options: Partial<TileCacheOptions> & { maxBytes: number }) => {
  const made = new TileCache({ gzip: true, redisTtlSeconds: 60, ...options });
  caches.push(made);
  return made;
};
afterEach(() => caches.splice(0).forEach((c) => c.close()));

/** Counts how often a tile is made. */
function maker(bytes: number[] | Buffer, etag = 'tag') {
  const calls = { count: 0 };
  return { calls, make: async () => ((calls.count += 1), { bytes: new Uint8Array(bytes), etag }) };
}

describe('tile cache', () => {
  it('when a key is asked again, the tile is not made again; gzipped once, when made, with its ETag', async () => {
    const tiles = cache({ maxBytes: 1024 * 1024 });
    const { calls, make } = maker([1, 2, 3], 't1-abc');
    const first = await tiles.get('k', make);
    const second = await tiles.get('k', make);
    expect(calls.count).toBe(1);
    expect([...second.body]).toEqual([1, 2, 3]);
    expect([...gunzipSync(second.gzipped!)]).toEqual([1, 2, 3]);
    expect(second.gzipped).toBe(first.gzipped);
    expect(tiles.peek('k')?.etag).toBe('t1-abc');
    expect(tiles.peek('other')).toBeUndefined();
  });

  it('gzips small tiles on the event loop and large ones in the pool, to the same bytes once gunzipped', async () => {
    for (const size of [1, SYNC_GZIP_MAX_BYTES, SYNC_GZIP_MAX_BYTES + 1, 200_000]) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 7919) % 13);
      const entry = await tileEntry({ bytes, etag: 't-x' }, true);
      expect(gunzipSync(entry.gzipped!).equals(Buffer.from(bytes))).toBe(true);
      expect(entry.body.equals(Buffer.from(bytes))).toBe(true);
    }
    const empty = await tileEntry({ bytes: new Uint8Array(0), etag: 't-x' }, true);
    expect(empty.gzipped!.length).toBe(0);
  });

  it('when tiles do not compress (PNG), nothing is gzipped', async () => {
    const tiles = cache({ maxBytes: 1024 * 1024, gzip: false });
    expect((await tiles.get('png', maker([137, 80]).make)).gzipped).toBeUndefined();
  });

  it('when many ask for a tile not yet made, it is made once and all get it', async () => {
    const tiles = cache({ maxBytes: 1024 * 1024 });
    const { calls, make } = maker([4, 2]);
    const answers = await Promise.all(Array.from({ length: 10 }, () => tiles.get('burst', make)));
    expect(calls.count).toBe(1);
    expect(answers.every((a) => a.body.equals(Buffer.from([4, 2])))).toBe(true);
  });

  it('when making a tile fails, the failure is not kept: the next request makes it again', async () => {
    const tiles = cache({ maxBytes: 1024 * 1024 });
    await expect(tiles.get('flaky', async () => Promise.reject(new Error('database away')))).rejects.toThrow('database away');
    const { calls, make } = maker([1]);
    expect([...(await tiles.get('flaky', make)).body]).toEqual([1]);
    expect(calls.count).toBe(1);
  });

  it('keeps tiles within its byte budget, least recently used first out', async () => {
    const tiles = cache({ maxBytes: 3000, gzip: false });
    for (const name of ['a', 'b', 'c']) await tiles.get(name, maker(Buffer.alloc(900, name)).make);
    expect(tiles.bytes).toBeLessThanOrEqual(3000);
    tiles.peek('a');
    await tiles.get('d', maker(Buffer.alloc(900)).make);
    expect(tiles.peek('b')).toBeUndefined();
    expect(tiles.peek('a')?.body[0]).toBe('a'.charCodeAt(0));
  });

  it('when it is disabled (0 MiB), it keeps nothing, but still makes each tile', async () => {
    const tiles = cache({ maxBytes: 0 });
    expect(tiles.enabled).toBe(false);
    const { calls, make } = maker([7]);
    expect([...(await tiles.get('k', make)).body]).toEqual([7]);
    await tiles.get('k', make);
    expect(calls.count).toBe(2);
    expect(tiles.peek('k')).toBeUndefined();
  });

  it.skipIf(!redisAvailable)('when REDIS_URL is set, a second process gets the tile (and ETag) the first made; a new key is made anew', async () => {
    const key = `test-${randomUUID()}`;
    const one = cache({ maxBytes: 1024 * 1024, redisUrl: REDIS_URL });
    const two = cache({ maxBytes: 1024 * 1024, redisUrl: REDIS_URL });
    await Promise.all([one.ready(), two.ready()]);
    const { calls, make } = maker([9, 8, 7, 6], 't9-xyz');
    await one.get(key, make);
    // The write to Redis is not awaited by the request that made the tile.
    await one.flushed();
    const shared = await two.get(key, make);
    expect(calls.count).toBe(1);
    expect([...shared.body]).toEqual([9, 8, 7, 6]);
    expect(shared.etag).toBe('t9-xyz');
    const empty = maker([]);
    await one.get(`${key}-empty`, empty.make);
    await one.flushed();
    expect((await two.get(`${key}-empty`, empty.make)).body.length).toBe(0);
    expect(empty.calls.count).toBe(1);
    await two.get(`${key}-next-revision`, make);
    expect(calls.count).toBe(2);
  });

  it.skipIf(!redisAvailable)('shares an uncompressed tile (PNG) through Redis as it was made', async () => {
    const one = cache({ maxBytes: 1_000_000, redisUrl: REDIS_URL, gzip: false });
    const other = cache({ maxBytes: 1_000_000, redisUrl: REDIS_URL, gzip: false });
    await Promise.all([one.ready(), other.ready()]);
    const key = `test|${randomBytes(8).toString('hex')}`;
    const png = randomBytes(2048);
    await one.get(key, maker(png).make);
    await one.flushed();
    const again = maker([0]);
    expect((await other.get(key, again.make)).body.equals(png)).toBe(true);
    expect(again.calls.count).toBe(0);
  });

  it('when Redis does not answer, tiles are made and served all the same', async () => {
    const tiles = cache({ maxBytes: 1024 * 1024, redisUrl: 'redis://127.0.0.1:1' });
    const { calls, make } = maker([5]);
    expect([...(await tiles.get('k', make)).body]).toEqual([5]);
    expect(calls.count).toBe(1);
  });
});
