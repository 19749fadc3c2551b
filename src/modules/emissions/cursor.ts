import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Opaque, tamper-checked page cursors: base64url of the position, a dot, and an HMAC of it bound
 * to the organization and the filters, so a cursor cannot be edited, replayed by another
 * organization, or reused with other filters.
 */
export interface CursorCodec {
  encode(position: number, context: string): string;
  /** The position, or undefined when the cursor is malformed, forged or made for other filters. */
  decode(cursor: string, context: string): number | undefined;
}

export function createCursorCodec(secret: Uint8Array): CursorCodec {
  const sign = (payload: string, context: string) => createHmac('sha256', secret).update(`cursor:${context}:${payload}`).digest().subarray(0, 16);
  return {
    encode(position, context) {
      const payload = Buffer.from(JSON.stringify({ s: position })).toString('base64url');
      return `${payload}.${sign(payload, context).toString('base64url')}`;
    },
    decode(cursor, context) {
      const [payload, signature, extra] = cursor.split('.');
      if (!payload || !signature || extra !== undefined) return undefined;
      const expected = sign(payload, context);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      try {
        const { s } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { s?: unknown };
        return Number.isSafeInteger(s) && (s as number) >= 0 ? (s as number) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
