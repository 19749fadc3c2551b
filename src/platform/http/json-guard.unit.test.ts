import { describe, expect, it } from 'vitest';
import { findJsonProblem } from './json-guard.js';

describe('findJsonProblem', () => {
  it('passes flat and nested values within the limits', () => {
    expect(findJsonProblem({ a: 'x', b: true, c: null, d: 1.5, e: [1, { f: 'g' }] })).toBeUndefined();
    expect(findJsonProblem('text')).toBeUndefined();
  });

  it('names the path of a number that is not finite', () => {
    expect(findJsonProblem({ a: [{ b: 1 }, { c: Infinity }] })).toEqual({ path: ['a', 1, 'c'], message: 'must be a finite number', type: 'finite' });
    expect(findJsonProblem(NaN)).toEqual({ path: [], message: 'must be a finite number', type: 'finite' });
  });

  it('counts containers for depth and names the first one too deep', () => {
    expect(findJsonProblem({ a: { b: {} } }, 3)).toBeUndefined();
    expect(findJsonProblem({ a: { b: { c: {} } } }, 3)).toEqual({ path: ['a', 'b', 'c'], message: 'is nested more than 3 levels deep', type: 'max_depth' });
    expect(findJsonProblem([[['x']]], 2)).toEqual({ path: [0, 0], message: 'is nested more than 2 levels deep', type: 'max_depth' });
  });

  it('reports the first problem in document order', () => {
    expect(findJsonProblem({ first: -Infinity, second: Infinity })?.path).toEqual(['first']);
  });

  it('checks a value nested far beyond the limit without recursing', () => {
    let deep: unknown = 1;
    for (let level = 0; level < 100_000; level += 1) deep = [deep];
    expect(findJsonProblem(deep)?.path).toHaveLength(32);
  });
});
