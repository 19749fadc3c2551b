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

/**
 * GET over one kept-alive connection, taking the bytes as sent: the time ends with the last byte,
 * as a load tool's latency does. fetch would also gunzip and parse them, on this process's event
 * loop, the one the server under test runs on.
 */
export function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (response) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          bytes += chunk.length;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes, body: Buffer.concat(chunks, bytes), encoding: response.headers['content-encoding'] }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

/** An answer's body as text, decoded after the timing. */
export function textOf(answer: RawAnswer): string {
  const decoders: Record<string, (body: Buffer) => Buffer> = { gzip: gunzipSync, br: brotliDecompressSync, deflate: inflateSync };
  const decode = answer.encoding ? decoders[answer.encoding] : undefined;
  if (answer.encoding && !decode) throw new Error(`unexpected content-encoding ${answer.encoding}`);
  return (decode ? decode(answer.body) : answer.body).toString('utf8');
}

/** An answer's JSON, decoded after the timing. */
export function jsonOf<T>(answer: RawAnswer): T {
  return JSON.parse(textOf(answer)) as T;
}

/** GET streamed into `sink` as sent (a long export), over the same kept-alive connection; resolves when the sink has the last byte. */
export function rawStream(url: string, headers: Record<string, string>, sink: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (response) => {
        if (response.statusCode !== 200) {
          response.resume(); // read to the end, so the kept-alive connection is free again
          reject(new Error(`${url} answered ${response.statusCode}`));
          return;
        }
        pipeline(response, sink).then(resolve, reject);
      })
      .on('error', reject);
  });
}
