import { describe, expect, it } from 'vitest';
import { COLORMAPS, colormapTables } from './colormaps.js';

const entry = (name: keyof typeof colormapTables, index: number) => Array.from(colormapTables[name].subarray(index * 3, index * 3 + 3));

describe('colormaps', () => {
  it('hold 256 RGB entries each', () => {
    for (const name of COLORMAPS) expect(colormapTables[name]).toHaveLength(768);
  });

  it('are matplotlib’s tables as cmap(x, bytes=True) gives them (× 255, truncated)', () => {
    // matplotlib _cm_listed.py: turbo[0] = (0.18995, 0.07176, 0.23217), magma[255] = (0.987053, 0.991438, 0.749504),
    // viridis[0] = (0.267004, 0.004874, 0.329415), viridis[255] = (0.993248, 0.906157, 0.143936).
    expect(entry('turbo', 0)).toEqual([48, 18, 59]);
    expect(entry('magma', 255)).toEqual([251, 252, 191]);
    expect(entry('viridis', 0)).toEqual([68, 1, 84]);
    expect(entry('viridis', 255)).toEqual([253, 231, 36]);
    expect(entry('gray', 0)).toEqual([0, 0, 0]);
    expect(entry('gray', 128)).toEqual([128, 128, 128]);
  });

  it('reverse their table for the _r names', () => {
    for (const name of ['turbo', 'viridis', 'magma'] as const) {
      for (const i of [0, 17, 128, 255]) expect(entry(`${name}_r`, i)).toEqual(entry(name, 255 - i));
    }
  });
});
