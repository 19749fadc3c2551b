import { describe, expect, it } from 'vitest';
import { checkCups, cupsControlLetters } from './cups.js';

describe('CUPS control letters', () => {
  it.each([
    ['ES1234123456789012JY'],
    ['ES9750210987654321CQ'],
    ['ES0291000000000001DN'],
  ])('accepts the known-valid code %s', (code) => {
    expect(checkCups(code)).toEqual({ valid: true, cups: code, supplyPoint: code });
  });

  it('computes the letters from the 16 digits taken as one integer beyond 2^53', () => {
    // 9750210987654321 mod 529 = 476 = 20 × 23 + 16 → TABLE[20] = C, TABLE[16] = Q
    expect(9750210987654321n % 529n).toBe(476n);
    expect(cupsControlLetters('9750210987654321')).toBe('CQ');
  });

  it('rejects the sample code of the facilities page, whose digits call for RK', () => {
    expect(checkCups('ES0021000000000001AA')).toEqual({
      valid: false,
      cups: 'ES0021000000000001AA',
      reason: 'control letters AA do not match the digits (expected RK)',
    });
    expect(checkCups('ES0021000000000001RK').valid).toBe(true);
  });

  it('accepts an optional 2-character border-point suffix and compares supply points without it', () => {
    expect(checkCups('ES1234123456789012JY0F')).toEqual({ valid: true, cups: 'ES1234123456789012JY0F', supplyPoint: 'ES1234123456789012JY' });
  });

  it('normalises case and spaces before checking', () => {
    expect(checkCups(' es 1234 1234 5678 9012 jy ')).toMatchObject({ valid: true, cups: 'ES1234123456789012JY' });
  });

  it.each([
    ['FR1234123456789012JY'],
    ['ES123412345678901JY'],
    ['ES1234123456789012J'],
    ['ES1234123456789012JY0'],
    ['ES12341234567890121Y'],
    [''],
  ])('rejects the malformed code %j', (code) => {
    expect(checkCups(code)).toMatchObject({ valid: false });
  });
});
