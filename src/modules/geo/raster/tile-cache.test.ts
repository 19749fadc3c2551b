import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { REDIS_URL, redisAnswers } from '../../../../test/support/redis.js';
import { TileCache } from './tile-cache.js';

const redisAvailable = await redisAnswers();

describe('tile cache', () => {
  it('keeps tiles within its byte budget, least recently used first out', async () => {
    const cache = new TileCache({ maxBytes: 3000 });
    for (const name of ['a', 'b', 'c']) await cache.set(name, Buffer.alloc(900, name));
    expect(cache.bytes).toBeLessThanOrEqual(3000);
    await cache.get('a');
    await cache.set('d', Buffer.alloc(900));
    expect(await cache.get('b')).toBeUndefined();
    expect((await cache.get('a'))?.[0]).toBe('a'.charCodeAt(0));
    expect(await new TileCache({ maxBytes: 0 }).get('a')).toBeUndefined();
  });

  it.runIf(redisAvailable)('shares what one process rendered with another through Redis', async () => {
    const one = new TileCache({ maxBytes: 1_000_000, redisUrl: REDIS_URL });
    const other = new TileCache({ maxBytes: 1_000_000, redisUrl: REDIS_URL });
    try {
      await Promise.all([one.ready(), other.ready()]);
      const key = `test|${randomBytes(8).toString('hex')}`;
      const png = randomBytes(2048);
      await one.set(key, png);
      expect((await other.get(key))?.equals(png)).toBe(true);
    } finally {
      one.close();
      other.close();
    }
  });

  it('answers from memory when Redis does not answer', async () => {
    const cache = new TileCache({ maxBytes: 1_000_000, redisUrl: 'redis://127.0.0.1:1' });
    await cache.set('k', Buffer.from('png'));
    expect((await cache.get('k'))?.toString()).toBe('png');
    expect(await cache.get('missing')).toBeUndefined();
    cache.close();
  });
});
