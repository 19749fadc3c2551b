import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'sk_live_';
/** Enough of a key to recognise it in a list, too little to guess the rest. */
const VISIBLE_LENGTH = API_KEY_PREFIX.length + 6;

/** A new API key: 192 random bits after a recognisable prefix. */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(24).toString('base64url');
}

/** Keys are long random secrets, so one fast digest is enough; only the digest is stored. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function visiblePrefix(key: string): string {
  return key.slice(0, VISIBLE_LENGTH);
}
