import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, generateApiTypes } from './api-types.js';

describe("the console's API types", () => {
  it('match the OpenAPI document the route schemas make today (else: npm run console:types)', async () => {
    const committed = await readFile(API_TYPES_FILE, 'utf8');
    const current = await generateApiTypes();
    // One line in the message, not a 1 MB diff: where the two first differ.
    const at = [...current].findIndex((char, index) => char !== committed[index]);
    const where = at === -1 ? null : current.slice(0, at).split('\n').length;
    expect(where === null && committed.length === current.length, `console/src/api/openapi.d.ts is stale from line ${where ?? current.split('\n').length}: run npm run console:types and commit it`).toBe(true);
  }, 120_000);
});
