import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { REDIS_URL, redisAnswers } from '../../../../test/support/redis.js';
import { TileCache } from './tile-cache.js';

const redisAvailable = await redisAnswers();
const caches: TileCache[] = [];
const cache = (options: ConstructorParameters<typeof TileCache>[0]) => {
  const made = new TileCache(options);
  caches.push(made);
  return made;
};
afterEach(() => caches.splice(0).forEach((c) => c.close()));

/** Counts how often a tile is made. */
function maker(bytes: number[]) {
  const calls = { count: 0 };
  return { calls, make: async () => ((calls.count += 1), new Uint8Array(bytes)) };
}

describe('tile cache', () => {
  it('when a key is asked again, the tile is not made again; gzipped once, when made', async () => {
    const tiles = cache({ maxBytes: 1024 * 1024 });
    const { calls, make } = maker([1, 2, 3]);
    const first = await tiles.get('k', make);
    const second = await tiles.get('k', make);
    expect(calls.count).toBe(1);
    expect([...second.raw]).toEqual([1, 2, 3]);
    expect(second.gzipped).toBe(first.gzipped);
  });

  it('when many ask for a tile not yet made, it is made once and all get it', async () => {
    const tiles = cache({ maxBytes: 1024 * 1024 });
    const { calls, make } = maker([4, 2]);
    const answers = await Promise.all(Array.from({ length: 10 }, () => tiles.get('burst', make)));
    expect(calls.count).toBe(1);
    expect(answers.every((a) => a.raw.equals(Buffer.from([4, 2])))).toBe(true);
  });

  it('when making a tile fails, the failure is not kept: the next request makes it again', async () => {
    const tiles = cache({ maxBytes: 1024 * 1024 });
    await expect(tiles.get('flaky', async () => Promise.reject(new Error('database away')))).rejects.toThrow('database away');
    const { calls, make } = maker([1]);
    expect([...(await tiles.get('flaky', make)).raw]).toEqual([1]);
    expect(calls.count).toBe(1);
  });

  it('when it is disabled (0 MiB), it keeps nothing', async () => {
    const tiles = cache({ maxBytes: 0 });
    expect(tiles.enabled).toBe(false);
  });

  it.skipIf(!redisAvailable)('when REDIS_URL is set, a second process gets the tile the first made; a new key (revision) is made anew', async () => {
    const key = `test-${randomUUID()}`;
    const one = cache({ maxBytes: 1024 * 1024, redisUrl: REDIS_URL });
    const two = cache({ maxBytes: 1024 * 1024, redisUrl: REDIS_URL });
    await Promise.all([one.ready(), two.ready()]);
    const { calls, make } = maker([9, 8, 7, 6]);
    await one.get(key, make);
    // The write to Redis is not awaited by the request that made the tile.
    await one.flushed();
    const shared = await two.get(key, make);
    expect(calls.count).toBe(1);
    expect([...shared.raw]).toEqual([9, 8, 7, 6]);
    const empty = maker([]);
    await one.get(`${key}-empty`, empty.make);
    await one.flushed();
    expect((await two.get(`${key}-empty`, empty.make)).raw.length).toBe(0);
    expect(empty.calls.count).toBe(1);
    await two.get(`${key}-next-revision`, make);
    expect(calls.count).toBe(2);
  });

  it('when Redis does not answer, tiles are made and served all the same', async () => {
    const tiles = cache({ maxBytes: 1024 * 1024, redisUrl: 'redis://127.0.0.1:1' });
    const { calls, make } = maker([5]);
    expect([...(await tiles.get('k', make)).raw]).toEqual([5]);
    expect(calls.count).toBe(1);
  });
});
