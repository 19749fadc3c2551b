import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

const ISSUER = 'carbon-atlas';
const AUDIENCE = 'carbon-atlas';

/** `stac`: a long-lived, named token limited to reading the catalog and STAC API. */
export type TokenType = 'access' | 'refresh' | 'stac';

export interface TokenClaims {
  userId: string;
  organizationId: string | null;
  tokenId: string;
  familyId: string;
  type: TokenType;
  issuedAt: Date;
  expiresAt: Date;
}

export interface TokenSigner {
  sign(
    claims: Omit<TokenClaims, 'tokenId' | 'expiresAt' | 'issuedAt'> & { tokenId?: string },
    lifetime: number | { until: Date },
  ): Promise<{ token: string; claims: TokenClaims }>;
  /** Returns the claims of a valid, unexpired token of one of the expected types, or null. */
  verify(token: string, expected: TokenType | readonly TokenType[]): Promise<TokenClaims | null>;
}

export function createTokenSigner(secret: Uint8Array): TokenSigner {
  return {
    async sign(claims, lifetime) {
      const tokenId = claims.tokenId ?? randomUUID();
      const nowMs = Date.now();
      const nowSeconds = Math.floor(nowMs / 1000);
      const expiresAtSeconds = typeof lifetime === 'number' ? nowSeconds + lifetime : Math.floor(lifetime.until.getTime() / 1000);
      // `ims`: the issue time in milliseconds, so a session ended this very second can still be told apart.
      const token = await new SignJWT({ org: claims.organizationId, fam: claims.familyId, typ: claims.type, ims: nowMs })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(claims.userId)
        .setJti(tokenId)
        .setIssuedAt(nowSeconds)
        .setExpirationTime(expiresAtSeconds)
        .sign(secret);
      return {
        token,
        claims: {
          userId: claims.userId,
          organizationId: claims.organizationId,
          familyId: claims.familyId,
          type: claims.type,
          tokenId,
          issuedAt: new Date(nowMs),
          expiresAt: new Date(expiresAtSeconds * 1000),
        },
      };
    },
    async verify(token, expected) {
      try {
        const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
        const accepted: readonly TokenType[] = typeof expected === 'string' ? [expected] : expected;
        const type = accepted.find((candidate) => candidate === payload.typ);
        if (!type || !payload.sub || !payload.jti || typeof payload.fam !== 'string') return null;
        return {
          userId: payload.sub,
          organizationId: typeof payload.org === 'string' ? payload.org : null,
          tokenId: payload.jti,
          familyId: payload.fam,
          type,
          issuedAt: new Date(typeof payload.ims === 'number' ? payload.ims : (payload.iat ?? 0) * 1000),
          expiresAt: new Date((payload.exp ?? 0) * 1000),
        };
      } catch (error) {
        if (error instanceof joseErrors.JOSEError) return null;
        throw error;
      }
    },
  };
}

export function looksLikeJwt(value: string): boolean {
  return value.split('.').length === 3;
}
