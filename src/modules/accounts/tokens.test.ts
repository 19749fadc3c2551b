import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import { asUser, pair, signedInUser, type TestUser } from '../../../test/support/accounts.js';

let ctx: TestContext;
let acme: TestOrganization;
let ana: TestUser;
let bo: TestUser;

beforeAll(async () => {
  ctx = await createTestContext();
  acme = await ctx.organization('Acme');
  ana = await signedInUser(ctx, 'ana@acme.test', { organization: { id: acme.id, role: 'member' } });
  bo = await signedInUser(ctx, 'bo@public.test');
});
afterAll(() => ctx?.close());

const refresh = (token: string) => ctx.request({ method: 'POST', url: '/api/v1/token/refresh', payload: { refresh: token } });
const verify = (token: string) => ctx.request({ method: 'POST', url: '/api/v1/token/verify', payload: { token } });

describe('POST /api/v1/token/pair', () => {
  it("answers the pair, the user's groups and the access token's permissions", async () => {
    const response = await pair(ctx, 'ANA@acme.test', ana.password);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['access', 'groups', 'permissions', 'refresh']);
    expect(body.groups).toBe('users');
    expect(body.permissions).toContain('facilities:write');
    expect(body.permissions).toContain('account:write');
    expect(body.permissions).not.toContain('organization:admin');
  });

  it('answers 401 alike for a wrong password and an unknown e-mail, and 422 for a missing field', async () => {
    const wrong = await pair(ctx, ana.email, 'not the password');
    const unknown = await pair(ctx, 'ghost@acme.test', 'not the password');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json()).toEqual({ detail: 'No active account found with the given credentials.', code: 'UNAUTHORIZED' });
    expect((await ctx.request({ method: 'POST', url: '/api/v1/token/pair', payload: { email: ana.email } })).statusCode).toBe(422);
  });
});

describe('POST /api/v1/token/refresh', () => {
  it('rotates: a refresh token works once, and reusing it revokes its whole family', async () => {
    const first = (await pair(ctx, bo.email, bo.password)).json();
    const second = await refresh(first.refresh);
    expect(second.statusCode).toBe(200);
    expect(Object.keys(second.json()).sort()).toEqual(['access', 'refresh']);
    const third = await refresh(second.json().refresh);
    expect(third.statusCode).toBe(200);

    const reuse = await refresh(first.refresh);
    expect(reuse.statusCode).toBe(401);
    expect((await refresh(third.json().refresh)).statusCode).toBe(401);
  });

  it('refuses forged, expired and access tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = (typ: string, times: { iat: number; exp: number }, secret: string) =>
      new SignJWT({ typ, fam: crypto.randomUUID() })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('carbon-atlas')
        .setAudience('carbon-atlas')
        .setSubject(bo.id)
        .setJti(crypto.randomUUID())
        .setIssuedAt(times.iat)
        .setExpirationTime(times.exp)
        .sign(new TextEncoder().encode(secret));
    const forged = await jwt('refresh', { iat: now, exp: now + 3600 }, 'x'.repeat(64));
    expect((await refresh(forged)).statusCode).toBe(401);
    const expired = await jwt('access', { iat: now - 7200, exp: now - 3600 }, ctx.config.JWT_SECRET!);
    expect((await verify(expired)).statusCode).toBe(401);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/account/me', headers: asUser(expired) })).statusCode).toBe(401);
    expect((await refresh(bo.access)).statusCode).toBe(401);
    expect((await refresh('')).statusCode).toBe(422);
  });
});

describe('POST /api/v1/token/verify', () => {
  it('answers {} for live access and refresh tokens and 401 otherwise', async () => {
    const live = (await pair(ctx, bo.email, bo.password)).json();
    expect((await verify(live.access)).json()).toEqual({});
    expect((await verify(live.refresh)).statusCode).toBe(200);
    await refresh(live.refresh);
    expect((await verify(live.refresh)).statusCode).toBe(401);
    const tampered = `${live.access.slice(0, -4)}AAAA`;
    expect((await verify(tampered)).statusCode).toBe(401);
    expect((await verify('not-a-token')).json()).toEqual({ detail: 'Token is invalid or expired', code: 'UNAUTHORIZED' });
  });
});

