import { readFileSync } from 'node:fs';

/**
 * The plume platform's password rules, with Django's default validators' semantics and messages:
 * at least 8 characters, not too similar to the user's e-mail or names, not a common password,
 * not entirely numeric.
 */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;
const MAX_SIMILARITY = 0.7;

export interface PasswordOwner {
  email?: string | undefined;
  first_name?: string | undefined;
  last_name?: string | undefined;
}

const ATTRIBUTE_NAMES: Record<keyof PasswordOwner, string> = { email: 'email address', first_name: 'first name', last_name: 'last name' };

let commonPasswords: Set<string> | undefined;

/** The 20,000 most common passwords of SecLists' 10-million list (resources/common-passwords.txt), lower-cased. */
function isCommon(password: string): boolean {
  commonPasswords ??= new Set(
    readFileSync(new URL('../../../resources/common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter(Boolean),
  );
  return commonPasswords.has(password.trim().toLowerCase());
}

/** Every rule the password breaks, as messages for the user; empty when it is acceptable. */
export function passwordProblems(password: string, owner: PasswordOwner = {}): string[] {
  const problems: string[] = [];
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    problems.push(`This password is too short. It must contain at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  if ([...password].length > MAX_PASSWORD_LENGTH) problems.push(`This password is too long. It must contain at most ${MAX_PASSWORD_LENGTH} characters.`);
  const similarTo = similarAttribute(password, owner);
  if (similarTo) problems.push(`The password is too similar to the ${similarTo}.`);
  if (isCommon(password)) problems.push('This password is too common.');
  if (/^\d+$/.test(password)) problems.push('This password is entirely numeric.');
  return problems;
}

function similarAttribute(password: string, owner: PasswordOwner): string | undefined {
  const lowered = password.toLowerCase();
  for (const attribute of Object.keys(ATTRIBUTE_NAMES) as (keyof PasswordOwner)[]) {
    const value = owner[attribute]?.toLowerCase();
    if (!value) continue;
    const parts = [...value.split(/[^\p{L}\p{N}_]+/u), value].filter(Boolean);
    if (parts.some((part) => !tooShortToCompare(lowered, part) && quickRatio(lowered, part) >= MAX_SIMILARITY)) {
      return ATTRIBUTE_NAMES[attribute];
    }
  }
  return undefined;
}

/** A part ten times shorter than the password cannot make it similar; Django skips those. */
function tooShortToCompare(password: string, part: string): boolean {
  return password.length >= 10 * part.length && part.length < (MAX_SIMILARITY / 2) * password.length;
}

/**
 * Python's SequenceMatcher.quick_ratio: 2·M / (|a| + |b|) where M counts the characters the two
 * strings share as multisets — an upper bound of their similarity, and what Django compares.
 */
export function quickRatio(a: string, b: string): number {
  const available = new Map<string, number>();
  for (const char of b) available.set(char, (available.get(char) ?? 0) + 1);
  let matches = 0;
  for (const char of a) {
    const left = available.get(char) ?? 0;
    if (left > 0) {
      matches += 1;
      available.set(char, left - 1);
    }
  }
  const total = [...a].length + [...b].length;
  return total === 0 ? 1 : (2 * matches) / total;
}
