import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, customFetch, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { Database } from '../../platform/db/database.js';
import { ForbiddenError, ServiceUnavailableError } from '../../platform/errors.js';
import * as identity from '../../platform/identity/identity.service.js';
import { outboundFetch } from '../../platform/http/outbound.js';
import * as queries from './oauth.queries.js';
import { digest } from './one-time-links.js';

export const STATE_TTL_SECONDS = 600;

export interface OidcSettings {
  issuer: string;
  clientId: string;
  jwksUri?: string | undefined;
  /** OIDC_ALLOW_PRIVATE_TARGETS: the provider may live on a private network; otherwise only public addresses are fetched. */
  allowPrivateTargets?: boolean | undefined;
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/** Discovery documents and key sets are small: a provider that answers slowly or hugely is given up on. */
const PROVIDER_LIMITS = { timeoutMs: 5_000, maxResponseBytes: 512 * 1024 };

/**
 * Verifies OpenID Connect id_tokens from one configured issuer. Its signing keys come from the
 * issuer's JWKS (jose fetches and caches them, refetching on an unknown key id). Discovery and key
 * fetches go through the outbound client: public addresses only (unless allowed), no redirects.
 */
export class OidcVerifier {
  private keySet: Promise<KeySet> | undefined;
  private readonly fetch: ReturnType<typeof outboundFetch>;

  constructor(private readonly settings: OidcSettings) {
    this.fetch = outboundFetch({ allowPrivateTargets: settings.allowPrivateTargets ?? false }, PROVIDER_LIMITS);
  }

  private async discoverKeySet(): Promise<KeySet> {
    let uri = this.settings.jwksUri;
    if (!uri) {
      const response = await this.fetch(`${this.settings.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
      if (!response.ok) throw new Error(`OpenID discovery answered ${response.status}`);
      uri = ((await response.json()) as { jwks_uri?: string }).jwks_uri;
      if (!uri) throw new Error('OpenID discovery document has no jwks_uri');
    }
    return createRemoteJWKSet(new URL(uri), { [customFetch]: this.fetch });
  }

  async verify(idToken: string): Promise<JWTPayload> {
    // A provider that cannot be reached (down, refused address, redirect) is an outage to the
    // caller, not a refusal of their token: 503, and the next sign-in tries again.
    this.keySet ??= this.discoverKeySet().catch((error: unknown) => {
      this.keySet = undefined;
      throw new ServiceUnavailableError(30, `The identity provider could not be reached (${error instanceof Error ? error.name : 'error'}); try again later.`);
    });
    const { payload } = await jwtVerify(idToken, await this.keySet, {
      issuer: this.settings.issuer,
      audience: this.settings.clientId,
      algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'],
    });
    return payload;
  }
}

const NOT_CONFIGURED = 'OpenID Connect sign-in is not configured on this server.';

/**
 * A single-use state and the nonce the identity provider must put into the id_token. Without a
 * configured provider nothing could ever spend it, so nothing is stored: the same 403 as sign-in.
 */
export async function issueState(db: Database, verifier: OidcVerifier | undefined) {
  if (!verifier) throw new ForbiddenError(NOT_CONFIGURED);
  const state = randomBytes(32).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  await queries.insertState(db, { stateHash: digest(state), nonce, ttlSeconds: STATE_TTL_SECONDS });
  return { state, nonce, expires_in: STATE_TTL_SECONDS };
}

const REFUSED = 'OpenID Connect sign-in refused.';

/**
 * Signs in the user an id_token names: the account already linked to this issuer and subject, else
 * the account with its verified e-mail (then linked), else a new account. Every failure is one 403.
 */
export async function oauthUser(db: Database, verifier: OidcVerifier | undefined, issuer: string, input: { id_token: string; state: string }) {
  if (!verifier) throw new ForbiddenError(NOT_CONFIGURED);
  const nonce = await queries.spendState(db, digest(input.state));
  if (!nonce) throw new ForbiddenError(`${REFUSED} Unknown, used or expired state.`);
  let claims: JWTPayload;
  try {
    claims = await verifier.verify(input.id_token);
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) throw new ForbiddenError(`${REFUSED} ${error.code}.`);
    throw error;
  }
  if (claims.nonce !== nonce) throw new ForbiddenError(`${REFUSED} The id_token's nonce does not match the state.`);
  if (!claims.sub) throw new ForbiddenError(`${REFUSED} The id_token has no subject.`);
  const subject = claims.sub;

  return db.transaction(async (tx) => {
    const linkedId = await queries.selectLinkedUserId(tx, issuer, subject);
    let user = linkedId ? await identity.getUser(tx, linkedId) : undefined;
    if (!user) {
      const email = typeof claims.email === 'string' ? claims.email.trim() : '';
      if (!email || claims.email_verified !== true) throw new ForbiddenError(`${REFUSED} The provider did not vouch for an e-mail address.`);
      user =
        (await identity.getUserByEmail(tx, email)) ??
        (await identity.createUser(tx, {
          email,
          password: null,
          firstName: typeof claims.given_name === 'string' ? claims.given_name.slice(0, 150) : '',
          lastName: typeof claims.family_name === 'string' ? claims.family_name.slice(0, 150) : '',
          emailVerified: true,
        }));
      // A password set on an address nobody verified may be a squatter's: it must not survive the link.
      if (!user.email_verified_at) await identity.clearPassword(tx, user.id);
      await queries.insertIdentity(tx, { issuer, subject, userId: user.id });
      // The provider vouched for the address, which is all verification would have proved.
      await identity.markEmailVerified(tx, user.id);
    }
    if (!user.is_active) throw new ForbiddenError(`${REFUSED} This account is disabled.`);
    return user;
  });
}
