import type { Config } from '../platform/config.js';
import { isDatabaseOutage } from '../platform/db/database-errors.js';

/** Host and port of DATABASE_URL, never its password. */
export function databaseHost(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname && url.pathname !== '/' ? url.pathname : ''}`;
  } catch {
    return 'the address in DATABASE_URL';
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * One message a person can act on for a failure that ends a command: which variable to change,
 * which host or port. `config` is undefined when the configuration itself was the problem.
 */
export function describeFailure(error: unknown, config: Pick<Config, 'DATABASE_URL' | 'PORT' | 'HOST'> | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = codeOf(error);
  if (code === 'EADDRINUSE' && config) {
    return `Port ${config.PORT} on ${config.HOST} is already in use (another Carbon Atlas server, or another program). Stop it, or set PORT to a free port (e.g. PORT=${config.PORT + 1}).`;
  }
  if (code === 'EADDRNOTAVAIL' && config) return `Cannot listen on HOST=${config.HOST}: no such address on this machine. Set HOST to 127.0.0.1, 0.0.0.0 or one of its addresses.`;
  if (code === 'EACCES' && /listen/.test(message) && config) return `Not allowed to listen on port ${config.PORT} (ports below 1024 need privileges). Set PORT to 1024 or above.`;
  if (config?.DATABASE_URL) {
    const where = databaseHost(config.DATABASE_URL);
    if (code === '28P01' || code === '28000') return `PostgreSQL at ${where} refused the user or password in DATABASE_URL (${code}: ${message}).`;
    if (code === '3D000') return `PostgreSQL at ${where} has no such database (from DATABASE_URL): ${message}. Create it, or correct DATABASE_URL.`;
    if (isDatabaseOutage(error)) {
      const reason = error instanceof AggregateError && error.errors[0] instanceof Error ? (codeOf(error.errors[0]) ?? error.errors[0].message) : (code ?? message);
      return `Cannot reach PostgreSQL at ${where}, the server named by DATABASE_URL (${reason}). Start it or correct DATABASE_URL; unset DATABASE_URL to use the embedded database in DATA_DIR instead.`;
    }
  }
  return message;
}
