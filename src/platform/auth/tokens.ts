import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

const ISSUER = 'carbon-atlas';
const AUDIENCE = 'carbon-atlas';

export type TokenType = 'access' | 'refresh';

export interface TokenClaims {
  userId: string;
  organizationId: string | null;
  tokenId: string;
  familyId: string;
  type: TokenType;
  expiresAt: Date;
}

export interface TokenSigner {
  sign(claims: Omit<TokenClaims, 'tokenId' | 'expiresAt'>, ttlSeconds: number): Promise<{ token: string; claims: TokenClaims }>;
  /** Returns the claims of a valid, unexpired token of the expected type, or null. */
  verify(token: string, expected: TokenType): Promise<TokenClaims | null>;
}

export function createTokenSigner(secret: Uint8Array): TokenSigner {
  return {
    async sign(claims, ttlSeconds) {
      const tokenId = randomUUID();
      const nowSeconds = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ org: claims.organizationId, fam: claims.familyId, typ: claims.type })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(claims.userId)
        .setJti(tokenId)
        .setIssuedAt(nowSeconds)
        .setExpirationTime(nowSeconds + ttlSeconds)
        .sign(secret);
      return { token, claims: { ...claims, tokenId, expiresAt: new Date((nowSeconds + ttlSeconds) * 1000) } };
    },
    async verify(token, expected) {
      try {
        const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
        if (payload.typ !== expected || !payload.sub || !payload.jti || typeof payload.fam !== 'string') return null;
        return {
          userId: payload.sub,
          organizationId: typeof payload.org === 'string' ? payload.org : null,
          tokenId: payload.jti,
          familyId: payload.fam,
          type: expected,
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
