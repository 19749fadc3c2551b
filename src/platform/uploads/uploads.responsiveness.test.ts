import http from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';

let ctx: TestContext;
let key: string;
let base: URL;

beforeAll(async () => {
  // No import worker: only the upload itself runs while the probes are asked.
  ctx = await createTestContext({ IMPORT_WORKERS: '0' });
  key = await (await ctx.organization('Uploader', 'enterprise')).key(['emissions:write', 'emissions:read']);
  base = new URL(await ctx.app.listen({ port: 0, host: '127.0.0.1' }));
});
afterAll(() => ctx?.close());

const LINE = `${JSON.stringify({ facility_id: 'fac_probe', scope: 1, category: 'fuel', value: 1, unit: 'kgCO2e', timestamp: '2024-05-05T00:00:00Z' })}\n`;
const PIECE = Buffer.from(LINE.repeat(Math.ceil((64 * 1024) / LINE.length)));
const PIECES = 96; // about 6 MB: six parts and more

/** Streams an NDJSON upload in pieces over a real socket; `onPiece` hears how many have been sent. */
function streamedUpload(onPiece: (sent: number) => void) {
  return new Promise<number>((resolve, reject) => {
    const request = http.request(
      { host: base.hostname, port: base.port, method: 'POST', path: '/v2/emissions/imports', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson', 'content-length': PIECE.length * PIECES } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode!));
      },
    );
    request.on('error', reject);
    Readable.from(
      (function* () {
        for (let sent = 1; sent <= PIECES; sent += 1) {
          yield PIECE;
          onPiece(sent);
        }
      })(),
    ).pipe(request);
  });
}

describe('receiving an upload', () => {
  it('keeps answering /healthz and /readyz while the upload is being stored', async () => {
    const answered: string[] = [];
    let probes: Promise<void> | undefined;
    const probe = async (path: string) => {
      const response = await fetch(new URL(path, base));
      answered.push(`${path} ${response.status}`);
    };
    const upload = streamedUpload((sent) => {
      // Once a few parts' worth has gone out, ask the probes while the rest is still being received.
      if (sent === 24) probes = Promise.all([probe('/healthz'), probe('/readyz')]).then(() => undefined);
    }).then((status) => answered.push(`upload ${status}`));
    await upload;
    await probes;
    expect(answered.slice(0, 2).sort()).toEqual(['/healthz 200', '/readyz 200']);
    expect(answered[2]).toBe('upload 202');
  });
});
