import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import sql from 'sql-template-tag';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { asUser, pair, signedInUser } from '../../../test/support/accounts.js';
import { OidcVerifier } from './oauth.service.js';
import { ServiceUnavailableError } from '../../platform/errors.js';

const CLIENT_ID = 'carbon-atlas-web';
let ctx: TestContext;
let issuer: string;
let provider: Server;
let signingKey: CryptoKey;
let strangerKey: CryptoKey;
let discoveryRequests = 0;

/** A minimal OpenID provider: discovery document and JWKS, served by the test itself. */
async function startProvider() {
  const keys = await generateKeyPair('RS256');
  signingKey = keys.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  provider = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    if (request.url === '/.well-known/openid-configuration') {
      discoveryRequests += 1;
      response.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    } else if (request.url === '/jwks') {
      response.end(JSON.stringify({ keys: [jwk] }));
    } else {
      response.statusCode = 404;
      response.end('{}');
    }
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  await startProvider();
  // The test provider listens on 127.0.0.1: an operator's private identity provider, allowed explicitly.
  ctx = await createTestContext({ OIDC_ISSUER: issuer, OIDC_CLIENT_ID: CLIENT_ID, OIDC_ALLOW_PRIVATE_TARGETS: 'true' });
});
afterAll(async () => {
  await ctx?.close();
  provider?.close();
});

interface IdTokenOptions {
  sub?: string;
  email?: string;
  emailVerified?: boolean;
  nonce?: string;
  audience?: string;
  issuer?: string;
  expiresAt?: number;
  key?: CryptoKey;
}

function idToken(options: IdTokenOptions) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    email: options.email ?? 'grace@navy.test',
    email_verified: options.emailVerified ?? true,
    given_name: 'Grace',
    family_name: 'Hopper',
    ...(options.nonce ? { nonce: options.nonce } : {}),
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
    .setIssuer(options.issuer ?? issuer)
    .setAudience(options.audience ?? CLIENT_ID)
    .setSubject(options.sub ?? 'grace-0001')
    .setIssuedAt(now - 5)
    .setExpirationTime(options.expiresAt ?? now + 300)
    .sign(options.key ?? signingKey);
}

async function newState() {
  const response = await ctx.request({ method: 'GET', url: '/api/v1/account/oauth/state' });
  expect(response.statusCode).toBe(200);
  return response.json() as { state: string; nonce: string; expires_in: number };
}

function oauth(payload: { id_token: string; state: string }) {
  return ctx.request({ method: 'POST', url: '/api/v1/account/oauth', payload: { session_state: 'opaque-session', ...payload } });
}

