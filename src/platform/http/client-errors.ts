import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestError, type DomainError, HeadersTooLargeError, RequestTimeoutError, ValidationError } from '../errors.js';
import { type ErrorFamily, formatError } from './error-families.js';
import { errorHandlerFor } from './error-handler.js';
import { API_CSP, applySecurityHeaders, SECURITY_HEADERS } from './security-headers.js';

/**
 * The API family a URL belongs to, for errors raised before any route (and its family's error
 * handler) is found. Mirrors the prefixes the modules register under.
 */
export function familyOfUrl(url: string): ErrorFamily {
  if (url.startsWith('/v2/')) return 'emissions';
  if (url === '/v1/facilities' || url.startsWith('/v1/facilities/') || url.startsWith('/v1/facilities?')) return 'facilities';
  if (url.startsWith('/api/v1/stac')) return 'stac';
  if (url.startsWith('/api/v1/')) return 'plume';
  return 'platform';
}

function frameworkDomainError(error: FastifyError): DomainError | FastifyError {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return new BadRequestError('The URL is not valid: it has a malformed percent-encoding.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      // What a schema's maxLength would have said: no id on any route is this long.
      return ValidationError.field('path', [], 'A path segment is longer than any id this API uses.', 'string_too_long');
    default:
      return error;
  }
}

/**
 * Fastify's `frameworkErrors`: a URL the router refused (bad percent-encoding, an over-long path
 * parameter) is answered by the error handler of the family the URL belongs to.
 */
export function handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  // These replies belong to no route, so the app's onSend hooks do not run for them.
  applySecurityHeaders(reply);
  reply.header('x-request-id', request.id);
  return errorHandlerFor(familyOfUrl(request.raw.url ?? '/'))(frameworkDomainError(error), request, reply);
}

const REQUEST_LINE = /(?:^|\r\n)[A-Z]{3,10} (\S+) HTTP\/1\.[01]\r\n/g;

/**
 * The target of the request that failed: the last request line before the point where parsing
 * stopped (earlier pipelined requests may share the packet), or `/` if there is none.
 */
function requestTarget(error: { rawPacket?: unknown; bytesParsed?: unknown }): string {
  if (!Buffer.isBuffer(error.rawPacket)) return '/';
  const end = typeof error.bytesParsed === 'number' ? error.bytesParsed + 1 : error.rawPacket.length;
  const text = error.rawPacket.subarray(0, Math.min(end, 65_536)).toString('latin1');
  return [...text.matchAll(REQUEST_LINE)].at(-1)?.[1] ?? '/';
}

function clientDomainError(code: string | undefined): DomainError {
  if (code === 'HPE_HEADER_OVERFLOW') return new HeadersTooLargeError('The request headers are too large.');
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return new RequestTimeoutError('The request did not arrive in full in time.');
  return new BadRequestError('The request is not valid HTTP.');
}

type ClientError = NodeJS.ErrnoException & { rawPacket?: unknown; bytesParsed?: unknown };

/** How long a closing connection may still send (its bytes are ignored) before it is cut. */
const DRAIN_MS = 2_000;
const answered = new WeakSet<Socket>();

/**
 * The node server's `clientError`: a request node cannot parse (headers too large, malformed
 * chunked encoding, invalid header characters) or that timed out. It is answered in its family's
 * error body, with the security headers, and the connection is closed gracefully — the answer is
 * flushed and half-closed, and the socket is only destroyed a moment later (bytes still arriving
 * meanwhile raise further parse errors, ignored here), so the client reads the answer instead of
 * a connection reset.
 */
export function handleClientError(error: ClientError, socket: Socket) {
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || socket.destroyed || answered.has(socket)) return;
  answered.add(socket);
  socket.on('error', () => undefined);
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  // A request pipelined after a complete one: that one's response goes first. If the request in
  // flight is itself incomplete, the error (a broken body, a timeout) is about it: answer now.
  if (inFlight && !inFlight.writableFinished && inFlight.req?.complete) {
    if (inFlight.headersSent) return void inFlight.once('close', () => answer(error, socket));
    inFlight.once('finish', () => answer(error, socket));
    inFlight.once('close', () => answer(error, socket));
    return;
  }
  answer(error, socket);
}

function answer(error: ClientError, socket: Socket) {
  if (socket.destroyed || !socket.writable) return;
  const { status, body } = formatError(familyOfUrl(requestTarget(error)), clientDomainError(error.code));
  const payload = JSON.stringify(body);
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(payload)),
    connection: 'close',
    ...SECURITY_HEADERS,
    'content-security-policy': API_CSP,
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${head}\r\n${payload}`);
  setTimeout(() => socket.destroy(), DRAIN_MS).unref();
}
