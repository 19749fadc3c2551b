import type { FastifyReply } from 'fastify';

/**
 * Headers every response carries. A small hook rather than @fastify/helmet: the policy is four
 * lines that must fit /docs exactly, and it has to be reused byte for byte by the raw responses
 * written for unparsable requests (client-errors.ts), which no plugin reaches.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** API responses (JSON, CSV, tiles…) run nothing in a browser and are never framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * HTML pages (the /docs reference): swagger-ui loads only its own scripts and styles from this
 * server and fetches /openapi.json, but React sets inline `style` attributes and its icons are
 * `data:` images. Its validator badge is off (validatorUrl null), so nothing else is contacted.
 */
export const HTML_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function isHtml(contentType: unknown): boolean {
  return typeof contentType === 'string' && contentType.startsWith('text/html');
}

const SECURITY_HEADER_ENTRIES = Object.entries(SECURITY_HEADERS);

/** Sets the headers on a reply about to be sent; a route that set its own Content-Security-Policy keeps it. */
export function applySecurityHeaders(reply: FastifyReply): void {
  for (const [name, value] of SECURITY_HEADER_ENTRIES) reply.header(name, value);
  if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', isHtml(reply.getHeader('content-type')) ? HTML_CSP : API_CSP);
}
