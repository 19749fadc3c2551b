import { createHash, randomBytes } from 'node:crypto';

/** Django-style `uidb64`: the user's integer id, base64url-encoded. */
export function encodeUid(number: number): string {
  return Buffer.from(String(number)).toString('base64url');
}

export function decodeUid(uidb64: string): number | undefined {
  const text = Buffer.from(uidb64, 'base64url').toString('utf8');
  if (!/^[1-9]\d{0,15}$/.test(text)) return undefined;
  return Number(text);
}

export function newLinkSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
