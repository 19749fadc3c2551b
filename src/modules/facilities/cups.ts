/**
 * CUPS (Código Universal del Punto de Suministro), the Spanish electricity supply point code:
 * "ES", 16 digits, 2 control letters, and optionally 2 characters naming a border point of the same
 * supply. The control letters come from the 16 digits as one integer N (beyond 2^53, hence BigInt):
 * R = N mod 529, then TABLE[R div 23] followed by TABLE[R mod 23].
 */
const TABLE = 'TRWAGMYFPDXBNJZSQVHLCKE';
const SHAPE = /^ES(\d{16})([A-Z]{2})([0-9A-Z]{2})?$/;

export type CupsCheck =
  | { valid: true; cups: string; supplyPoint: string }
  | { valid: false; cups: string; reason: string };

export function cupsControlLetters(sixteenDigits: string): string {
  const remainder = BigInt(sixteenDigits) % 529n;
  return TABLE[Number(remainder / 23n)]! + TABLE[Number(remainder % 23n)]!;
}

/** Upper-cases and drops blanks, as codes are often printed in groups ("ES 0021 …"). */
export function normalizeCups(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

/** The supply point a valid code names: the code without its border-point suffix. */
export function supplyPointOf(cups: string): string {
  return cups.slice(0, 20);
}

export function checkCups(input: string): CupsCheck {
  const cups = normalizeCups(input);
  const match = SHAPE.exec(cups);
  if (!match) {
    return { valid: false, cups, reason: 'must be ES, 16 digits, 2 control letters and an optional 2-character suffix' };
  }
  const [, digits, letters] = match as unknown as [string, string, string];
  const expected = cupsControlLetters(digits);
  if (letters !== expected) {
    return { valid: false, cups, reason: `control letters ${letters} do not match the digits (expected ${expected})` };
  }
  return { valid: true, cups, supplyPoint: supplyPointOf(cups) };
}
