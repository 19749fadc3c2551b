import { twoline2satrec } from 'satellite.js';
import { describe, expect, it } from 'vitest';
import { canTransition, DECK_STATUSES, specsEditable } from './deck-status.js';
import { findOpportunities } from './opportunities.js';
import { searchWindow } from './opportunities.service.js';
import { mergeSpec, specProblems } from './specs.service.js';
import { SPEC_FIELDS, type SpecValues } from './specs.queries.js';
import { DEMO_TLE } from './tasking.seed.js';
import { bruteForcePasses } from './tasking.fixture.js';
import { tleChecksum, tleProblem, withChecksum } from './tle.js';

const DEG = 180 / Math.PI;
const satrec = twoline2satrec(DEMO_TLE.tle_line1, DEMO_TLE.tle_line2);

const PERMIAN = { key: 'permian', longitude: -103.5, latitude: 31.9 };
const DAY = { start: new Date('2026-12-02T00:00:00Z'), end: new Date('2026-12-03T00:00:00Z') };

describe('capture opportunities (SGP4)', () => {
  it('finds every pass a 1-second brute force finds, to within a second and tenths of a degree', () => {
    const reference = bruteForcePasses(PERMIAN, DAY.start, DAY.end);
    const found = findOpportunities(satrec, [PERMIAN], DAY, {});
    expect(reference.length).toBeGreaterThanOrEqual(2);
    expect(found).toHaveLength(reference.length);
    found.forEach((pass, i) => {
      const expected = reference[i]!;
      expect(Math.abs(pass.time.getTime() - expected.time.getTime())).toBeLessThanOrEqual(1000);
      expect(pass.elevation).toBeCloseTo(expected.elevation, 1);
      expect(Math.abs(pass.offNadir - expected.offNadir)).toBeLessThan(0.3);
      expect(Math.abs(pass.solarZenith - expected.solarZenith)).toBeLessThan(0.05);
    });
  });

  it('keeps only passes within the limits, and the sub-satellite point of a high pass is near the target', () => {
    const found = findOpportunities(satrec, [PERMIAN], { start: DAY.start, end: new Date('2026-12-09T00:00:00Z') }, { elevationMin: 60, offNadirMax: 30 });
    expect(found.length).toBeGreaterThan(0);
    for (const pass of found) {
      expect(pass.elevation).toBeGreaterThanOrEqual(60);
      expect(pass.offNadir).toBeLessThanOrEqual(30);
      // At ≥ 60° elevation from ~520 km the satellite is within ~300 km of the target: about 3° of arc.
      expect(Math.abs(pass.subSatellite.latitude - PERMIAN.latitude)).toBeLessThan(3);
      expect(Math.abs(pass.subSatellite.longitude - PERMIAN.longitude) * Math.cos(PERMIAN.latitude / DEG)).toBeLessThan(3);
    }
    const daylight = findOpportunities(satrec, [PERMIAN], DAY, { solarZenithMax: 90 });
    expect(daylight.every((pass) => pass.solarZenith <= 90)).toBe(true);
    expect(daylight.length).toBeLessThan(findOpportunities(satrec, [PERMIAN], DAY, {}).length);
  });
});

describe('two-line element sets', () => {
  it('accepts the demo TLE and names what is wrong with a broken one', () => {
    expect(tleProblem(DEMO_TLE.tle_line1, DEMO_TLE.tle_line2)).toBeNull();
    expect(tleChecksum(DEMO_TLE.tle_line1)).toBe(9);
    const wrongDigit = DEMO_TLE.tle_line1.slice(0, 68) + '0';
    expect(tleProblem(wrongDigit, DEMO_TLE.tle_line2)).toMatchObject({ field: 'tle_line1', message: expect.stringContaining('should be 9') });
    expect(tleProblem(DEMO_TLE.tle_line2, DEMO_TLE.tle_line1)).toMatchObject({ field: 'tle_line1' });
    const otherSatellite = withChecksum(DEMO_TLE.tle_line2.replace('99901', '99902'));
    expect(tleProblem(DEMO_TLE.tle_line1, otherSatellite)).toMatchObject({ field: 'tle_line2', message: expect.stringContaining('different satellite') });
    const hyperbolic = withChecksum(DEMO_TLE.tle_line2.replace('0010000', '9990000').replace('15.19000000', '00.00000001'));
    expect(tleProblem(DEMO_TLE.tle_line1, hyperbolic)).not.toBeNull();
  });
});

