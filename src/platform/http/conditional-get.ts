import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Whether an If-None-Match header names this entity tag (weak comparison, as RFC 9110 asks for GET). */
export function matchesEntityTag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((candidate) => opaque(candidate) === opaque(etag));
}

/**
 * Every successful GET answered in one piece carries an ETag of its bytes, and a client that already
 * holds them gets 304 with no body. Routes that know a cheaper tag (a revision) set their own first;
 * streamed answers (CSV exports) are left alone, since their bytes are not known in advance.
 * Run before compression (response-headers.ts), so the tag names the representation, not its encoding.
 */
export function conditionalPayload(request: FastifyRequest, reply: FastifyReply, payload: unknown): unknown {
  if ((request.method !== 'GET' && request.method !== 'HEAD') || reply.statusCode !== 200) return payload;
  // An answer marked no-store is never kept by the client, so a tag would never be sent back.
  if (/no-store/i.test(String(reply.getHeader('cache-control') ?? ''))) return payload;
  let etag = reply.getHeader('etag');
  if (etag === undefined) {
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    // Encoded once: hashing a string encodes it to UTF-8, and compression and the socket would
    // encode it again (~0.25 ms each for a 200 KiB page).
    if (typeof payload === 'string') payload = Buffer.from(payload);
    etag = `W/"${createHash('sha256').update(payload as Buffer).digest('base64url').slice(0, 27)}"`;
    reply.header('etag', etag);
  }
  if (!matchesEntityTag(request.headers['if-none-match'], String(etag))) return payload;
  reply.code(304);
  reply.removeHeader('content-length');
  return '';
}
