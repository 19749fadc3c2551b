import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sql from 'sql-template-tag';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import * as identity from './identity.service.js';
import { hashApiKey } from '../auth/api-key-secret.js';

let ctx: TestContext;
let acme: TestOrganization;
let globex: TestOrganization;

beforeAll(async () => {
  ctx = await createTestContext();
  acme = await ctx.organization('Acme', 'enterprise');
  globex = await ctx.organization('Globex');
});
afterAll(() => ctx?.close());

async function signIn(email: string, password: string, organizationId?: string) {
  return ctx.request({ method: 'POST', url: '/v1/auth/token', payload: { email, password, ...(organizationId ? { organization_id: organizationId } : {}) } });
}

describe('GET /v1/whoami', () => {
  it('tells an API key its organization, scopes and tier', async () => {
    const key = await acme.key(['facilities:read', 'emissions:write']);
    const response = await ctx.request({ method: 'GET', url: '/v1/whoami', key });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      organization: { id: acme.id, name: 'Acme' },
      user: null,
      api_key: { id: expect.any(String), prefix: key.slice(0, 14) },
      credential: 'api_key',
      scopes: ['emissions:write', 'facilities:read'],
      tier: 'enterprise',
    });
  });

  it('tells a signed-in user who they are, with the scopes of their role', async () => {
    const user = await identity.createUser(ctx.db, { email: 'Vera@Acme.test', password: 'viewer password 1' });
    await identity.addMember(ctx.db, acme.id, user.id, 'viewer');
    const token = (await signIn('vera@acme.test', 'viewer password 1')).json().access_token;
    const response = await ctx.request({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ organization: { id: acme.id, name: 'Acme' }, user: { id: user.id, email: 'Vera@Acme.test' }, api_key: null, credential: 'access_token', tier: 'enterprise' });
    expect(body.scopes).toContain('facilities:read');
    expect(body.scopes).not.toContain('facilities:write');
  });

  it('answers 401 without credentials and to a malformed Authorization header', async () => {
    expect((await ctx.request({ method: 'GET', url: '/v1/whoami' })).json()).toEqual({ code: 'UNAUTHORIZED', message: 'Missing or invalid credentials.' });
    expect((await ctx.request({ method: 'GET', url: '/v1/whoami', headers: { authorization: 'Basic abc' } })).statusCode).toBe(401);
  });

  it('answers 403 when x-organization-id is not a UUID or names another organization', async () => {
    const key = await acme.key(['facilities:read']);
    expect((await ctx.request({ method: 'GET', url: '/v1/whoami', headers: { 'x-api-key': key, 'x-organization-id': 'acme' } })).statusCode).toBe(403);
    expect((await ctx.request({ method: 'GET', url: '/v1/whoami', headers: { 'x-api-key': key, 'x-organization-id': globex.id } })).statusCode).toBe(403);
  });
});

