import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sql from 'sql-template-tag';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { asUser, GOOD_PASSWORD, lastLink, pair, resetRequestsHandled, signedInUser } from '../../../test/support/accounts.js';
import { listMail } from '../../platform/mail/outbox.js';
import type { Queryable } from '../../platform/db/database.js';
import { requestPasswordReset } from './registration.service.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ PUBLIC_URL: 'https://atlas.example.org' });
});
afterAll(() => ctx?.close());

const registration = (overrides: Record<string, unknown> = {}) => ({
  email: 'user@domain.com',
  password1: GOOD_PASSWORD,
  password2: GOOD_PASSWORD,
  first_name: 'John',
  last_name: 'Doe',
  organization: 'Acme Research',
  title: 'Analyst',
  industry: 'academic',
  usage: 'personal-research',
  notes: 'found you at a conference',
  ...overrides,
});

function register(payload: Record<string, unknown>) {
  return ctx.request({ method: 'POST', url: '/api/v1/account/register', payload });
}

describe('POST /api/v1/account/register and register_verify', () => {
  it('registers with the page example, mails a link, and activates the account with it', async () => {
    const response = await register(registration());
    expect(response.statusCode).toBe(204);

    const link = await lastLink(ctx, 'user@domain.com');
    expect(link.subject).toBe('Confirm your Carbon Atlas account');
    const [message] = await listMail(ctx.db, { to: 'user@domain.com' });
    expect(message!.body_text).toContain('https://atlas.example.org/account/verify?uidb64=');

    const before = await pair(ctx, 'user@domain.com', GOOD_PASSWORD);
    expect(before.statusCode).toBe(403);
    expect(before.json().detail).toMatch(/verify your e-mail/i);

    expect((await ctx.request({ method: 'POST', url: '/api/v1/account/register_verify', payload: link })).statusCode).toBe(204);
    const signedIn = await pair(ctx, 'user@domain.com', GOOD_PASSWORD);
    expect(signedIn.statusCode).toBe(200);
    const tokens = signedIn.json();
    expect(tokens.groups).toBe('users');
    expect(tokens.permissions).toEqual(['account:read', 'account:write', 'catalog:read', 'stac:read']);

    const me = await ctx.request({ method: 'GET', url: '/api/v1/account/me', headers: asUser(tokens.access) });
    expect(me.json()).toMatchObject({
      label: 'John Doe',
      email: 'user@domain.com',
      first_name: 'John',
      last_name: 'Doe',
      organization: 'Acme Research',
      title: 'Analyst',
      industry: 'academic',
      usage: 'personal-research',
      notes: 'found you at a conference',
      organizations: [],
      groups: { platform: ['users'] },
      is_staff: false,
      is_superuser: false,
    });
    expect(me.json().id).toEqual(expect.any(Number));
  });

  it('refuses a verification link twice, forged, or for another user', async () => {
    await register(registration({ email: 'twice@domain.com' }));
    const link = await lastLink(ctx, 'twice@domain.com');
    const verify = (payload: object) => ctx.request({ method: 'POST', url: '/api/v1/account/register_verify', payload });

    const forged = await verify({ ...link, token: 'A'.repeat(43) });
    expect(forged.statusCode).toBe(403);
    expect(forged.json()).toEqual({ errors: { token: ['The link is invalid or has expired.'] } });
    expect((await verify({ ...link, uidb64: Buffer.from('1').toString('base64url') })).statusCode).toBe(403);
    expect((await verify({ ...link, uidb64: '!!' })).statusCode).toBe(403);
    expect((await verify(link)).statusCode).toBe(204);
    expect((await verify(link)).statusCode).toBe(403);
  });

  it('refuses an expired verification link', async () => {
    await register(registration({ email: 'late@domain.com' }));
    const link = await lastLink(ctx, 'late@domain.com');
    await ctx.db.query(sql`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`);
    expect((await ctx.request({ method: 'POST', url: '/api/v1/account/register_verify', payload: link })).statusCode).toBe(403);
  });

  it.each([
    ['too short', { password1: 'x7#kQ2', password2: 'x7#kQ2' }, { password1: ['This password is too short. It must contain at least 8 characters.'] }],
    ['common', { password1: 'Password1', password2: 'Password1' }, { password1: ['This password is too common.'] }],
    ['numeric', { password1: '4815162342917', password2: '4815162342917' }, { password1: ['This password is entirely numeric.'] }],
    ['similar to the e-mail', { email: 'margarethamilton@nasa.test', password1: 'margarethamilton', password2: 'margarethamilton' }, { password1: ['The password is too similar to the email address.'] }],
    ['similar to the last name', { last_name: 'Featherstonehaugh', password1: 'Featherstonehaugh1', password2: 'Featherstonehaugh1' }, { password1: ['The password is too similar to the last name.'] }],
    ['not repeated', { password2: 'something-else-9' }, { password2: ['The two password fields didn’t match.'] }],
    ['a bad address', { email: 'not-an-address' }, { email: ['Enter a valid email address.'] }],
  ])('answers 403 {errors} for a password or address that is %s', async (_, overrides, errors) => {
    const response = await register(registration({ email: `rule-${Math.random().toString(36).slice(2)}@domain.com`, ...overrides }));
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ errors });
  });

  it('tells only register itself that an e-mail is taken', async () => {
    await signedInUser(ctx, 'taken@domain.com');
    const response = await register(registration({ email: 'TAKEN@domain.com' }));
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ errors: { email: ['A user with that email already exists.'] } });
  });

  it('answers 422 in the platform format for a missing field or a wrong enum', async () => {
    const { first_name: _, ...missing } = registration({ email: 'missing@domain.com' });
    const response = await register(missing);
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ detail: [{ type: 'missing', loc: ['body', 'first_name'], msg: 'Field required' }] });
    expect((await register(registration({ email: 'enum@domain.com', industry: 'mining' }))).statusCode).toBe(422);
  });
});

