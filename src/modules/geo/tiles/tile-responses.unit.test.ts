import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { acceptsGzip } from './tile-responses.js';

const asking = (header: string | undefined) => ({ headers: header === undefined ? {} : { 'accept-encoding': header } }) as FastifyRequest;

describe('acceptsGzip', () => {
  it('reads each header afresh, whatever the one before it said (it remembers only the last)', () => {
    const cases: [string | undefined, boolean][] = [
      ['gzip', true],
      ['gzip', true],
      ['identity', false],
      ['gzip;q=0, br', false],
      ['gzip;q=0, br', false],
      ['GZIP, deflate', true],
      ['*', true],
      ['br, *;q=0', false],
      [undefined, false],
      ['deflate, gzip;q=0.5', true],
      ['identity', false],
    ];
    for (const [header, expected] of cases) expect([header, acceptsGzip(asking(header))]).toEqual([header, expected]);
  });
});