describe('API keys', () => {
  it('stores only a SHA-256 digest of the key, never the key', async () => {
    const { apiKey, secret } = await identity.createApiKey(ctx.db, { organizationId: acme.id, name: 'digest check', scopes: ['facilities:read'], tier: 'standard' });
    expect(secret).toMatch(/^sk_live_[A-Za-z0-9_-]{32}$/);
    const [row] = await ctx.db.query<Record<string, unknown>>(sql`SELECT * FROM api_keys WHERE id = ${apiKey.id}`);
    expect(row!.key_hash).toBe(hashApiKey(secret));
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it('creates a key over HTTP, shows its secret once, lists it without the secret, and revokes it', async () => {
    const admin = await acme.key(['organization:admin', 'facilities:read']);
    const created = await ctx.request({ method: 'POST', url: '/v1/api-keys', key: admin, payload: { name: 'ci', scopes: ['facilities:read'] } });
    expect(created.statusCode).toBe(201);
    const { key, id, prefix, tier } = created.json();
    expect(key.startsWith(prefix)).toBe(true);
    expect(tier).toBe('enterprise');
    expect((await ctx.request({ method: 'GET', url: '/v1/facilities', key })).statusCode).toBe(200);

    const listed = await ctx.request({ method: 'GET', url: '/v1/api-keys', key: admin });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(key);
    expect(listed.json().items.find((item: { id: string }) => item.id === id)).toMatchObject({ name: 'ci', prefix, revoked_at: null });

    expect((await ctx.request({ method: 'DELETE', url: `/v1/api-keys/${id}`, key: admin })).statusCode).toBe(204);
    expect((await ctx.request({ method: 'GET', url: '/v1/facilities', key })).statusCode).toBe(401);
  });

  it('refuses to grant scopes the creator lacks, or a tier above the organization', async () => {
    const admin = await globex.key(['organization:admin', 'facilities:read']);
    const scopes = await ctx.request({ method: 'POST', url: '/v1/api-keys', key: admin, payload: { name: 'x', scopes: ['facilities:write'] } });
    expect(scopes.statusCode).toBe(422);
    expect(scopes.json().details[0]).toMatchObject({ field: 'scopes' });
    const tier = await ctx.request({ method: 'POST', url: '/v1/api-keys', key: admin, payload: { name: 'x', scopes: ['facilities:read'], tier: 'enterprise' } });
    expect(tier.statusCode).toBe(422);
    const bad = await ctx.request({ method: 'POST', url: '/v1/api-keys', key: admin, payload: { name: '', scopes: ['root'] } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['name', 'scopes[0]']));
  });

  it('needs organization:admin to manage keys and keeps organizations apart', async () => {
    const plain = await acme.key(['facilities:read']);
    expect((await ctx.request({ method: 'GET', url: '/v1/api-keys', key: plain })).statusCode).toBe(403);
    const acmeAdmin = await acme.key(['organization:admin']);
    const globexAdmin = await globex.key(['organization:admin']);
    const globexKeys = (await ctx.request({ method: 'GET', url: '/v1/api-keys', key: globexAdmin })).json().items;
    expect(globexKeys.every((k: { organization_id: string }) => k.organization_id === globex.id)).toBe(true);
    const target = globexKeys[0].id;
    expect((await ctx.request({ method: 'DELETE', url: `/v1/api-keys/${target}`, key: acmeAdmin })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'GET', url: '/v1/whoami', key: globexAdmin })).statusCode).toBe(200);
  });

  it('records when a key was last used', async () => {
    const { apiKey, secret } = await identity.createApiKey(ctx.db, { organizationId: acme.id, name: 'used', scopes: ['facilities:read'], tier: 'standard' });
    expect(apiKey.last_used_at).toBeNull();
    await ctx.request({ method: 'GET', url: '/v1/whoami', key: secret });
    await expect
      .poll(async () => (await identity.listApiKeys(ctx.db, acme.id)).find((k) => k.id === apiKey.id)?.last_used_at)
      .toBeInstanceOf(Date);
  });

  it('lets a key mint only keys that expire no later than itself, inheriting its expiry by default', async () => {
    const parentExpiry = new Date(Date.now() + 86_400_000);
    const { secret: parent } = await identity.createApiKey(ctx.db, { organizationId: acme.id, name: 'expiring admin', scopes: ['organization:admin', 'facilities:read'], tier: 'standard', expiresAt: parentExpiry });
    const mint = (payload: Record<string, unknown>) =>
      ctx.request({ method: 'POST', url: '/v1/api-keys', key: parent, payload: { name: 'child', scopes: ['facilities:read'], ...payload } });

    const outliving = await mint({ expires_at: new Date(parentExpiry.getTime() + 60_000).toISOString() });
    expect(outliving.statusCode).toBe(422);
    expect(outliving.json()).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ field: 'expires_at', location: 'body', message: expect.stringMatching(/^Must not be later than the expiry of the API key creating it/) }] });

    const inheriting = await mint({});
    expect(inheriting.statusCode).toBe(201);
    expect(inheriting.json().expires_at).toBe(parentExpiry.toISOString());
    const shorter = new Date(Date.now() + 3_600_000);
    expect((await mint({ expires_at: shorter.toISOString() })).json().expires_at).toBe(shorter.toISOString());

    const permanentParent = await acme.key(['organization:admin', 'facilities:read']);
    const unbounded = await ctx.request({ method: 'POST', url: '/v1/api-keys', key: permanentParent, payload: { name: 'child', scopes: ['facilities:read'] } });
    expect(unbounded.json().expires_at).toBeNull();
  });

  it('refuses an expired key', async () => {
    const { apiKey, secret } = await identity.createApiKey(ctx.db, { organizationId: acme.id, name: 'short', scopes: ['facilities:read'], tier: 'standard' });
    await ctx.db.query(sql`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = ${apiKey.id}`);
    expect((await ctx.request({ method: 'GET', url: '/v1/whoami', key: secret })).statusCode).toBe(401);
  });
});

