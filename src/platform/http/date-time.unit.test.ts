import { describe, expect, it } from 'vitest';
import { parseDate, parseInstant } from './date-time.js';

describe('the one date-time parser', () => {
  it('reads RFC 3339 date-times with offsets and fractions', () => {
    expect(parseInstant('2024-03-05T10:20:30Z')?.toISOString()).toBe('2024-03-05T10:20:30.000Z');
    expect(parseInstant('2024-03-05T10:20:30.1234+02:00')?.toISOString()).toBe('2024-03-05T08:20:30.123Z');
    expect(parseInstant('2024-02-29t23:59:59-05:30')?.toISOString()).toBe('2024-03-01T05:29:59.000Z');
  });

  it('truncates fractions to the millisecond, so a reading never rounds into the next day', () => {
    expect(parseInstant('2024-12-31T23:59:59.99999999999999999999Z')?.toISOString()).toBe('2024-12-31T23:59:59.999Z');
    expect(parseInstant('2024-03-05T10:20:30.5Z')?.toISOString()).toBe('2024-03-05T10:20:30.500Z');
  });

  it('refuses leap seconds, impossible days and times, and strings without a zone', () => {
    for (const text of ['2016-12-31T23:59:60Z', '2023-02-29T00:00:00Z', '2024-04-31T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:00:00', '2024-01-01T00:00:00+24:00', '2024-01-01T00:00:00+01', '2024-01-01T00:00:00+0100', '2024-1-1T00:00:00Z', '']) {
      expect(parseInstant(text), text).toBeUndefined();
    }
  });

  it('reads calendar dates as UTC midnight, refusing impossible ones', () => {
    expect(parseDate('2024-02-29')?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(parseDate('0099-01-01')?.getUTCFullYear()).toBe(99);
    expect(parseDate('2023-02-29')).toBeUndefined();
  });
});
