import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { TileEntry } from '../../../platform/tiles/tile-cache.js';

export const MVT_TYPE = 'application/vnd.mapbox-vector-tile';

/** OpenAPI for a tile answer: bytes, nothing (no feature there), or not modified. */
export const TILE_RESPONSES = {
  200: { description: 'A Mapbox Vector Tile 2.1 (gzip-encoded, fastest level, when the client accepts it)', content: { [MVT_TYPE]: { schema: Type.String({ format: 'binary' }) } } },
  204: { description: 'No feature in this tile: an empty tile (MapLibre draws nothing).', type: 'null' },
  304: { description: 'Not modified: the tile named by If-None-Match is still current.', type: 'null' },
};

/** The last Accept-Encoding seen and its answer: a map's requests all send the same one. */
let lastAcceptEncoding: string | undefined;
let lastAcceptsGzip = false;

/** Whether the client takes gzip (Accept-Encoding lists gzip or *, not with q=0). */
export function acceptsGzip(request: FastifyRequest): boolean {
  const header = request.headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  if (header === lastAcceptEncoding) return lastAcceptsGzip;
  const answer = header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
  lastAcceptEncoding = header;
  lastAcceptsGzip = answer;
  return answer;
}

/**
 * A strong validator made from the tile's own bytes: it changes only when what the viewer sees
 * changes. (A validator naming the catalog's revision would let anyone watch every organization's
 * private edits move it.)
 */
export function tileEtag(bytes: Uint8Array): string {
  return `t-${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}`;
}

function matches(request: FastifyRequest, tag: string): boolean {
  const header = request.headers['if-none-match'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((candidate) => {
    const value = candidate.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
    return value === '*' || value === tag;
  });
}

/**
 * Answers 304 when If-None-Match names the current tile, before any work; sets the validators.
 * Each encoding has its own tag (gzip or not, by the request's Accept-Encoding).
 */
export function notModified(request: FastifyRequest, reply: FastifyReply, etag: string, gzip = acceptsGzip(request)): boolean {
  const tag = gzip ? `${etag}-gz` : etag;
  reply.header('vary', 'Accept-Encoding');
  // Tiles of a signed-in viewer may show its organization's unpublished plumes: never in a shared cache.
  reply.header('cache-control', request.principal ? 'private, no-cache' : 'public, no-cache');
  reply.header('etag', `"${tag}"`);
  if (!matches(request, tag)) return false;
  void reply.code(304).send();
  return true;
}

/** Sends a tile: 204 when it holds no feature, else its bytes, gzipped when accepted. Uncached variants: no-store. */
export function sendTile(request: FastifyRequest, reply: FastifyReply, tile: TileEntry, cached: boolean, gzip = acceptsGzip(request)) {
  reply.header('vary', 'Accept-Encoding');
  if (!cached) reply.header('cache-control', 'no-store');
  if (tile.body.length === 0) return reply.code(204).send();
  reply.type(MVT_TYPE);
  if (gzip && tile.gzipped) {
    reply.header('content-encoding', 'gzip');
    return reply.send(tile.gzipped);
  }
  return reply.send(tile.body);
}

/** The request's own query string (repeated keys and all), to carry filters into tile URLs. */
export function queryStringOf(request: FastifyRequest): string {
  const at = request.url.indexOf('?');
  return at === -1 ? '' : request.url.slice(at);
}
