import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { pullStream } from './streaming.js';

const turns = async (count: number) => {
  for (let i = 0; i < count; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

/** A producer of `chunks` chunks of `size` bytes (endless when chunks is Infinity) that counts its calls. */
function counted(chunks: number, size = 1000) {
  const state = { calls: 0, signals: [] as AbortSignal[] };
  const next = async (signal: AbortSignal) => {
    state.calls += 1;
    state.signals.push(signal);
    return state.calls <= chunks ? 'x'.repeat(size) : null;
  };
  return { state, next };
}

describe('pullStream', () => {
  it('asks for nothing before it is read, then for each chunk in turn until the end', async () => {
    const { state, next } = counted(3);
    const stream = pullStream(next);
    await turns(5);
    expect(state.calls).toBe(0);
    let bytes = 0;
    for await (const chunk of stream) bytes += (chunk as Buffer).length;
    expect(bytes).toBe(3000);
    expect(state.calls).toBe(4);
  });

  it('stops asking while its consumer takes nothing', async () => {
    const { state, next } = counted(Infinity, 64 * 1024);
    const stream = pullStream(next);
    // A consumer that accepts one write and never finishes it: a paused client.
    const stuck = new Writable({ highWaterMark: 1, write: () => undefined });
    stream.pipe(stuck);
    await turns(50);
    expect(state.calls).toBeGreaterThan(0);
    expect(state.calls).toBeLessThanOrEqual(3);
    stream.destroy();
  });

  it('never asks again once destroyed, and tells the running call to give up', async () => {
    let release: (chunk: string) => void = () => undefined;
    const signals: AbortSignal[] = [];
    const stream = pullStream((signal) => {
      signals.push(signal);
      return new Promise<string>((resolve) => (release = resolve));
    });
    stream.resume();
    await turns(2);
    expect(signals).toHaveLength(1);
    stream.destroy();
    expect(signals[0]!.aborted).toBe(true);
    release('late');
    await turns(10);
    expect(signals).toHaveLength(1);
  });

  it('skips empty chunks, and fails the stream with the producer’s error', async () => {
    const chunks = ['', 'a', '', 'b', null];
    const text: string[] = [];
    await pipeline(
      pullStream(async () => chunks.shift()!),
      new Writable({ write: (chunk, _encoding, done) => done(void text.push(String(chunk))) }),
    );
    expect(text.join('')).toBe('ab');
    await expect(pipeline(pullStream(() => Promise.reject(new Error('database gone'))), new Writable({ write: (_c, _e, done) => done() }))).rejects.toThrow('database gone');
  });
});
