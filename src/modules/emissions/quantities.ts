import { randomBytes } from 'node:crypto';

/** kgCO2e rounded to the gram: how every stored and reported figure of this module is rounded. */
export function toGram(kg: number): number {
  return Math.round(kg * 1000) / 1000;
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** `<prefix>_` and 16 base-36 characters (~82 random bits): unique, not secret. */
export function randomId(prefix: string): string {
  let id = `${prefix}_`;
  for (const byte of randomBytes(16)) id += ID_ALPHABET[byte % 36];
  return id;
}