describe('deck status workflow', () => {
  it('allows the documented transitions only', () => {
    expect(canTransition('DRAFT', 'SUBMITTED')).toBe(true);
    expect(canTransition('DRAFT', 'ACTIVE')).toBe(false);
    expect(canTransition('SUBMITTED', 'DRAFT')).toBe(true);
    expect(canTransition('ACTIVE', 'PAUSED') && canTransition('PAUSED', 'ACTIVE')).toBe(true);
    for (const final of ['COMPLETED', 'CANCELLED', 'REPLACED'] as const) {
      expect(DECK_STATUSES.filter((to) => to !== final && canTransition(final, to))).toEqual([]);
    }
    expect(DECK_STATUSES.some((from) => from !== 'REPLACED' && canTransition(from, 'REPLACED'))).toBe(false);
    expect(DECK_STATUSES.filter(specsEditable)).toEqual(['DRAFT', 'PAUSED']);
  });
});

describe('target spec rules', () => {
  const empty = Object.fromEntries(SPEC_FIELDS.map((f) => [f, null])) as SpecValues;
  it('merges a patch over stored values and checks each min against its max and start against end', () => {
    const stored = mergeSpec(empty, { off_nadir_angle_max: 20, start_time: '2027-01-01T00:00:00Z', priority: 5 });
    expect(specProblems(mergeSpec(stored, { off_nadir_angle_min: 10 }))).toEqual([]);
    expect(specProblems(mergeSpec(stored, { off_nadir_angle_min: 25 }))).toMatchObject([{ path: ['off_nadir_angle_min'] }]);
    expect(specProblems(mergeSpec(stored, { end_time: '2026-12-31T00:00:00Z' }))).toMatchObject([{ path: ['end_time'] }]);
    expect(mergeSpec(stored, { priority: null }).priority).toBeNull();
    expect(mergeSpec(stored, {}).start_time).toEqual(new Date('2027-01-01T00:00:00Z'));
  });

  it('bounds the opportunity window by the spec’s window and to 31 days', () => {
    const spec = { start_time: new Date('2027-01-01T00:00:00Z'), end_time: new Date('2027-06-01T00:00:00Z') };
    const now = new Date('2026-12-15T00:00:00Z');
    expect(searchWindow(spec, {}, now)).toEqual({ start: spec.start_time, end: new Date('2027-02-01T00:00:00Z') });
    expect(searchWindow(spec, { start_time: '2026-12-01T00:00:00Z', end_time: '2027-01-03T00:00:00Z' }, now)).toEqual({ start: spec.start_time, end: new Date('2027-01-03T00:00:00Z') });
    expect(searchWindow({ start_time: null, end_time: null }, {}, now)).toEqual({ start: now, end: new Date('2026-12-22T00:00:00Z') });
    expect(() => searchWindow(spec, { start_time: '2027-02-01T00:00:00Z', end_time: '2027-04-01T00:00:00Z' }, now)).toThrow(/31 days/);
    expect(() => searchWindow(spec, { end_time: '2026-12-20T00:00:00Z' }, now)).toThrow(/empty/);
  });
});

describe('element sets that can be tasked', () => {
  it('refuses deep-space orbits, whose propagation backwards costs seconds per step (Molniya, geostationary)', () => {
    const molniya = withChecksum(`${DEMO_TLE.tle_line2.slice(0, 26)}7000000${DEMO_TLE.tle_line2.slice(33, 52)} 2.00000000${DEMO_TLE.tle_line2.slice(63, 68)}`);
    expect(tleProblem(DEMO_TLE.tle_line1, molniya)).toEqual({ field: 'tle_line2', message: expect.stringContaining('deep-space orbit') });
    const geostationary = withChecksum(`${DEMO_TLE.tle_line2.slice(0, 8)}  0.1000${DEMO_TLE.tle_line2.slice(16, 26)}0001000${DEMO_TLE.tle_line2.slice(33, 52)} 1.00270000${DEMO_TLE.tle_line2.slice(63, 68)}`);
    expect(tleProblem(DEMO_TLE.tle_line1, geostationary)?.message).toContain('deep-space orbit');
    expect(tleProblem(DEMO_TLE.tle_line1, DEMO_TLE.tle_line2)).toBeNull();
  });

  it('answers the largest search the limits allow (31 days × 25 targets) with passes over every target', () => {
    const satrec = twoline2satrec(DEMO_TLE.tle_line1, DEMO_TLE.tle_line2);
    const targets = Array.from({ length: 25 }, (_, i) => ({ key: `t${i}`, longitude: -120 + i * 10, latitude: -60 + i * 5 }));
    const start = new Date('2026-12-02T00:00:00Z');
    const found = findOpportunities(satrec, targets, { start, end: new Date(start.getTime() + 31 * 86_400_000) }, {}, 20);
    expect(new Set(found.map((o) => o.targetKey)).size).toBe(25);
    expect(found.every((o) => o.time >= start && o.time.getTime() <= start.getTime() + 31 * 86_400_000)).toBe(true);
  });
});
