import { describe, expect, it } from 'vitest';
import { countPeriods, instantText, type CountPeriods } from './count-periods.js';

const at = (text: string) => new Date(text);

/** The count the periods add up to, each period counted over the given instants. */
function counted(periods: CountPeriods, instants: Date[]) {
  const within = (t: Date, from: string | Date | null, to: string | Date | null) => (from === null || t >= new Date(from)) && (to === null || t < new Date(to));
  const inMonth = (t: Date, month: string) => t.toISOString().slice(0, 7) === month.slice(0, 7);
  let total = 0;
  for (const t of instants) {
    if (within(t, periods.years.from, periods.years.to)) total += 1;
    for (const { month, sign } of periods.months) if (inMonth(t, month)) total += sign;
    for (const { from, to, sign } of periods.spans) if (within(t, from, to)) total += sign;
  }
  return total;
}

function randomInstant(random: () => number) {
  return new Date(Date.UTC(2018, 0, 1) + Math.floor(random() * 8 * 365.25 * 86_400_000));
}

function seeded(seed: number) {
  let state = seed;
  return () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

describe('count periods', () => {
  it('the bench year, to its last second: the year whole less the last millisecond', () => {
    const periods = countPeriods(at('2021-01-01T00:00:00Z'), at('2021-12-31T23:59:59.001Z'));
    expect(periods).toEqual({
      years: { from: '2021-01-01', to: '2022-01-01' },
      months: [],
      spans: [{ from: at('2021-12-31T23:59:59.001Z'), to: at('2022-01-01T00:00:00Z'), sign: -1 }],
      touched: { from: '2021-01-01', to: '2022-01-01' },
    });
  });

  it('a week is counted row by row; whole months and years from the cells; open ends stay open', () => {
    expect(countPeriods(at('2020-12-10T00:00:00Z'), at('2020-12-17T00:00:00Z'))).toMatchObject({ years: { from: '2020-01-01', to: '2020-01-01' }, months: [], spans: [{ sign: 1 }] });
    expect(countPeriods(at('2020-01-01T00:00:00Z'), at('2021-08-01T00:00:00Z'))).toMatchObject({
      years: { from: '2020-01-01', to: '2022-01-01' },
      months: [8, 9, 10, 11, 12].map((m) => ({ month: `2021-${String(m).padStart(2, '0')}-01`, sign: -1 })),
      spans: [],
    });
    expect(countPeriods(at('2022-02-15T00:00:00Z'), null)).toMatchObject({ years: { from: '2022-01-01', to: null }, months: [{ month: '2022-01-01', sign: -1 }], touched: { from: '2022-01-01', to: null } });
    expect(countPeriods(null, null)).toMatchObject({ years: { from: null, to: null }, months: [], spans: [] });
    expect(countPeriods(at('0050-03-01T00:00:00Z'), at('0050-04-01T00:00:00Z'))).toMatchObject({ months: [{ month: '0050-03-01', sign: 1 }] });
    // The last year a request may name: the year after it is written as PostgreSQL reads it.
    expect(countPeriods(at('2020-01-01T00:00:00Z'), at('9999-12-31T00:00:00.001Z'))).toMatchObject({ years: { from: '2020-01-01', to: '10000-01-01' }, touched: { to: '10000-01-01' } });
    expect(instantText(at('9999-12-31T23:59:59.999Z'))).toBe('9999-12-31T23:59:59.999Z');
    expect(instantText(new Date(Date.UTC(9999, 11, 31) + 86_400_000))).toBe('10000-01-01T00:00:00.000Z');
  });

  it('add up to the instants within the interval, for any interval (random, open ends, empty)', () => {
    const random = seeded(7);
    const instants = Array.from({ length: 1500 }, () => randomInstant(random));
    // Instants on every boundary the periods have: first and last millisecond of months and years.
    for (let year = 2018; year <= 2026; year += 1) for (let month = 0; month < 12; month += 1) instants.push(new Date(Date.UTC(year, month, 1)), new Date(Date.UTC(year, month, 1) - 1));
    for (let i = 0; i < 200; i += 1) {
      const [a, b] = [randomInstant(random), randomInstant(random)].sort((x, y) => x.getTime() - y.getTime());
      const start = i % 10 === 0 ? null : a!;
      const end = i % 10 === 1 ? null : i % 10 === 2 ? new Date(Date.UTC(b!.getUTCFullYear(), b!.getUTCMonth(), 1)) : b!;
      const periods = countPeriods(start, end);
      const expected = instants.filter((t) => (!start || t >= start) && (!end || t < end));
      expect(counted(periods, instants), `${start?.toISOString()} – ${end?.toISOString()}`).toBe(expected.length);
      for (const t of expected) expect((!periods.touched.from || t >= new Date(periods.touched.from)) && (!periods.touched.to || t < new Date(periods.touched.to))).toBe(true);
      const halfMonth = 16 * 86_400_000;
      for (const span of periods.spans) expect(span.to.getTime() - span.from.getTime()).toBeLessThanOrEqual(halfMonth);
    }
    expect(counted(countPeriods(at('2021-05-01T00:00:00Z'), at('2021-05-01T00:00:00Z')), instants)).toBe(0);
  });
});
