import type { FastifyRequest } from 'fastify';

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The origin absolute links in answers are built on (TileJSON, styles, STAC links, signed asset
 * URLs): PUBLIC_URL whenever the operator set it, so that no client's Host header can point other
 * clients (through a shared cache) at another host; otherwise the request's own, well-formed Host.
 */
export function publicOrigin(request: FastifyRequest): string {
  const configured = request.server.config.PUBLIC_URL;
  if (configured) return configured.replace(/\/+$/, '');
  const host = request.host;
  if (typeof host !== 'string' || !HOST.test(host)) return request.server.config.publicUrl;
  return `${request.protocol === 'https' ? 'https' : 'http'}://${host}`;
}
