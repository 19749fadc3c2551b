import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  BadRequestError,
  DomainError,
  type FieldIssue,
  ForbiddenError,
  InternalError,
  type IssueLocation,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors.js';
import { type ErrorFamily, formatError } from './error-families.js';
import { describeDatabaseError, domainErrorFromDatabase } from '../db/database-errors.js';

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

const LOCATIONS: Record<string, IssueLocation> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

function pathOf(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function issueFromAjv(location: IssueLocation, error: AjvError): FieldIssue {
  const path = pathOf(error.instancePath);
  switch (error.keyword) {
    case 'required':
      return { location, path: [...path, String(error.params.missingProperty)], message: 'Field required', type: 'missing' };
    case 'additionalProperties':
      return { location, path: [...path, String(error.params.additionalProperty)], message: 'Unknown field', type: 'extra_forbidden' };
    default:
      return { location, path, message: error.message ?? 'Invalid value', type: error.keyword };
  }
}

const BAD_BODY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Request body is empty.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Request body is shorter or longer than its Content-Length.',
};

/** Turns anything thrown while handling a request into a domain error with a safe message. */
export function toDomainError(error: unknown, request: FastifyRequest): DomainError {
  if (error instanceof DomainError) return error;
  const fromDatabase = domainErrorFromDatabase(error);
  if (fromDatabase) return fromDatabase;
  const fastifyError = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fastifyError.validation) {
    const location = LOCATIONS[fastifyError.validationContext ?? 'body'] ?? 'body';
    const issues = fastifyError.validation.map((item) => issueFromAjv(location, item));
    // A union failing reports every branch; keep each field's first complaint.
    const seen = new Set<string>();
    return new ValidationError(issues.filter((issue) => !seen.has(issue.path.join('.')) && seen.add(issue.path.join('.'))));
  }
  const status = fastifyError.statusCode ?? 500;
  switch (status) {
    case 400:
      return new BadRequestError(BAD_BODY_MESSAGES[fastifyError.code] ?? 'Request body is not valid JSON.');
    case 403:
      return new ForbiddenError('Forbidden.');
    case 404:
      return new NotFoundError('Not found.');
    case 413:
      return new PayloadTooLargeError('Request body is too large.');
    case 415:
      return new UnsupportedMediaTypeError(`Unsupported content type: ${request.headers['content-type'] ?? 'none'}.`);
    case 429:
      return new RateLimitedError(60);
    default:
      if (status >= 400 && status < 500) return new BadRequestError('Bad request.');
      return new InternalError();
  }
}

/** The error handler for one API family. Internals are logged, never sent. */
export function errorHandlerFor(family: ErrorFamily) {
  return function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
    const domainError = toDomainError(error, request);
    if (domainError instanceof InternalError) request.log.error({ err: error }, 'request failed');
    if (domainError instanceof RateLimitedError) reply.header('retry-after', String(domainError.retryAfterSeconds));
    if (domainError instanceof ServiceUnavailableError) {
      // An outage fails many requests at once: one warning line each, without a stack trace.
      request.log.warn({ reason: describeDatabaseError(error) }, 'service unavailable');
      reply.header('retry-after', String(domainError.retryAfterSeconds));
    }
    const { status, body } = formatError(family, domainError);
    return reply.status(status).send(body);
  };
}

export function notFoundHandlerFor(family: ErrorFamily) {
  return function handleNotFound(request: FastifyRequest, reply: FastifyReply) {
    const { status, body } = formatError(family, new NotFoundError(`Route ${request.method} ${request.url.split('?')[0]} not found.`));
    return reply.status(status).send(body);
  };
}