describe('sign-in and refresh tokens', () => {
  const whoami = (token: string) => ctx.request({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    const user = await identity.createUser(ctx.db, { email: 'olga@globex.test', password: 'owner password 1' });
    await identity.addMember(ctx.db, globex.id, user.id, 'owner');
  });

  it('keeps passwords as argon2id hashes', async () => {
    const [row] = await ctx.db.query<{ password_hash: string }>(sql`SELECT password_hash FROM users WHERE email = 'olga@globex.test'`);
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('issues an access/refresh pair for the right password and the same 401 otherwise', async () => {
    const good = await signIn('olga@globex.test', 'owner password 1');
    expect(good.statusCode).toBe(200);
    expect(good.json()).toMatchObject({ token_type: 'Bearer', expires_in: 900, organization_id: globex.id });
    const wrong = await signIn('olga@globex.test', 'wrong password');
    const absent = await signIn('nobody@globex.test', 'wrong password');
    expect(wrong.statusCode).toBe(401);
    expect(absent.statusCode).toBe(401);
    expect(wrong.json()).toEqual(absent.json());
  });

  it('refuses an organization the user is not a member of', async () => {
    expect((await signIn('olga@globex.test', 'owner password 1', acme.id)).statusCode).toBe(403);
  });

  it('rotates refresh tokens and revokes the family when a spent one is replayed', async () => {
    const first = (await signIn('olga@globex.test', 'owner password 1')).json();
    const second = await ctx.request({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: first.refresh_token } });
    expect(second.statusCode).toBe(200);
    const replay = await ctx.request({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: first.refresh_token } });
    expect(replay.statusCode).toBe(401);
    const afterTheft = await ctx.request({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: second.json().refresh_token } });
    expect(afterTheft.statusCode).toBe(401);
  });

  it("ends the replayed family's access tokens too, and no other session's", async () => {
    const other = (await signIn('olga@globex.test', 'owner password 1')).json();
    const first = (await signIn('olga@globex.test', 'owner password 1')).json();
    const second = (await ctx.request({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: first.refresh_token } })).json();
    expect((await whoami(first.access_token)).statusCode).toBe(200);
    expect((await whoami(second.access_token)).statusCode).toBe(200);

    await ctx.request({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: first.refresh_token } });
    expect((await whoami(first.access_token)).statusCode).toBe(401);
    expect((await whoami(second.access_token)).statusCode).toBe(401);
    expect((await ctx.request({ method: 'POST', url: '/api/v1/token/verify', payload: { token: second.access_token } })).statusCode).toBe(401);
    expect((await whoami(other.access_token)).statusCode).toBe(200);
  });

  it("signs out: the session's refresh and access tokens stop working, the user's other sessions do not", async () => {
    const other = (await signIn('olga@globex.test', 'owner password 1')).json();
    const first = (await signIn('olga@globex.test', 'owner password 1')).json();
    const second = (await ctx.request({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: first.refresh_token } })).json();

    const out = await ctx.request({ method: 'POST', url: '/v1/auth/revoke', payload: { refresh_token: second.refresh_token } });
    expect(out.statusCode).toBe(204);
    expect(out.body).toBe('');
    expect((await whoami(second.access_token)).statusCode).toBe(401);
    expect((await whoami(first.access_token)).statusCode).toBe(401);
    expect((await ctx.request({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: second.refresh_token } })).statusCode).toBe(401);
    expect((await whoami(other.access_token)).statusCode).toBe(200);
    // Signing out twice, or with a token that is not ours, answers the same and says nothing more.
    expect((await ctx.request({ method: 'POST', url: '/v1/auth/revoke', payload: { refresh_token: second.refresh_token } })).statusCode).toBe(204);
    expect((await ctx.request({ method: 'POST', url: '/v1/auth/revoke', payload: { refresh_token: 'a.b.c' } })).statusCode).toBe(204);
    // An access token is not a refresh token: the other session survives it.
    expect((await ctx.request({ method: 'POST', url: '/v1/auth/revoke', payload: { refresh_token: other.access_token } })).statusCode).toBe(204);
    expect((await whoami(other.access_token)).statusCode).toBe(200);
  });

  it('refuses a sign-out without a refresh token (422)', async () => {
    for (const payload of [{}, { refresh_token: '' }, { refresh_token: 'x', extra: 1 }]) {
      const response = await ctx.request({ method: 'POST', url: '/v1/auth/revoke', payload });
      expect(response.statusCode).toBe(422);
    }
  });

  it('refuses forged, tampered and refresh-as-access tokens', async () => {
    const pair = (await signIn('olga@globex.test', 'owner password 1')).json();
    const [header, payload, signature] = pair.access_token.split('.');
    const tampered = `${header}.${payload}.${signature.slice(0, -2)}xx`;
    for (const token of [tampered, pair.refresh_token, 'a.b.c']) {
      expect((await ctx.request({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    }
    expect((await ctx.request({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: pair.access_token } })).statusCode).toBe(401);
  });

  it('validates the sign-in body', async () => {
    const response = await ctx.request({ method: 'POST', url: '/v1/auth/token', payload: { email: 'x' } });
    expect(response.statusCode).toBe(422);
    expect(response.json().details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['email', 'password']));
  });
});

describe('bootstrap key', () => {
  it('creates the demo organization with an enterprise all-scope key of exactly that value, idempotently', async () => {
    const secret = 'bootstrap-value-for-tests-0123456789abcdef';
    await identity.ensureBootstrapApiKey(ctx.db, secret);
    await identity.ensureBootstrapApiKey(ctx.db, secret);
    const response = await ctx.request({ method: 'GET', url: '/v1/whoami', key: secret });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ organization: { id: identity.BOOTSTRAP_ORGANIZATION_ID }, tier: 'enterprise' });
    expect(response.json().scopes).toContain('organization:admin');
    const keys = await identity.listApiKeys(ctx.db, identity.BOOTSTRAP_ORGANIZATION_ID);
    expect(keys.filter((k) => k.name === 'bootstrap')).toHaveLength(1);
  });
});
