import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../test/support/test-app.js';
import { createRateLimiter } from './rate-limit.js';
import { REDIS_URL, redisAnswers } from '../../test/support/redis.js';

const redisAvailable = await redisAnswers();

describe('rate limits over HTTP', () => {
  let ctx: TestContext;
  let org: TestOrganization;

  beforeAll(async () => {
    ctx = await createTestContext({ RATE_LIMIT_STANDARD: '3', RATE_LIMIT_ENTERPRISE: '5', RATE_LIMIT_ANONYMOUS: '2' });
    org = await ctx.organization('Busy');
  });
  afterAll(() => ctx?.close());

  it('counts down X-RateLimit-Remaining with the tier limit and a reset time in epoch seconds', async () => {
    const key = await org.key(['facilities:read'], 'standard');
    const before = Math.floor(Date.now() / 1000);
    const responses = [];
    for (let i = 0; i < 3; i++) responses.push(await ctx.request({ method: 'GET', url: '/v1/facilities', key }));
    // The window opens at the first counted request, somewhere between `before` and now.
    const afterFirst = Math.ceil(Date.now() / 1000);
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(responses.map((r) => r.headers['x-ratelimit-limit'])).toEqual(['3', '3', '3']);
    expect(responses.map((r) => r.headers['x-ratelimit-remaining'])).toEqual(['2', '1', '0']);
    const reset = Number(responses[0]!.headers['x-ratelimit-reset']);
    expect(reset).toBeGreaterThanOrEqual(before);
    expect(reset).toBeLessThanOrEqual(afterFirst + 60);
  });

  it("answers 429 RATE_LIMITED with Retry-After once the budget is spent, in the route family's format", async () => {
    const key = await org.key(['facilities:read'], 'standard');
    for (let i = 0; i < 3; i++) await ctx.request({ method: 'GET', url: '/v1/facilities', key });
    const limited = await ctx.request({ method: 'GET', url: '/v1/facilities', key });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({ code: 'RATE_LIMITED', detail: expect.stringMatching(/^Too many requests/) });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    const platform = await ctx.request({ method: 'GET', url: '/v1/whoami', key });
    expect(platform.json()).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('gives each API key its own budget and enterprise keys the larger one', async () => {
    const enterprise = await org.key(['facilities:read'], 'enterprise');
    const response = await ctx.request({ method: 'GET', url: '/v1/facilities', key: enterprise });
    expect(response.headers['x-ratelimit-limit']).toBe('5');
    expect(response.headers['x-ratelimit-remaining']).toBe('4');
  });

  it('sends no rate headers on routes without authentication, such as the health check', async () => {
    const response = await ctx.request({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-ratelimit-limit']).toBeUndefined();
  });

  it('gives anonymous public reads a budget per client address, apart from any credential', async () => {
    const url = '/api/v1/catalog/plumes/annotated?limit=1';
    const from = (remoteAddress: string) => ctx.request({ method: 'GET', url, remoteAddress });
    const first = await from('203.0.113.7');
    expect(first.statusCode).toBe(200);
    expect([first.headers['x-ratelimit-limit'], first.headers['x-ratelimit-remaining']]).toEqual(['2', '1']);
    expect((await from('203.0.113.7')).statusCode).toBe(200);
    const limited = await from('203.0.113.7');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({ detail: expect.stringMatching(/^Too many requests/), code: 'RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    expect((await from('198.51.100.2')).statusCode).toBe(200);
    const key = await org.key(['catalog:read']);
    const withKey = await ctx.request({ method: 'GET', url, key, remoteAddress: '203.0.113.7' });
    expect(withKey.statusCode).toBe(200);
    expect(withKey.headers['x-ratelimit-limit']).toBe('3');
  });
});

describe.skipIf(!redisAvailable)('rate limits shared through Redis', () => {
  it('makes two processes (two limiters) spend one budget per key', async () => {
    const first = createRateLimiter({ limits: { standard: 4, enterprise: 10, anonymous: 3 }, redisUrl: REDIS_URL });
    const second = createRateLimiter({ limits: { standard: 4, enterprise: 10, anonymous: 3 }, redisUrl: REDIS_URL });
    await new Promise((resolve) => setTimeout(resolve, 200));
    try {
      expect(first.store).toBe('redis');
      const key = `key:${randomUUID()}`;
      const decisions = [];
      for (let i = 0; i < 5; i++) decisions.push(await (i % 2 ? second : first).consume(key, 'standard'));
      expect(decisions.map((d) => d.remaining)).toEqual([3, 2, 1, 0, 0]);
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, false]);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('serves HTTP requests with counters in Redis', async () => {
    const ctx = await createTestContext({ RATE_LIMIT_STANDARD: '2', REDIS_URL });
    try {
      const org = await ctx.organization('Redis Co');
      const key = await org.key(['facilities:read']);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await ctx.request({ method: 'GET', url: '/v1/facilities', key })).statusCode);
      expect(codes).toEqual([200, 200, 429]);
    } finally {
      await ctx.close();
    }
  });
});