describe('STAC tokens', () => {
  async function createStac(user: TestUser, payload: object = { name: 'QGIS', expiration_date: null }) {
    return ctx.request({ method: 'POST', url: '/api/v1/account/tokens/create-stac', headers: asUser(user.access), payload });
  }

  it('creates a named, expiring token with the page fields; lists never show its value', async () => {
    const date = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const response = await createStac(ana, { name: 'QGIS laptop', expiration_date: date });
    expect(response.statusCode).toBe(200);
    const created = response.json();
    expect(created.token_type).toBe('stac');
    expect(created.token_value.split('.')).toHaveLength(3);
    expect(created.token_object).toMatchObject({
      user: ana.number,
      token_type: 'stac',
      scope: 'stac:read catalog:read',
      groups: 'users',
      organizations: acme.id,
      all_group_names: { platform: ['users'], [acme.id]: ['member'] },
      name: 'QGIS laptop',
    });
    expect(created.token_object.exp).toBe(Date.parse(`${date}T00:00:00Z`) / 1000 + 86_400);

    const listed = await ctx.request({ method: 'GET', url: '/api/v1/account/tokens', headers: asUser(ana.access) });
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toEqual([expect.objectContaining({ jti: created.token_object.jti, name: 'QGIS laptop' })]);
    expect(listed.body).not.toContain(created.token_value);
    expect(listed.body).not.toContain('token_value');
  });

  it('reads the catalog only: every write and every account page is refused', async () => {
    const { token_value: stac } = (await createStac(ana)).json();
    const whoami = await ctx.request({ method: 'GET', url: '/v1/whoami', headers: asUser(stac) });
    expect(whoami.json()).toMatchObject({ credential: 'stac_token', scopes: ['catalog:read', 'stac:read'] });
    const attempts = [
      { method: 'PATCH', url: '/api/v1/account/me', payload: { title: 'hacked' } },
      { method: 'GET', url: '/api/v1/account/me' },
      { method: 'POST', url: '/api/v1/account/tokens/create-stac', payload: {} },
      { method: 'POST', url: '/api/v1/account/search-request', payload: { name: 'x' } },
      { method: 'POST', url: '/api/v1/account/change_password', payload: { old_password: ana.password, new_password1: 'Brand-New-77', new_password2: 'Brand-New-77' } },
      { method: 'POST', url: '/v1/facilities', payload: { name: 'x' } },
      { method: 'GET', url: '/v1/facilities' },
      { method: 'POST', url: '/v1/api-keys', payload: { name: 'x', scopes: ['facilities:read'] } },
    ] as const;
    for (const attempt of attempts) {
      const response = await ctx.request({ ...attempt, headers: asUser(stac) });
      expect(response.statusCode, `${attempt.method} ${attempt.url}`).toBe(403);
    }
    expect((await refresh(stac)).statusCode).toBe(401);
  });

  it('revokes a token so it stops working, and never another user’s', async () => {
    const created = (await createStac(ana)).json();
    const revoke = (user: TestUser) =>
      ctx.request({ method: 'DELETE', url: `/api/v1/account/tokens/${created.token_object.jti}`, headers: asUser(user.access) });
    expect((await verify(created.token_value)).statusCode).toBe(200);
    expect((await revoke(bo)).statusCode).toBe(404);
    expect((await revoke(ana)).statusCode).toBe(204);
    expect((await verify(created.token_value)).statusCode).toBe(401);
    expect((await ctx.request({ method: 'GET', url: '/v1/whoami', headers: asUser(created.token_value) })).statusCode).toBe(401);
    expect((await revoke(ana)).statusCode).toBe(404);
  });

  it('ends every STAC token of a user whose password changes', async () => {
    const user = await signedInUser(ctx, 'rotator@public.test');
    const { token_value: stac } = (await createStac(user)).json();
    const whoami = () => ctx.request({ method: 'GET', url: '/v1/whoami', headers: asUser(stac) });
    expect((await whoami()).statusCode).toBe(200);

    const payload = { old_password: user.password, new_password1: 'Brand-New-77', new_password2: 'Brand-New-77' };
    expect((await ctx.request({ method: 'POST', url: '/api/v1/account/change_password', headers: asUser(user.access), payload })).statusCode).toBe(204);
    expect((await whoami()).statusCode).toBe(401);
    expect((await verify(stac)).statusCode).toBe(401);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/account/tokens', headers: asUser(user.access) })).json()).toEqual([]);
  });

  it('refuses past or far-future expiration dates, API keys and anonymous callers', async () => {
    expect((await createStac(ana, { expiration_date: '2020-01-01' })).statusCode).toBe(422);
    expect((await createStac(ana, { expiration_date: '2999-01-01' })).statusCode).toBe(422);
    expect((await createStac(ana, { expiration_date: 'soon' })).statusCode).toBe(422);
    const key = await acme.key();
    expect((await ctx.request({ method: 'POST', url: '/api/v1/account/tokens/create-stac', key, payload: {} })).statusCode).toBe(403);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/account/tokens' })).statusCode).toBe(401);
  });
});
