import { describe, expect, it } from 'vitest';
import { ConflictError, ServiceUnavailableError } from '../errors.js';
import { describeDatabaseError, domainErrorFromDatabase, isTransientDatabaseError } from './database-errors.js';

/** Errors shaped as node-postgres and PGlite raise them: a message and, from the server, a SQLSTATE. */
function serverError(code: string, message = 'from the server') {
  return Object.assign(new Error(message), { code, severity: 'ERROR' });
}

describe('database error classification', () => {
  it.each([
    ['57P01', 'terminating connection due to administrator command'],
    ['57P02', 'terminating connection because of crash of another server process'],
    ['57P03', 'the database system is shutting down'],
    ['08006', 'connection failure'],
    ['08001', 'could not connect'],
    ['57014', 'canceling statement due to statement timeout'],
    ['25P03', 'terminating connection due to idle-in-transaction timeout'],
    ['53300', 'sorry, too many clients already'],
    ['55P03', 'could not obtain lock'],
    ['40001', 'could not serialize access due to concurrent update'],
    ['40P01', 'deadlock detected'],
  ])('treats SQLSTATE %s (%s) as transient', (code, message) => {
    expect(isTransientDatabaseError(serverError(code, message))).toBe(true);
  });

  it.each([
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })], ''),
    new Error('Connection terminated unexpectedly'),
    new Error('Connection terminated due to connection timeout'),
    new Error('timeout exceeded when trying to connect'),
    new Error('Query read timeout'),
    new Error('Client has encountered a connection error and is not queryable'),
    new Error('PGlite is closed'),
  ])('treats a lost or refused connection as transient: %s', (error) => {
    expect(isTransientDatabaseError(error)).toBe(true);
  });

  it.each([
    serverError('23505', 'duplicate key value violates unique constraint'),
    serverError('23503', 'violates foreign key constraint'),
    serverError('22P02', 'invalid input syntax for type uuid'),
    serverError('42P01', 'relation does not exist'),
    serverError('XX000', 'internal error'),
    new Error('Reserved 3 tonnes for a transaction of 5.'),
    new ConflictError('Only a pending transaction can be cancelled.'),
    'a string',
    undefined,
  ])('treats a refusal or a bug as final: %s', (error) => {
    expect(isTransientDatabaseError(error)).toBe(false);
  });

  it('maps an outage to 503 with Retry-After, and a lost race still to 409', () => {
    const outage = domainErrorFromDatabase(serverError('57P01'));
    expect(outage).toBeInstanceOf(ServiceUnavailableError);
    expect(outage).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 });
    expect(domainErrorFromDatabase(new Error('Connection terminated unexpectedly'))).toBeInstanceOf(ServiceUnavailableError);
    expect(domainErrorFromDatabase(serverError('40P01'))).toBeInstanceOf(ConflictError);
    expect(domainErrorFromDatabase(new Error('something else'))).toBeUndefined();
  });

  it('describes an error in one line with its code', () => {
    expect(describeDatabaseError(serverError('57P03', 'the database system is shutting down'))).toBe('57P03: the database system is shutting down');
    expect(describeDatabaseError(new Error('Query read timeout'))).toBe('Query read timeout');
  });
});
