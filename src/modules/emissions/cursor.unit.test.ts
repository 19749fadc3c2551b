import { describe, expect, it } from 'vitest';
import { createCursorCodec } from './cursor.js';

const codec = createCursorCodec(new TextEncoder().encode('k'.repeat(48)));

describe('cursor codec', () => {
  it('round-trips a position for the same context', () => {
    const cursor = codec.encode(1234, 'org-a|scope=2');
    expect(cursor).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(codec.decode(cursor, 'org-a|scope=2')).toBe(1234);
  });

  it('refuses cursors that were edited, forged, or made for another organization or filters', () => {
    const cursor = codec.encode(10, 'org-a|');
    const [payload, signature] = cursor.split('.');
    const edited = `${Buffer.from(JSON.stringify({ s: 999 })).toString('base64url')}.${signature}`;
    expect(codec.decode(edited, 'org-a|')).toBeUndefined();
    expect(codec.decode(cursor, 'org-b|')).toBeUndefined();
    expect(codec.decode(cursor, 'org-a|scope=1')).toBeUndefined();
    expect(createCursorCodec(new TextEncoder().encode('x'.repeat(48))).decode(cursor, 'org-a|')).toBeUndefined();
    for (const junk of ['', 'abc', `${payload}.`, `${cursor}.x`, 'eyJzIjoxfQ.AAAA']) expect(codec.decode(junk, 'org-a|')).toBeUndefined();
  });
});
