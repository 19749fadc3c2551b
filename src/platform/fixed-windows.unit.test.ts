import { afterEach, describe, expect, it } from 'vitest';
import { FixedWindows } from './fixed-windows.js';

describe('FixedWindows', () => {
  const made: FixedWindows[] = [];
  const windows = (durationMs: number) => {
    const counters = new FixedWindows(durationMs);
    made.push(counters);
    return counters;
  };
  afterEach(() => made.splice(0).forEach((counters) => counters.close()));

  it('counts calls per key within a window that opens at the first call', () => {
    const counters = windows(60_000);
    expect(counters.consume('a', 1_000)).toEqual({ consumed: 1, msBeforeNext: 60_000 });
    expect(counters.consume('a', 21_000)).toEqual({ consumed: 2, msBeforeNext: 40_000 });
    expect(counters.consume('b', 21_000)).toEqual({ consumed: 1, msBeforeNext: 60_000 });
  });

  it('starts again once the window has ended', () => {
    const counters = windows(60_000);
    counters.consume('a', 0);
    counters.consume('a', 59_999);
    expect(counters.consume('a', 60_000)).toEqual({ consumed: 1, msBeforeNext: 60_000 });
  });

  it('peeks without counting, and sees no window once it ended', () => {
    const counters = windows(1_000);
    expect(counters.peek('a', 0)).toBeUndefined();
    counters.consume('a', 0);
    expect(counters.peek('a', 400)).toEqual({ consumed: 1, msBeforeNext: 600 });
    expect(counters.peek('a', 400)).toEqual({ consumed: 1, msBeforeNext: 600 });
    expect(counters.peek('a', 1_000)).toBeUndefined();
  });

  it('sweeps in the order windows end, a reopened window counting from its reopening', () => {
    const counters = windows(1_000);
    counters.consume('a', 0);
    counters.consume('b', 500);
    counters.consume('a', 1_200); // a's second window, ending at 2,200, after b's
    counters.sweep(1_600);
    expect(counters.size).toBe(1);
    expect(counters.peek('a', 1_600)).toEqual({ consumed: 1, msBeforeNext: 600 });
    counters.sweep(2_200);
    expect(counters.size).toBe(0);
  });

  it('drops ended windows when swept, keeping open ones', () => {
    const counters = windows(1_000);
    counters.consume('old', 0);
    counters.consume('new', 800);
    counters.sweep(1_000);
    expect(counters.size).toBe(1);
    expect(counters.peek('new', 1_000)).toEqual({ consumed: 1, msBeforeNext: 800 });
  });
});
