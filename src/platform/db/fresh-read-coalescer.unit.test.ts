import { describe, expect, it } from 'vitest';
import { FreshReadCoalescer } from './fresh-read-coalescer.js';

function controlledLoads() {
  const releases: ((value: number) => void)[] = [];
  let started = 0;
  const load = () => {
    started += 1;
    return new Promise<number>((resolve) => releases.push(resolve));
  };
  return { load, releases, started: () => started };
}

describe('FreshReadCoalescer', () => {
  it('reads afresh for callers that come one after another', async () => {
    const coalescer = new FreshReadCoalescer<number>();
    let value = 0;
    expect(await coalescer.read('org', async () => ++value)).toBe(1);
    expect(await coalescer.read('org', async () => ++value)).toBe(2);
  });

  it('makes callers arriving during a read share the next read, never the one already running', async () => {
    const coalescer = new FreshReadCoalescer<number>();
    const { load, releases, started } = controlledLoads();
    const first = coalescer.read('org', load);
    const late = [coalescer.read('org', load), coalescer.read('org', load), coalescer.read('org', load)];
    expect(started()).toBe(1);
    releases[0]!(10);
    expect(await first).toBe(10);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started()).toBe(2);
    releases[1]!(11);
    expect(await Promise.all(late)).toEqual([11, 11, 11]);
  });

  it('keeps keys apart and recovers after a failed read', async () => {
    const coalescer = new FreshReadCoalescer<number>();
    await expect(coalescer.read('a', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await coalescer.read('a', async () => 1)).toBe(1);
    const [a, b] = await Promise.all([coalescer.read('a', async () => 2), coalescer.read('b', async () => 3)]);
    expect([a, b]).toEqual([2, 3]);
  });
});
