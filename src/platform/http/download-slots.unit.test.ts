import { describe, expect, it } from 'vitest';
import { DownloadSlots } from './download-slots.js';

describe('DownloadSlots', () => {
  it('admits a client up to its own bound while others are still admitted', () => {
    const slots = new DownloadSlots({ perClient: 2, total: 8 });
    expect(slots.tryAcquire('address:a')).toBeTypeOf('function');
    expect(slots.tryAcquire('address:a')).toBeTypeOf('function');
    expect(slots.tryAcquire('address:a')).toBeUndefined();
    expect(slots.tryAcquire('address:b')).toBeTypeOf('function');
    expect([slots.count(), slots.count('address:a'), slots.count('address:b')]).toEqual([3, 2, 1]);
  });

  it('refuses everyone once the total is reached, and admits again when a slot is released', () => {
    const slots = new DownloadSlots({ perClient: 2, total: 3 });
    const releases = ['a', 'b', 'c'].map((client) => slots.tryAcquire(client)!);
    expect(slots.tryAcquire('d')).toBeUndefined();
    releases[1]!();
    expect(slots.tryAcquire('d')).toBeTypeOf('function');
  });

  it('counts a release once however often it is called', () => {
    const slots = new DownloadSlots({ perClient: 1, total: 2 });
    const release = slots.tryAcquire('a')!;
    const other = slots.tryAcquire('b')!;
    release();
    release();
    expect([slots.count(), slots.count('a'), slots.count('b')]).toEqual([1, 0, 1]);
    other();
    expect(slots.count()).toBe(0);
  });
});
