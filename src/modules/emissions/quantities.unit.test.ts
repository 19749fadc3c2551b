import { describe, expect, it } from 'vitest';
import { randomId, toGram } from './quantities.js';

describe('quantities', () => {
  it('rounds kgCO2e to the gram', () => {
    expect(toGram(137.984725)).toBe(137.985);
    expect(toGram(41.0112)).toBe(41.011);
  });

  it('makes ids of 16 base-36 characters, distinct across refills of the random pool', () => {
    const ids = Array.from({ length: 1000 }, () => randomId('em'));
    for (const id of ids) expect(id).toMatch(/^em_[0-9a-z]{16}$/);
    expect(new Set(ids).size).toBe(1000);
  });
});
