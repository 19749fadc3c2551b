import { randomUUID } from 'node:crypto';
import { createServer, createConnection, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit.js';
import { REDIS_URL, redisAnswers } from '../../test/support/redis.js';

const redisAvailable = await redisAnswers();
const LIMITS = { standard: 4, enterprise: 10, anonymous: 3, credentials: 3, mail_recipient: 3 };

/** A TCP proxy in front of Redis that can be frozen, as a Redis stopped with SIGSTOP or cut off by the network behaves. */
function freezableProxy(target: URL) {
  let frozen = false;
  const sockets: Socket[] = [];
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || 6379) });
    sockets.push(client, upstream);
    client.on('data', (chunk) => void (!frozen && upstream.write(chunk)));
    upstream.on('data', (chunk) => void (!frozen && client.write(chunk)));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  return {
    async start() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `redis://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    freeze: () => void (frozen = true),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.skipIf(!redisAvailable)('when Redis stops answering', () => {
  const proxy = freezableProxy(new URL(REDIS_URL));
  let url: string;
  beforeAll(async () => {
    url = await proxy.start();
  });
  afterAll(() => proxy.close());

  it('rate limits fail open to per-process counters instead of hanging the request', async () => {
    const limiter = createRateLimiter({ limits: LIMITS, redisUrl: url });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const key = `key:${randomUUID()}`;
      expect((await limiter.consume(key, 'standard')).remaining).toBe(3);
      proxy.freeze();
      // Each call would wait for a reply forever without a command timeout; the test's own timeout is the bound.
      const decisions = [];
      for (let i = 0; i < 5; i++) decisions.push(await limiter.consume(key, 'standard'));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, false]);
    } finally {
      await limiter.close();
    }
  }, 20_000);
});
