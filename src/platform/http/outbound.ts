import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { refusedAddressKind } from './outbound-address.js';

/**
 * The one HTTP client for requests the server makes to addresses it does not control: webhook
 * deliveries and OpenID Connect discovery. It refuses non-public targets (see outbound-address.ts)
 * twice: when a URL is accepted, and at connection time against the very addresses the socket
 * connects to, so a name that resolved to a public address then, and to 127.0.0.1 now (DNS
 * rebinding), is still refused. It never follows redirects and bounds time and response size.
 */

export interface OutboundPolicy {
  /** For local testing only: allow loopback, private and other non-public targets. */
  allowPrivateTargets: boolean;
}

/** The target is not a public http(s) address; `message` says why, for the tenant who gave it. */
export class OutboundTargetRefused extends Error {
  override name = 'OutboundTargetRefused';
}

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const resolveAll: Resolver = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

function parseTarget(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OutboundTargetRefused(`${url} is not a valid URL.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new OutboundTargetRefused(`${url} is not an http(s) URL.`);
  return parsed;
}

/** The WHATWG parser has already turned 2130706433, 0177.0.0.1 and 0x7f.1 into 127.0.0.1. */
function hostAddressOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Throws when an address is not public. A name's addresses are not repeated: they may be the internal network's. */
function refuseAddress(host: string, address: string) {
  const kind = refusedAddressKind(address);
  if (!kind) return;
  const subject = host === address ? `${address} is` : `${host} resolves to`;
  throw new OutboundTargetRefused(`${subject} ${/^(unspecified|[aeio])/.test(kind) ? 'an' : 'a'} ${kind} address; only public addresses are allowed.`);
}

/**
 * Checks a URL before it is stored (a webhook subscription): http(s), and its host — an IP in any
 * notation, or a name and every address it resolves to now — public, unless the policy allows
 * private targets. Returns the normalised URL.
 */
export async function checkOutboundTarget(url: string, policy: OutboundPolicy, resolve: Resolver = resolveAll): Promise<URL> {
  const parsed = parseTarget(url);
  if (policy.allowPrivateTargets) return parsed;
  const host = hostAddressOf(parsed);
  if (isIP(host)) {
    refuseAddress(host, host);
    return parsed;
  }
  // A name that does not resolve (yet) reaches nothing; it is checked again each time it is connected to.
  const addresses = await resolve(host).catch((): LookupAddress[] => []);
  for (const { address } of addresses) refuseAddress(host, address);
  return parsed;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for sockets: resolves once, refuses the connection if any address is not public, else hands those very addresses to the socket. */
function guardedLookup(resolve: Resolver) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    resolve(hostname).then(
      (addresses) => {
        try {
          if (addresses.length === 0) throw new OutboundTargetRefused(`${hostname} does not resolve to an address.`);
          for (const { address } of addresses) refuseAddress(hostname, address);
        } catch (refusal) {
          return callback(refusal as NodeJS.ErrnoException, '');
        }
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        if (options.all) return callback(null, wanted);
        const [first] = wanted;
        if (!first) return callback(Object.assign(new Error(`${hostname} has no IPv${options.family} address.`), { code: 'ENOTFOUND' }), '');
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

export interface OutboundRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** The whole exchange — resolution, connection, request, response — must fit in this. */
  timeoutMs: number;
  /** Larger responses fail; 0 ignores the body altogether (only the status matters). */
  maxResponseBytes: number;
  signal?: AbortSignal | undefined;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

// A fresh connection per request: no pooled socket outlives the check made when it was opened.
const agents = { 'http:': new http.Agent({ keepAlive: false }), 'https:': new https.Agent({ keepAlive: false }) };

/** Sends one request. Redirects are answers like any other (a 3xx status), never followed. */
export async function outboundRequest(url: string, request: OutboundRequest, policy: OutboundPolicy, resolve: Resolver = resolveAll): Promise<OutboundResponse> {
  const target = parseTarget(url);
  const host = hostAddressOf(target);
  // Literal IPs never reach `lookup`, so they are checked here; names are checked as they resolve.
  if (!policy.allowPrivateTargets && isIP(host)) refuseAddress(host, host);
  const signal = AbortSignal.any([AbortSignal.timeout(request.timeoutMs), ...(request.signal ? [request.signal] : [])]);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise<OutboundResponse>((resolveResponse, reject) => {
    const outgoing = client.request(
      target,
      {
        method: request.method,
        headers: { ...request.headers, ...(request.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(request.body)) }) },
        agent: agents[target.protocol as 'http:' | 'https:'],
        signal,
        ...(policy.allowPrivateTargets ? {} : { lookup: guardedLookup(resolve) as unknown as typeof dnsLookup }),
      },
      (response) => {
        signal.addEventListener('abort', () => response.destroy(signal.reason instanceof Error ? signal.reason : new Error('Aborted.')), { once: true });
        const answer = { status: response.statusCode ?? 0, headers: response.headers };
        if (request.maxResponseBytes === 0) {
          response.destroy();
          return resolveResponse({ ...answer, body: Buffer.alloc(0) });
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > request.maxResponseBytes) return response.destroy(new Error(`Response larger than ${request.maxResponseBytes} bytes.`));
          chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () => resolveResponse({ ...answer, body: Buffer.concat(chunks) }));
      },
    );
    outgoing.on('error', (error) => reject(signal.aborted && signal.reason instanceof Error && error.name === 'AbortError' ? signal.reason : error));
    outgoing.end(request.body);
  });
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * `fetch` for libraries that take one (jose's JWKS loader): GET through outboundRequest, answered
 * as a WHATWG Response. Redirects come back as their 3xx status.
 */
export function outboundFetch(policy: OutboundPolicy, limits: { timeoutMs: number; maxResponseBytes: number }) {
  return async (url: string | URL, init: { method?: string; headers?: ConstructorParameters<typeof Headers>[0]; signal?: AbortSignal | null } = {}): Promise<Response> => {
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const answer = await outboundRequest(String(url), { method: 'GET', headers, ...limits, signal: init.signal ?? undefined }, policy);
    if (answer.status < 200 || answer.status > 599) throw new Error(`Unexpected HTTP status ${answer.status}.`);
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
    return new Response(NULL_BODY_STATUSES.has(answer.status) ? null : answer.body, { status: answer.status, headers: responseHeaders });
  };
}
