import type { FastifyServerOptions } from 'fastify';

export const REDACTED = '[REDACTED]';

/**
 * Query parameters that carry a credential or make a URL usable by whoever reads it: signed asset
 * links (`signature`, `X-Amz-*`), tokens, keys, passwords, and the OAuth `code`/`state` pair.
 * Matched on the words of the name (`access_token`, `apiKey`, `X-Amz-Credential`…).
 */
const CREDENTIAL_WORDS = new Set(['token', 'key', 'apikey', 'signature', 'sig', 'password', 'passwd', 'pwd', 'secret', 'code', 'state', 'credential', 'credentials', 'auth', 'authorization', 'session', 'jwt', 'otp']);

function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export function isCredentialParameter(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    // A malformed name is still checked as written.
  }
  if (/^x-amz-/i.test(decoded)) return true;
  return wordsOf(decoded).some((word) => CREDENTIAL_WORDS.has(word) || word.endsWith('token') || word.endsWith('secret') || word.endsWith('password'));
}

/** The URL as logged: the path as is, and the value of every credential-looking query parameter replaced. */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark === -1) return url;
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      return equals !== -1 && isCredentialParameter(name) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, mark)}?${query}`;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  hostname?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number } | null;
}

/** Fastify's request log fields, with the URL redacted. */
export function serializeRequest(request: LoggedRequest) {
  return {
    method: request.method,
    url: request.url === undefined ? undefined : redactUrl(request.url),
    host: request.host ?? request.hostname,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** Credential headers and fields, wherever a log line carries them (e.g. a logged request or error). */
const CREDENTIAL_HEADERS = ['headers.authorization', 'headers.cookie', 'headers["x-api-key"]', 'headers["set-cookie"]'];
const CREDENTIAL_FIELDS = ['password', 'api_key', 'secret', 'token', 'access_token', 'refresh_token'];
const REDACT_PATHS = [
  ...CREDENTIAL_HEADERS.flatMap((header) => [header, `*.${header}`]),
  ...CREDENTIAL_FIELDS.flatMap((field) => [field, `*.${field}`]),
];

/** JSON lines for machines; on a terminal (or LOG_FORMAT=pretty), one readable line per request. */
export function usesPrettyLogs(format: 'auto' | 'json' | 'pretty', isTerminal = Boolean(process.stdout.isTTY)): boolean {
  return format === 'pretty' || (format === 'auto' && isTerminal);
}

export function loggerOptions(level: string, pretty = false): NonNullable<Exclude<FastifyServerOptions['logger'], boolean>> {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: { req: serializeRequest as never },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,reqId' } } } : {}),
  };
}

/** The one line a terminal shows per request: `GET /v1/facilities 200 3.1 ms`, credentials redacted. */
export function requestLine(method: string, url: string, status: number, milliseconds: number): string {
  return `${method} ${redactUrl(url)} ${status} ${milliseconds.toFixed(1)} ms`;
}