describe('POST /api/v1/account/oauth', () => {
  it('creates the user on first sign-in and signs the same user in afterwards', async () => {
    const { state, nonce, expires_in } = await newState();
    expect(expires_in).toBe(600);
    const first = await oauth({ id_token: await idToken({ nonce }), state });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ groups: 'users', permissions: ['account:read', 'account:write', 'catalog:read', 'stac:read'] });
    const me = (await ctx.request({ method: 'GET', url: '/api/v1/account/me', headers: asUser(first.json().access) })).json();
    expect(me).toMatchObject({ email: 'grace@navy.test', first_name: 'Grace', last_name: 'Hopper' });

    const again = await newState();
    const second = await oauth({ id_token: await idToken({ nonce: again.nonce, email: 'grace.hopper@new-address.test' }), state: again.state });
    expect(second.statusCode).toBe(200);
    const meAgain = (await ctx.request({ method: 'GET', url: '/api/v1/account/me', headers: asUser(second.json().access) })).json();
    expect(meAgain.id).toBe(me.id);
    expect(discoveryRequests).toBe(1);
  });

  it('links an existing account by its verified e-mail', async () => {
    const existing = await signedInUser(ctx, 'linus@kernel.test');
    const { state, nonce } = await newState();
    const response = await oauth({ id_token: await idToken({ nonce, sub: 'linus-7', email: 'Linus@Kernel.test' }), state });
    expect(response.statusCode).toBe(200);
    const me = (await ctx.request({ method: 'GET', url: '/api/v1/account/me', headers: asUser(response.json().access) })).json();
    expect(me.id).toBe(existing.number);
    expect((await pair(ctx, existing.email, existing.password)).statusCode).toBe(200);
  });

  it.each<[string, (nonce: string) => Promise<string>]>([
    ['a foreign signing key', (nonce) => idToken({ nonce, key: strangerKey })],
    ['another audience', (nonce) => idToken({ nonce, audience: 'someone-else' })],
    ['another issuer', (nonce) => idToken({ nonce, issuer: 'https://evil.test' })],
    ['an expired token', (nonce) => idToken({ nonce, expiresAt: Math.floor(Date.now() / 1000) - 120 })],
    ['a wrong nonce', () => idToken({ nonce: 'not-the-nonce' })],
    ['no nonce', () => idToken({})],
    ['an unverified e-mail', (nonce) => idToken({ nonce, sub: 'new-subject', email: 'new@x.test', emailVerified: false })],
    ['a garbage token', async () => 'a.b.c'],
  ])('answers 403 to %s', async (_, makeToken) => {
    const { state, nonce } = await newState();
    const response = await oauth({ id_token: await makeToken(nonce), state });
    expect(response.statusCode).toBe(403);
    expect(response.json().detail).toMatch(/^OpenID Connect sign-in refused/);
  });

  it('answers 403 to an unknown or reused state', async () => {
    const { state, nonce } = await newState();
    expect((await oauth({ id_token: await idToken({ nonce }), state: 'made-up' })).statusCode).toBe(403);
    expect((await oauth({ id_token: await idToken({ nonce }), state })).statusCode).toBe(200);
    expect((await oauth({ id_token: await idToken({ nonce }), state })).statusCode).toBe(403);
  });

  it('answers 422 when a field is missing', async () => {
    expect((await ctx.request({ method: 'POST', url: '/api/v1/account/oauth', payload: { id_token: 'x', state: 'y' } })).statusCode).toBe(422);
  });
});

describe('an identity provider on a private address', () => {
  it('is never contacted unless OIDC_ALLOW_PRIVATE_TARGETS allows it', async () => {
    const before = discoveryRequests;
    const verifier = new OidcVerifier({ issuer, clientId: CLIENT_ID });
    await expect(verifier.verify(await idToken({ nonce: 'n' }))).rejects.toBeInstanceOf(ServiceUnavailableError);
    const withKeys = new OidcVerifier({ issuer, clientId: CLIENT_ID, jwksUri: `${issuer}/jwks` });
    await expect(withKeys.verify(await idToken({ nonce: 'n' }))).rejects.toThrow('127.0.0.1 is a loopback address');
    expect(discoveryRequests).toBe(before);
  });

  it('answers sign-in with 503 in the plume body, not 500, when the provider cannot be reached', async () => {
    const refused = await createTestContext({ OIDC_ISSUER: issuer, OIDC_CLIENT_ID: CLIENT_ID });
    try {
      const { state, nonce } = (await refused.request({ method: 'GET', url: '/api/v1/account/oauth/state' })).json();
      const response = await refused.request({ method: 'POST', url: '/api/v1/account/oauth', payload: { session_state: 'opaque-session', id_token: await idToken({ nonce }), state } });
      expect(response.statusCode, response.body).toBe(503);
      expect(response.headers['retry-after']).toBe('30');
      expect(response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', detail: expect.stringMatching(/identity provider could not be reached/) });
      expect(response.body).not.toContain('127.0.0.1');
    } finally {
      await refused.close();
    }
  });
});

describe('without an OpenID provider configured', () => {
  it('answers 403 to the state request and to sign-in, and stores no state', async () => {
    const plain = await createTestContext();
    try {
      const stateResponse = await plain.request({ method: 'GET', url: '/api/v1/account/oauth/state' });
      expect(stateResponse.statusCode).toBe(403);
      expect(stateResponse.json()).toEqual({ detail: 'OpenID Connect sign-in is not configured on this server.', code: 'FORBIDDEN' });
      const [stored] = await plain.db.query<{ states: number }>(sql`SELECT count(*)::int AS states FROM oauth_states`);
      expect(stored!.states).toBe(0);
      const response = await plain.request({ method: 'POST', url: '/api/v1/account/oauth', payload: { id_token: 'a.b.c', session_state: 's', state: 'any-state' } });
      expect(response.statusCode).toBe(403);
      expect(response.json().detail).toBe('OpenID Connect sign-in is not configured on this server.');
    } finally {
      await plain.close();
    }
  });
});
