import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';

// Requests no HTTP client library would send, written byte for byte to a listening server.
let ctx: TestContext;
let port: number;
let key: string;
beforeAll(async () => {
  ctx = await createTestContext({ REQUEST_TIMEOUT_MS: '1500', HEADERS_TIMEOUT_MS: '1000' });
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  port = (ctx.app.server.address() as AddressInfo).port;
  key = await (await ctx.organization('Raw HTTP')).key();
});
afterAll(() => ctx?.close());

interface Exchange {
  responses: { status: number; headers: Record<string, string>; body: string }[];
  reset: boolean;
}

function parseResponses(text: string): Exchange['responses'] {
  const responses: Exchange['responses'] = [];
  let rest = text;
  while (rest.startsWith('HTTP/1.1')) {
    const headEnd = rest.indexOf('\r\n\r\n');
    const [statusLine, ...lines] = rest.slice(0, headEnd).split('\r\n');
    const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length'] ?? 0);
    const body = rest.slice(headEnd + 4, headEnd + 4 + length);
    responses.push({ status: Number(statusLine!.split(' ')[1]), headers, body });
    rest = rest.slice(headEnd + 4 + length);
  }
  return responses;
}

/** Writes the parts in order and reads until the server closes the connection. */
function exchange(...parts: string[]): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let reset = false;
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => (reset = true));
    socket.on('close', () => resolve({ responses: parseResponses(Buffer.concat(chunks).toString('latin1')), reset }));
    socket.on('connect', () => parts.forEach((part) => socket.write(part)));
  });
}

describe('requests node cannot parse', () => {
  it('answer 431 for headers that are too large, in the family of the URL, and close without a reset', async () => {
    const { responses, reset } = await exchange(`GET /v2/emissions HTTP/1.1\r\nHost: test\r\nX-Filler: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(reset).toBe(false);
    expect(responses).toHaveLength(1);
    expect(responses[0]!.status).toBe(431);
    expect(responses[0]!.headers).toMatchObject({ connection: 'close', 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff' });
    expect(JSON.parse(responses[0]!.body)).toEqual({ code: 'HEADERS_TOO_LARGE', message: 'The request headers are too large.' });
  });

  it('answer 400 for a malformed chunked body in the family of the URL', async () => {
    const { responses, reset } = await exchange(`POST /v1/facilities HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`);
    expect(reset).toBe(false);
    expect(responses.map((response) => response.status)).toEqual([400]);
    expect(JSON.parse(responses[0]!.body)).toEqual({ code: 'INVALID_PAYLOAD', detail: 'The request is not valid HTTP.' });
  });

  it('answer the requests before the malformed one on a keep-alive connection, then close it cleanly', async () => {
    const { responses, reset } = await exchange('GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n', 'GET /api/v1/catalog/plumes HTTP/1.1\r\nHost: test\r\nBad Header: x\r\n\r\n');
    expect(reset).toBe(false);
    expect(responses.map((response) => response.status)).toEqual([200, 400]);
    expect(JSON.parse(responses[1]!.body)).toEqual({ detail: 'The request is not valid HTTP.', code: 'INVALID_PAYLOAD' });
  });

  it('answer a bad percent-encoding in the family body and keep the connection usable', async () => {
    const { responses } = await exchange('GET /api/v1/catalog/plume/%zz HTTP/1.1\r\nHost: test\r\n\r\n', 'GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n');
    expect(responses.map((response) => response.status)).toEqual([400, 200]);
    expect(JSON.parse(responses[0]!.body)).toMatchObject({ detail: expect.stringContaining('percent-encoding') });
  });
});

describe('a body shorter than its Content-Length', () => {
  it('is answered 408 in the family body once the request timeout passes, instead of hanging', async () => {
    const { responses, reset } = await exchange(`POST /v2/emissions HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"facility_id":`);
    expect(reset).toBe(false);
    expect(responses.map((response) => response.status)).toEqual([408]);
    expect(JSON.parse(responses[0]!.body)).toEqual({ code: 'REQUEST_TIMEOUT', message: 'The request did not arrive in full in time.' });
  });
});
