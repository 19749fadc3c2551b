import { BadRequestError, ConflictError, type DomainError, ValidationError } from '../errors.js';

/**
 * PostgreSQL SQLSTATEs that mean "the client sent something we cannot accept" rather than "the
 * server failed". Both pg and PGlite errors carry the SQLSTATE in `code`.
 */
export function domainErrorFromDatabase(error: unknown): DomainError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  if (code === '40P01' || code === '40001') return new ConflictError('A concurrent change got in the way; retry the request.');
  if (code === '23505') return new ConflictError('This conflicts with an existing resource.');
  if (code === '23503') return new ConflictError('This refers to a resource that does not exist or is still in use.');
  if (code === '23514' || code === '23502') return ValidationError.field('body', [], 'A value is outside what is allowed.', 'constraint');
  // Class 22, data exceptions: a NUL character in text, a number out of range, an invalid encoding.
  if (code.startsWith('22')) return new BadRequestError('Input contains a value the database cannot store (for example a NUL character or an out-of-range number).');
  return undefined;
}