describe('password reset', () => {
  it('answers the same for registered and unknown addresses, mailing only the owner', async () => {
    await signedInUser(ctx, 'forgetful@domain.com');
    const request = (email: string) => ctx.request({ method: 'POST', url: '/api/v1/account/request_password_reset', payload: { email } });
    const known = await request('forgetful@domain.com');
    const unknown = await request('nobody@domain.com');
    expect(known.statusCode).toBe(204);
    expect(unknown.statusCode).toBe(204);
    expect(known.body).toBe(unknown.body);
    expect((await lastLink(ctx, 'forgetful@domain.com')).subject).toBe('Reset your Carbon Atlas password');
    expect(await listMail(ctx.db, { to: 'nobody@domain.com' })).toEqual([]);
  });

  it('does the same work on the request path for registered and unknown addresses (the lookup happens in a worker)', async () => {
    await signedInUser(ctx, 'timed@domain.com');
    const statementsFor = async (email: string) => {
      const statements: string[] = [];
      const recording: Queryable = { query: (statement) => (statements.push(statement.sql), ctx.db.query(statement)) };
      await requestPasswordReset(recording, email);
      return statements;
    };
    const known = await statementsFor('timed@domain.com');
    const unknown = await statementsFor('nobody-at-all@domain.com');
    expect(known.length).toBeGreaterThan(0);
    expect(unknown).toEqual(known);
    await resetRequestsHandled(ctx);
    expect(await listMail(ctx.db, { to: 'timed@domain.com' })).toHaveLength(1);
    expect(await listMail(ctx.db, { to: 'nobody-at-all@domain.com' })).toEqual([]);
  });

  it('resets with the link: 422 on a rule, then success ends every old session', async () => {
    const user = await signedInUser(ctx, 'reset@domain.com');
    const createStac = await ctx.request({ method: 'POST', url: '/api/v1/account/tokens/create-stac', headers: asUser(user.access), payload: {} });
    const stac: string = createStac.json().token_value;
    await ctx.request({ method: 'POST', url: '/api/v1/account/request_password_reset', payload: { email: user.email } });
    const link = await lastLink(ctx, user.email);
    const reset = (new_password1: string, new_password2 = new_password1) =>
      ctx.request({ method: 'POST', url: '/api/v1/account/reset_password', payload: { ...link, new_password1, new_password2 } });

    const weak = await reset('12345678');
    expect(weak.statusCode).toBe(422);
    expect(weak.json()).toEqual({ errors: { new_password1: ['This password is too common.', 'This password is entirely numeric.'] } });
    expect((await reset('Fresh-Start-42', 'Fresh-Start-43')).json()).toEqual({ errors: { new_password2: ['The two password fields didn’t match.'] } });

    const done = await reset('Fresh-Start-42');
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ id: user.number, email: user.email });
    expect((await reset('Another-Start-42')).statusCode).toBe(403);
    expect((await ctx.request({ method: 'POST', url: '/api/v1/token/verify', payload: { token: stac } })).statusCode).toBe(401);

    expect((await ctx.request({ method: 'GET', url: '/api/v1/account/me', headers: asUser(user.access) })).statusCode).toBe(401);
    expect((await ctx.request({ method: 'POST', url: '/api/v1/token/refresh', payload: { refresh: user.refresh } })).statusCode).toBe(401);
    expect((await pair(ctx, user.email, user.password)).statusCode).toBe(401);
    const fresh = await pair(ctx, user.email, 'Fresh-Start-42');
    expect(fresh.statusCode).toBe(200);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/account/me', headers: asUser(fresh.json().access) })).statusCode).toBe(200);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/account/tokens', headers: asUser(fresh.json().access) })).json()).toEqual([]);
  });
});

