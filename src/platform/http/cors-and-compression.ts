import nodeZlib, { constants as zlib, type BrotliOptions, type ZlibOptions } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import compress from '@fastify/compress';

/**
 * Browsers on other origins (a team's own dashboard, a notebook) may call the API only from the
 * origins the operator lists in CORS_ORIGINS ("*" for any): credentials travel in headers, never
 * cookies, so no origin is trusted with ambient authority either way.
 */
export function allowedOrigins(setting: string | undefined): boolean | string[] {
  if (!setting) return false;
  const origins = setting.split(',').map((origin) => origin.trim()).filter(Boolean);
  return origins.includes('*') ? true : origins;
}

export async function registerCorsAndCompression(app: FastifyInstance) {
  const origins = allowedOrigins(app.config.CORS_ORIGINS);
  // No origin listed: no CORS headers for anyone, which is what the plugin would answer too, without
  // its hook on every request.
  if (origins !== false) await registerCors(app, origins);
  await registerCompression(app);
}

async function registerCors(app: FastifyInstance, origins: true | string[]) {
  await app.register(cors, {
    origin: origins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'x-api-key', 'x-organization-id', 'idempotency-key', 'if-none-match', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'etag', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after', 'location'],
    maxAge: 600,
  });
}

/**
 * Answers streamed (over 512 KiB: a basin's sources are ~1.5 MB of GeoJSON) in 64 KiB chunks, gzip
 * at level 1: level 3 took ~17 ms of CPU on 1.5 MB against ~9.5 ms, for 6% more bytes (decision
 * 0036). Brotli's 16 KiB default chunks cost ~20% more CPU than 64 KiB on the 27 MB of every source
 * (decision 0041). The CSV exports set their own levels (plume-csv.ts).
 */
const streamingZlib = {
  ...nodeZlib,
  createGzip: (options?: ZlibOptions) => nodeZlib.createGzip({ ...options, level: 1, chunkSize: 64 * 1024 }),
  createBrotliCompress: (options?: BrotliOptions) => nodeZlib.createBrotliCompress({ ...options, chunkSize: 64 * 1024 }),
};

async function registerCompression(app: FastifyInstance) {
  // Brotli at quality 1, as the CSV export (decision 0041): on plumes/annotated's 265 KiB page it takes
  // 0.5 ms for 24.4 KB, where quality 4 took 1.95 ms for 21.5 KB and gzip at level 3 (below) 1.4 ms
  // for 26.8 KB, so it costs less CPU than either and still sends fewer bytes than gzip. An answer
  // already in memory up to 512 KiB (a page of 100 STAC items is ~210 KiB) is compressed in one
  // synchronous call instead of through a stream: the stream's set-up and thread-pool hops cost
  // ~3.5 ms of CPU and 5 ms of latency on such a page (the library's default ceiling on 2 cores is
  // 8 KiB). Decision 0033.
  await app.register(compress, {
    threshold: 1024,
    syncThreshold: 512 * 1024,
    encodings: ['br', 'gzip'],
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 1 } },
    // gzip at level 3, for the same reason: on a 210 KiB STAC page 0.57 ms and 20.0 KB, against
    // zlib's default (6) 1.23 ms and 17.0 KB. Most HTTP clients (fetch, requests) ask for gzip only.
    zlibOptions: { level: 3 },
    zlib: streamingZlib,
    customTypes: /^(application\/(json|geo\+json|vnd\.oai\.openapi\+json|schema\+json|yaml|xml|gml\+xml)|text\/)/,
  });
}
