import { describe, expect, it } from 'vitest';
import { CLASS_RULES, imageExtension, parseLocation, prohibitedField } from './report-fields.js';

describe('classification rules', () => {
  it('allows each class-specific field only under the classifications the page names', () => {
    expect(prohibitedField('Unexpected', { component: 'valve', equipment_group: 'tank', location: [1, 2] })).toBeUndefined();
    expect(prohibitedField('Expected', { equipment_group: 'tank', activity_type: 'blowdown' })).toBeUndefined();
    expect(prohibitedField('Expected', { component: 'valve' })).toEqual({ field: 'component', allowed: ['Unexpected'] });
    expect(prohibitedField('Unknown', { equipment_group: 'tank' })).toEqual({ field: 'equipment_group', allowed: ['Unexpected', 'Expected'] });
    expect(prohibitedField(null, { activity_date: '2025-01-01' })).toEqual({ field: 'activity_date', allowed: ['Expected'] });
    expect(prohibitedField('Unknown', { notes: 'anything', reported_by: 'x', component: null })).toBeUndefined();
  });

  it('covers the nineteen fields the page marks', () => {
    expect(Object.keys(CLASS_RULES)).toHaveLength(19);
    expect(Object.entries(CLASS_RULES).filter(([, allowed]) => allowed.includes('Unexpected'))).toHaveLength(16);
  });
});

describe('parseLocation', () => {
  it('reads longitude then latitude, refusing anything else', () => {
    expect(parseLocation(['-87.6289', '41.8977'])).toEqual([-87.6289, 41.8977]);
    expect(parseLocation(['-87.6289'])).toMatch(/twice/);
    expect(parseLocation(['181', '0'])).toMatch(/longitude/);
    expect(parseLocation(['0', '-91'])).toMatch(/latitude/);
    expect(parseLocation(['0x10', '1'])).toMatch(/longitude/);
    expect(parseLocation(['Infinity', '1'])).toMatch(/longitude/);
    expect(parseLocation(['', '1'])).toMatch(/longitude/);
  });
});

describe('imageExtension', () => {
  it('recognises images by their first bytes', () => {
    expect(imageExtension(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpg');
    expect(imageExtension(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png');
    expect(imageExtension(Buffer.from('GIF89a'))).toBe('gif');
    expect(imageExtension(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp');
    expect(imageExtension(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(imageExtension(new Uint8Array(0))).toBeUndefined();
  });
});