describe('expired password-reset links', () => {
  it('answers 403 once the hour has passed', async () => {
    const user = await signedInUser(ctx, 'slow-reader@domain.com');
    await ctx.request({ method: 'POST', url: '/api/v1/account/request_password_reset', payload: { email: user.email } });
    const link = await lastLink(ctx, user.email);
    await ctx.db.query(sql`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE purpose = 'reset_password' AND used_at IS NULL`);
    const response = await ctx.request({ method: 'POST', url: '/api/v1/account/reset_password', payload: { ...link, new_password1: 'Fresh-Start-42', new_password2: 'Fresh-Start-42' } });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ errors: { token: ['The link is invalid or has expired.'] } });
    expect((await pair(ctx, user.email, user.password)).statusCode).toBe(200);
  });
});

describe('POST /api/v1/account/change_password', () => {
  it('needs the old password, applies the rules, and revokes only the other sessions', async () => {
    const user = await signedInUser(ctx, 'changer@domain.com');
    const other = (await pair(ctx, user.email, user.password)).json();
    const change = (payload: object) => ctx.request({ method: 'POST', url: '/api/v1/account/change_password', headers: asUser(user.access), payload });

    const wrongOld = await change({ old_password: 'not-it-at-all', new_password1: 'Brand-New-77', new_password2: 'Brand-New-77' });
    expect(wrongOld.statusCode).toBe(403);
    expect(wrongOld.json()).toEqual({ errors: { old_password: ['Your old password was entered incorrectly. Please enter it again.'] } });
    const weak = await change({ old_password: user.password, new_password1: 'qwerty123', new_password2: 'qwerty123' });
    expect(weak.statusCode).toBe(403);
    expect(weak.json().errors.new_password1).toEqual(['This password is too common.']);

    expect((await change({ old_password: user.password, new_password1: 'Brand-New-77', new_password2: 'Brand-New-77' })).statusCode).toBe(204);
    const refresh = (token: string) => ctx.request({ method: 'POST', url: '/api/v1/token/refresh', payload: { refresh: token } });
    expect((await refresh(other.refresh)).statusCode).toBe(401);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/account/me', headers: asUser(other.access) })).statusCode).toBe(401);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/account/me', headers: asUser(user.access) })).statusCode).toBe(200);
    expect((await refresh(user.refresh)).statusCode).toBe(200);
    expect((await pair(ctx, user.email, 'Brand-New-77')).statusCode).toBe(200);
  });

  it('answers 401 without a token and 403 to an organization API key', async () => {
    const payload = { old_password: 'a', new_password1: 'Brand-New-77', new_password2: 'Brand-New-77' };
    const anonymous = await ctx.request({ method: 'POST', url: '/api/v1/account/change_password', payload });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual({ detail: 'Missing or invalid credentials.', code: 'UNAUTHORIZED' });
    const key = await (await ctx.organization('Keyed')).key();
    expect((await ctx.request({ method: 'POST', url: '/api/v1/account/change_password', key, payload })).statusCode).toBe(403);
  });
});
