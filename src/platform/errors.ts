/** The closed set of machine-readable error codes every API family maps from. */
export type ErrorCode =
  | 'INVALID_PAYLOAD'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VALIDATION_ERROR'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'REQUEST_TIMEOUT'
  | 'HEADERS_TOO_LARGE'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_ERROR';

export type IssueLocation = 'body' | 'query' | 'path' | 'header';

/** One problem with one input field, e.g. `body.cups_list[1]`. */
export interface FieldIssue {
  location: IssueLocation;
  path: (string | number)[];
  message: string;
  type: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly status: number;
}

export class BadRequestError extends DomainError {
  readonly code = 'INVALID_PAYLOAD';
  readonly status = 400;
}

export class UnauthorizedError extends DomainError {
  readonly code = 'UNAUTHORIZED';
  readonly status = 401;
  constructor(message = 'Missing or invalid credentials.') {
    super(message);
  }
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  readonly status = 403;
}

/** Also used for other tenants' resources, so that their existence is never revealed. */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly status = 404;
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
  readonly status = 409;
}

export class ValidationError extends DomainError {
  readonly code = 'VALIDATION_ERROR';
  readonly status = 422;
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map(describeIssue).join('; ') || 'Invalid input.');
  }

  static field(location: IssueLocation, path: (string | number)[], message: string, type = 'value_error') {
    return new ValidationError([{ location, path, message, type }]);
  }
}

/**
 * A form whose fields the user must correct (registration, password changes). The plume platform
 * answers these as `{errors: {field: [messages]}}`, with 403, or 422 where its page says so.
 */
export class FormRejectedError extends DomainError {
  readonly code: ErrorCode;
  constructor(
    readonly fieldErrors: Record<string, string[]>,
    readonly status: 403 | 422 = 403,
  ) {
    super(Object.entries(fieldErrors).map(([field, messages]) => `${field}: ${messages.join(' ')}`).join('; '));
    this.code = status === 403 ? 'FORBIDDEN' : 'VALIDATION_ERROR';
  }
}

export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';
  readonly status = 429;
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests. Retry after ${retryAfterSeconds} seconds.`);
  }
}

export class PayloadTooLargeError extends DomainError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly status = 413;
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  readonly status = 415;
}

/**
 * The database is unreachable, restarting or too slow to answer: nothing is wrong with the request,
 * and the same request is expected to work a few seconds later (503 with Retry-After).
 */
export class ServiceUnavailableError extends DomainError {
  readonly code = 'SERVICE_UNAVAILABLE';
  readonly status = 503;
  constructor(
    readonly retryAfterSeconds = 5,
    message = 'The service is temporarily unavailable; retry the request shortly.',
  ) {
    super(message);
  }
}

/**
 * Well-formed input naming something the server will not act on, such as a webhook URL on a
 * private network: 422 in every family (ValidationError stays each family's answer to invalid input).
 */
export class UnprocessableInputError extends DomainError {
  readonly code = 'VALIDATION_ERROR';
  readonly status = 422;
}

/** The request did not arrive in full within the server's request timeout. */
export class RequestTimeoutError extends DomainError {
  readonly code = 'REQUEST_TIMEOUT';
  readonly status = 408;
}

export class HeadersTooLargeError extends DomainError {
  readonly code = 'HEADERS_TOO_LARGE';
  readonly status = 431;
}

export class InternalError extends DomainError {
  readonly code = 'INTERNAL_ERROR';
  readonly status = 500;
  constructor() {
    super('Internal server error.');
  }
}

export function issuePath(issue: Pick<FieldIssue, 'path'>): string {
  return issue.path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part),
    '',
  );
}

function describeIssue(issue: FieldIssue): string {
  const where = issuePath(issue);
  return where ? `${where}: ${issue.message}` : issue.message;
}
