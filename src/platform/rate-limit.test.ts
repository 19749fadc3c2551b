import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../test/support/test-app.js';
import { createRateLimiter } from './rate-limit.js';
import { REDIS_URL, redisAnswers } from '../../test/support/redis.js';

const redisAvailable = await redisAnswers();
const LIMITS = { standard: 4, enterprise: 10, anonymous: 3, credentials: 3, mail_recipient: 3 };

describe('rate limits over HTTP', () => {
  let ctx: TestContext;
  let org: TestOrganization;

  beforeAll(async () => {
    ctx = await createTestContext({
      RATE_LIMIT_STANDARD: '3',
      RATE_LIMIT_ENTERPRISE: '5',
      RATE_LIMIT_ANONYMOUS: '2',
      RATE_LIMIT_CREDENTIALS: '2',
      RATE_LIMIT_MAIL_PER_RECIPIENT: '2',
    });
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

  it('exempts the health probes, which orchestrators call often from one address', async () => {
    for (let i = 0; i < 5; i++) {
      for (const url of ['/healthz', '/readyz']) {
        const response = await ctx.request({ method: 'GET', url, remoteAddress: '192.0.2.1' });
        expect(response.statusCode).toBe(200);
        expect(response.headers['x-ratelimit-limit']).toBeUndefined();
      }
    }
  });

  const email = () => `${randomUUID()}@example.com`;
  let addresses = 0;
  const freshAddress = () => `198.18.0.${++addresses}`;
  it.each<[string, 'GET' | 'POST', () => object | undefined]>([
    ['sign-in', 'POST', () => ({ email: email(), password: 'x' })],
    ['refresh', 'POST', () => ({ refresh_token: 'x' })],
    ['/api/v1/token/pair', 'POST', () => ({ email: email(), password: 'x' })],
    ['/api/v1/token/refresh', 'POST', () => ({ refresh: 'x' })],
    ['/api/v1/token/verify', 'POST', () => ({ token: 'x' })],
    ['/api/v1/account/register', 'POST', () => ({ email: 'x' })],
    ['/api/v1/account/register_verify', 'POST', () => ({ uidb64: 'MQ', token: 'x' })],
    ['/api/v1/account/request_password_reset', 'POST', () => ({ email: email() })],
    ['/api/v1/account/reset_password', 'POST', () => ({ uidb64: 'MQ', token: 'x', new_password1: 'x', new_password2: 'x' })],
    ['/api/v1/account/oauth/state', 'GET', () => undefined],
    ['/api/v1/account/oauth', 'POST', () => ({ id_token: 'a.b.c', state: 's', session_state: 's' })],
  ])('counts %s, which takes no credentials, against the stricter per-address budget', async (route, method, payload) => {
    const url = { 'sign-in': '/v1/auth/token', refresh: '/v1/auth/refresh' }[route] ?? route;
    const call = (remoteAddress: string) => ctx.request({ method, url, remoteAddress, payload: payload() });
    const address = freshAddress();
    const first = await call(address);
    expect([first.headers['x-ratelimit-limit'], first.headers['x-ratelimit-remaining']]).toEqual(['2', '1']);
    await call(address);
    const limited = await call(address);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const elsewhere = await call(freshAddress());
    expect(elsewhere.headers['x-ratelimit-remaining']).toBe('1');
  });

  it("answers a credential route's 429 in its family's format", async () => {
    const signIn = () => ctx.request({ method: 'POST', url: '/v1/auth/token', remoteAddress: '192.0.2.20', payload: { email: 'a@b.test', password: 'x' } });
    await signIn();
    await signIn();
    expect((await signIn()).json()).toEqual({ code: 'RATE_LIMITED', message: expect.stringMatching(/^Too many requests/) });
    const pair = () => ctx.request({ method: 'POST', url: '/api/v1/token/pair', remoteAddress: '192.0.2.21', payload: { email: 'a@b.test', password: 'x' } });
    await pair();
    await pair();
    expect((await pair()).json()).toEqual({ detail: expect.stringMatching(/^Too many requests/), code: 'RATE_LIMITED' });
  });

  it('bounds the mail one recipient gets per hour, whichever addresses ask and however the address is spelt', async () => {
    const reset = (email: string, remoteAddress: string) =>
      ctx.request({ method: 'POST', url: '/api/v1/account/request_password_reset', remoteAddress, payload: { email } });
    expect((await reset('victim@example.com', '192.0.2.40')).statusCode).toBe(204);
    expect((await reset(' Victim@Example.com', '192.0.2.41')).statusCode).toBe(204);
    const limited = await reset('victim@example.com', '192.0.2.42');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({ detail: expect.stringMatching(/^Too many requests/), code: 'RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(60);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(3600);
    const register = await ctx.request({
      method: 'POST',
      url: '/api/v1/account/register',
      remoteAddress: '192.0.2.43',
      payload: { email: 'victim@example.com', password1: 'x', password2: 'x', first_name: 'V', last_name: 'W' },
    });
    expect(register.statusCode).toBe(429);
    expect((await reset('someone-else@example.com', '192.0.2.42')).statusCode).toBe(204);
  });

  it('charges the mail budget only for calls that mail: registrations refused for their form do not use it up', async () => {
    const register = (password: string, remoteAddress: string) =>
      ctx.request({
        method: 'POST',
        url: '/api/v1/account/register',
        remoteAddress,
        payload: { email: 'fumbler@example.com', password1: password, password2: password, first_name: 'F', last_name: 'G' },
      });
    for (const remoteAddress of ['192.0.2.60', '192.0.2.61', '192.0.2.62']) {
      const weak = await register('12345678', remoteAddress);
      expect(weak.statusCode).toBe(403);
      expect(weak.json().errors.password1).toContain('This password is entirely numeric.');
    }
    expect((await register('Sturdy-Pass-93', '192.0.2.63')).statusCode).toBe(204);
  });

  it('counts unknown paths and wrong API keys against the anonymous budget of the address', async () => {
    const unknown = () => ctx.request({ method: 'GET', url: '/v1/no-such-thing', remoteAddress: '192.0.2.50' });
    const first = await unknown();
    expect(first.statusCode).toBe(404);
    expect(first.headers['x-ratelimit-limit']).toBe('2');
    await unknown();
    expect((await unknown()).statusCode).toBe(429);

    const guess = () => ctx.request({ method: 'GET', url: '/v1/facilities', key: `ca_${randomUUID()}`, remoteAddress: '192.0.2.51' });
    expect((await guess()).statusCode).toBe(401);
    expect((await guess()).statusCode).toBe(401);
    expect((await guess()).statusCode).toBe(429);
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
    const first = createRateLimiter({ limits: LIMITS, redisUrl: REDIS_URL });
    const second = createRateLimiter({ limits: LIMITS, redisUrl: REDIS_URL });
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
