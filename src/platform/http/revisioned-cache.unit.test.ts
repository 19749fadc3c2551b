import { describe, expect, it } from 'vitest';
import { RevisionedCache } from './revisioned-cache.js';

describe('RevisionedCache', () => {
  it('serves a body only for the revision it was stored under', () => {
    const cache = new RevisionedCache(1024);
    cache.set('org-a page-1', 3, '{"items":[]}');
    expect(cache.get('org-a page-1', 3)).toBe('{"items":[]}');
    expect(cache.get('org-a page-1', 4)).toBeUndefined();
    expect(cache.get('org-b page-1', 3)).toBeUndefined();
  });

  it('evicts the least recently used bodies beyond its byte budget', () => {
    const cache = new RevisionedCache(100);
    cache.set('a', 1, 'x'.repeat(40));
    cache.set('b', 1, 'y'.repeat(40));
    cache.get('a', 1);
    cache.set('c', 1, 'z'.repeat(40));
    expect(cache.get('a', 1)).toBeDefined();
    expect(cache.get('b', 1)).toBeUndefined();
  });

  it('caches nothing with a budget of 0', () => {
    const cache = new RevisionedCache(0);
    cache.set('a', 1, 'x');
    expect(cache.get('a', 1)).toBeUndefined();
  });
});
