import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config.js';
import { handleClientError, handleFrameworkError } from './client-errors.js';

type TimeoutSettings = Pick<Config, 'REQUEST_TIMEOUT_MS' | 'HEADERS_TIMEOUT_MS' | 'CONNECTION_TIMEOUT_MS' | 'KEEP_ALIVE_TIMEOUT_MS'>;

/**
 * The HTTP server's limits and its answers to requests that never reach a route. Node checks the
 * request and header timeouts every `connectionsCheckingInterval` (30 s by default): it is kept to
 * a quarter of the shorter timeout so that a short timeout is enforced about when it says.
 */
export function httpServerOptions(config: TimeoutSettings) {
  const headersTimeout = Math.min(config.HEADERS_TIMEOUT_MS, config.REQUEST_TIMEOUT_MS);
  return {
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    connectionTimeout: config.CONNECTION_TIMEOUT_MS,
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
    http: {
      requestTimeout: config.REQUEST_TIMEOUT_MS,
      headersTimeout,
      connectionsCheckingInterval: Math.max(250, Math.min(30_000, Math.floor(headersTimeout / 4))),
    },
    frameworkErrors: handleFrameworkError,
    clientErrorHandler: handleClientError,
  } satisfies Partial<FastifyServerOptions> & { http: object };
}
