import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { pair, signedInUser, type TestUser } from '../../../test/support/accounts.js';
import { createLoginThrottle, type LoginLimits } from './login-throttle.js';
import { RateLimitedError } from '../errors.js';
import { REDIS_URL, redisAnswers } from '../../../test/support/redis.js';

const redisAvailable = await redisAnswers();

const tight: LoginLimits = {
  perAccountAndAddress: { failures: 2, windowSeconds: 1 },
  perAccount: { failures: 4, windowSeconds: 1 },
  perAddress: { failures: 6, windowSeconds: 1 },
};

describe('login throttle', () => {
  it('refuses after the failures of a window and forgets them when the window ends', async () => {
    const throttle = createLoginThrottle({ limits: tight });
    const attempt = { account: 'Ana@x.test', address: '10.0.0.1' };
    await throttle.failed(attempt);
    await throttle.failed({ ...attempt, account: 'ana@x.test' });
    await expect(throttle.check(attempt)).rejects.toBeInstanceOf(RateLimitedError);
    await expect(throttle.check({ ...attempt, address: '10.0.0.2' })).resolves.toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await expect(throttle.check(attempt)).resolves.toBeUndefined();
    await throttle.close();
  });

  it('clears an account’s counters on success but not the address’s', async () => {
    const throttle = createLoginThrottle({ limits: tight });
    const address = '10.0.0.3';
    for (let i = 0; i < 5; i += 1) await throttle.failed({ account: `user${i % 3}@x.test`, address });
    await throttle.succeeded({ account: 'user0@x.test', address });
    await expect(throttle.check({ account: 'user0@x.test', address })).resolves.toBeUndefined();
    await throttle.failed({ account: 'user9@x.test', address });
    await expect(throttle.check({ account: 'user0@x.test', address })).rejects.toBeInstanceOf(RateLimitedError);
    await throttle.close();
  });

  it.skipIf(!redisAvailable)('shares counters between processes through Redis', async () => {
    const limits: LoginLimits = { ...tight, perAccountAndAddress: { failures: 2, windowSeconds: 30 } };
    const one = createLoginThrottle({ redisUrl: REDIS_URL, limits });
    const two = createLoginThrottle({ redisUrl: REDIS_URL, limits });
    const attempt = { account: `${randomUUID()}@x.test`, address: '10.9.9.9' };
    // Commands sent before the connection is up go to the in-memory insurance limiter.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await one.failed(attempt);
    await two.failed(attempt);
    await expect(one.check(attempt)).rejects.toBeInstanceOf(RateLimitedError);
    await expect(two.check(attempt)).rejects.toBeInstanceOf(RateLimitedError);
    await one.close();
    await two.close();
  });
});

describe('brute force over HTTP', () => {
  let ctx: TestContext;
  let victim: TestUser;
  beforeAll(async () => {
    ctx = await createTestContext();
    victim = await signedInUser(ctx, 'victim@x.test');
  });
  afterAll(() => ctx?.close());

  it('refuses a sixth guess for one account from one address with 429, even the right password', async () => {
    for (let i = 0; i < 5; i += 1) expect((await pair(ctx, victim.email, `guess-${i}`, '203.0.113.7')).statusCode).toBe(401);
    const refused = await pair(ctx, victim.email, victim.password, '203.0.113.7');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(800);
    expect(refused.json()).toEqual({ detail: expect.stringMatching(/^Too many requests/), code: 'RATE_LIMITED' });
    const legacy = await ctx.request({ method: 'POST', url: '/v1/auth/token', payload: { email: victim.email, password: victim.password }, remoteAddress: '203.0.113.7' });
    expect(legacy.statusCode).toBe(429);

    // The owner, elsewhere, still signs in: the account is slowed, not locked.
    expect((await pair(ctx, victim.email, victim.password, '198.51.100.1')).statusCode).toBe(200);
  });

  it('refuses an address spraying many accounts', async () => {
    const address = '192.0.2.44';
    let refusedAt = -1;
    for (let i = 0; i < 55 && refusedAt < 0; i += 1) {
      if ((await pair(ctx, `sprayed-${i}@x.test`, 'Summer2026!', address)).statusCode === 429) refusedAt = i;
    }
    expect(refusedAt).toBe(50);
    expect((await pair(ctx, victim.email, victim.password, address)).statusCode).toBe(429);
  });

  it('counts wrong old passwords in change_password against the same budget', async () => {
    const user = await signedInUser(ctx, 'changer@x.test');
    const change = () =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/v1/account/change_password',
        headers: { authorization: `Bearer ${user.access}` },
        remoteAddress: '203.0.113.99',
        payload: { old_password: 'wrong-guess', new_password1: 'Brand-New-77', new_password2: 'Brand-New-77' },
      });
    for (let i = 0; i < 5; i += 1) expect((await change()).statusCode).toBe(403);
    expect((await change()).statusCode).toBe(429);
  });
});
