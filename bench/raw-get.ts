import http from 'node:http';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

export interface RawAnswer {
  status: number;
  bytes: number;
  /** The body as sent (still gzipped when the server gzipped it). */
  body: Buffer;
  encoding: string | undefined;
}

/** What a browser asks for: the server answers brotli. */
export const BROWSER_ENCODINGS = { 'accept-encoding': 'gzip, deflate, br' };

/** The response to a GET over the one kept-alive connection, its body not yet read. */
function respond(url: string, headers: Record<string, string>): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent, headers }, resolve).on('error', reject);
  });
}

/**
 * GET over one kept-alive connection, taking the bytes as sent: the time ends with the last byte,
 * as a load tool's latency does. fetch would also gunzip and parse them, on this process's event
 * loop, the one the server under test runs on.
 */
export async function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const response = await respond(url, headers);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      bytes += chunk.length;
    });
    response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes, body: Buffer.concat(chunks, bytes), encoding: response.headers['content-encoding'] }));
    response.on('error', reject);
  });
}

const DECODERS: Record<string, (body: Buffer) => Buffer> = { gzip: gunzipSync, br: brotliDecompressSync, deflate: inflateSync };

/** An answer's body as text, decoded after the timing. */
export function textOf(answer: RawAnswer): string {
  const decode = answer.encoding ? DECODERS[answer.encoding] : undefined;
  if (answer.encoding && !decode) throw new Error(`unexpected content-encoding ${answer.encoding}`);
  return (decode ? decode(answer.body) : answer.body).toString('utf8');
}

/** An answer's JSON, decoded after the timing. */
export function jsonOf<T>(answer: RawAnswer): T {
  return JSON.parse(textOf(answer)) as T;
}

/** GET streamed into `sink` as sent (a long export), over the same kept-alive connection; resolves when the sink has the last byte. */
export async function rawStream(url: string, headers: Record<string, string>, sink: Writable): Promise<void> {
  const response = await respond(url, headers);
  if (response.statusCode !== 200) {
    response.resume(); // read to the end, so the kept-alive connection is free again
    throw new Error(`${url} answered ${response.statusCode}`);
  }
  await pipeline(response, sink);
}
