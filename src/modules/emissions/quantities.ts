import { randomFillSync } from 'node:crypto';

/** kgCO2e rounded to the gram: how every stored and reported figure of this module is rounded. */
export function toGram(kg: number): number {
  return Math.round(kg * 1000) / 1000;
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

const ID_LENGTH = 16;
// Random bytes drawn 4 KiB at a time: one call into the CSPRNG per id cost a fifth of bulk ingestion.
const pool = Buffer.alloc(ID_LENGTH * 256);
let used = pool.length;

/** `<prefix>_` and 16 base-36 characters (~82 random bits): unique, not secret. */
export function randomId(prefix: string): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  let id = `${prefix}_`;
  for (let i = used; i < used + ID_LENGTH; i += 1) id += ID_ALPHABET[pool[i]! % 36];
  used += ID_LENGTH;
  return id;
}
