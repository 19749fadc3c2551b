import { BadRequestError, ConflictError, type DomainError, ServiceUnavailableError, ValidationError } from '../errors.js';

/** How long a client is asked to wait before retrying when the database is unavailable. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/** A deadlock or serialisation failure: the transaction lost a race and may simply be run again. */
const CONTENTION_SQLSTATES = new Set(['40001', '40P01']);

/**
 * SQLSTATEs that say the database, not the statement, is the problem: the server is shutting down
 * or restarting (57P01-57P03), our session was cut (57P05, 25P03), a statement or lock waited
 * longer than allowed (57014, 55P03), or the server is out of connections or resources (class 53).
 * Class 08 (connection exceptions) is matched by prefix.
 */
const OUTAGE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '57P05', '25P03', '57014', '55P03']);

/** Socket-level failures reaching the server (Node's errno codes). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ECONNABORTED', 'EAI_AGAIN', 'ENOTFOUND']);

/**
 * node-postgres and PGlite report lost connections, timeouts and closed pools with plain errors
 * that carry no code; these are their messages.
 */
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout expired',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'is not queryable',
  'Cannot use a pool after calling end on the pool',
  'PGlite is closing',
  'PGlite is closed',
];

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The database is unreachable, restarting, cut off or too slow: a lost race (40001, 40P01) is not an outage. */
export function isDatabaseOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = codeOf(error);
  if (code && (OUTAGE_SQLSTATES.has(code) || code.startsWith('08') || /^53[0-9A-Z]{3}$/.test(code) || NETWORK_CODES.has(code))) return true;
  // Node reports a refused connection to every address of a host as one AggregateError.
  if (error instanceof AggregateError && error.errors.some(isDatabaseOutage)) return true;
  return CONNECTION_MESSAGES.some((message) => error.message.includes(message));
}

/**
 * True when the database could not do the work for a reason that passes: a lost connection, a
 * restart, a timeout, an exhausted server, or a lost race with another transaction. The same work
 * is expected to succeed if tried again later; everything else is a real refusal or a bug.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const code = codeOf(error);
  return (code !== undefined && CONTENTION_SQLSTATES.has(code)) || isDatabaseOutage(error);
}

/** One line for the log: the SQLSTATE or errno code and the message, never a stack trace. */
export function describeDatabaseError(error: unknown): string {
  const code = codeOf(error);
  const message = error instanceof Error ? error.message || error.name : String(error);
  return code ? `${code}: ${message}` : message;
}

/**
 * Database errors that are not the server's fault, as domain errors: an outage becomes 503 with
 * Retry-After, and SQLSTATEs that mean "the client sent something we cannot accept" become 4xx.
 * Both pg and PGlite errors carry the SQLSTATE in `code`.
 */
export function domainErrorFromDatabase(error: unknown): DomainError | undefined {
  if (isDatabaseOutage(error)) return new ServiceUnavailableError(OUTAGE_RETRY_AFTER_SECONDS);
  const code = codeOf(error);
  if (code === undefined || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  if (CONTENTION_SQLSTATES.has(code)) return new ConflictError('A concurrent change got in the way; retry the request.');
  if (code === '23505') return new ConflictError('This conflicts with an existing resource.');
  if (code === '23503') return new ConflictError('This refers to a resource that does not exist or is still in use.');
  if (code === '23514' || code === '23502') return ValidationError.field('body', [], 'A value is outside what is allowed.', 'constraint');
  // Class 22, data exceptions: a NUL character in text, a number out of range, an invalid encoding.
  if (code.startsWith('22')) return new BadRequestError('Input contains a value the database cannot store (for example a NUL character or an out-of-range number).');
  return undefined;
}

interface Logger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/**
 * Logs a failure of background work (a worker's poll, a job): an outage as one warning line, since
 * it repeats at every poll until the database is back; anything else with its stack.
 */
export function logBackgroundFailure(log: Logger, what: string, error: unknown) {
  if (isTransientDatabaseError(error)) log.warn({ reason: describeDatabaseError(error) }, `${what}: database unavailable, retrying`);
  else log.error({ err: error }, `${what} failed`);
}
