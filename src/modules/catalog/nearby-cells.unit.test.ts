import { describe, expect, it } from 'vitest';
import { longitudeReach, nearbyCellKeys, pointCellKey } from './nearby-cells.js';

/** A deterministic stream of numbers in [0, 1). */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('nearby cells', () => {
  it('hold every point of each page plume neighbourhood box, at every latitude, for its gas only', () => {
    const next = random(7);
    for (let i = 0; i < 400; i += 1) {
      const plume = { longitude: next() * 358 - 179, latitude: next() * 178 - 89, gas: next() < 0.5 ? 'CH4' : 'CO2' };
      const keys = new Set(nearbyCellKeys([plume], 1000));
      // In longitude the SQL's box (ST_Expand by metres / 111 km / cos), the reach less its margin;
      // in latitude 1 km along a meridian, 1000 / 110,574 m per degree at most.
      const half = longitudeReach(plume.latitude, 1000) - 1e-4;
      const meridian = 1000 / 110574;
      for (let j = 0; j < 50; j += 1) {
        const longitude = plume.longitude + (next() * 2 - 1) * half;
        const latitude = plume.latitude + (next() * 2 - 1) * meridian;
        expect(keys.has(pointCellKey(longitude, latitude, plume.gas))).toBe(true);
        expect(keys.has(pointCellKey(longitude, latitude, plume.gas === 'CO2' ? 'CH4' : 'CO2'))).toBe(false);
      }
      // The corners too, which floor() puts in the last row and column.
      for (const [dx, dy] of [[-1, -1], [-1, 1], [1, -1], [1, 1]]) expect(keys.has(pointCellKey(plume.longitude + dx! * half, plume.latitude + dy! * meridian, plume.gas))).toBe(true);
    }
  });

  it('stay few: a page of 1,000 plumes lists at most a few hundred cells each, even near a pole', () => {
    const next = random(11);
    for (const latitude of [0, 32, 59.9, 74.9, 82.4, 89.9]) {
      const page = Array.from({ length: 1000 }, () => ({ longitude: next() * 300 - 150, latitude, gas: 'CH4' }));
      expect(nearbyCellKeys(page, 1000).length).toBeLessThanOrEqual(1000 * 200);
    }
  });

  it('leave out a point just beyond the reach in longitude', () => {
    const keys = new Set(nearbyCellKeys([{ longitude: 10.5, latitude: 45.5, gas: 'CH4' }], 1000));
    expect(keys.has(pointCellKey(10.5 + 0.05, 45.5, 'CH4'))).toBe(false);
    expect(keys.has(pointCellKey(10.5, 45.5 + 0.05, 'CH4'))).toBe(false);
  });
});
