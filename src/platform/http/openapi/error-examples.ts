import {
  BadRequestError,
  ConflictError,
  type DomainError,
  type FieldIssue,
  ForbiddenError,
  FormRejectedError,
  HeadersTooLargeError,
  InternalError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  RequestTimeoutError,
  ServiceUnavailableError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../errors.js';
import { type ErrorFamily, formatError } from '../error-families.js';
import type { JsonSchema } from './schema-sample.js';

/** What an operation tells about itself that makes its error examples specific. */
export interface OperationFacts {
  path: string;
  method: string;
  scopes: readonly string[];
  /** The field a validation example names: the body's first required property, or else a parameter. */
  invalidField: FieldIssue;
}

/**
 * The family whose body a response schema describes, from the schema's title (see ErrorSchemas);
 * of a choice of bodies, a rejected form is the one an example shows (the more specific answer).
 */
export function familyOfErrorSchema(schema: JsonSchema | undefined, path: string, deref: (schema: JsonSchema) => JsonSchema | undefined): ErrorFamily | 'plumeForm' | undefined {
  const branches = (schema?.anyOf ?? schema?.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(branches)) {
    const families = branches.map((branch) => familyOfErrorSchema(deref(branch), path, deref));
    return families.includes('plumeForm') ? 'plumeForm' : families.find(Boolean);
  }
  switch (schema?.title) {
    case 'FacilitiesError':
      return 'facilities';
    case 'PlumeError':
      return 'plume';
    case 'PlumeFormError':
      return 'plumeForm';
    case 'StacError':
      return 'stac';
    case 'PlatformError':
      // The emissions page shares the platform's body shape but answers invalid input with 400.
      return path.startsWith('/v2/') ? 'emissions' : 'platform';
    default:
      return undefined;
  }
}

/** The domain error an operation raises for a status, with the message the server really sends. */
function domainErrorFor(status: number, family: ErrorFamily, facts: OperationFacts): DomainError {
  switch (status) {
    case 400:
      // Emissions and STAC answer invalid input with 400; the others keep 400 for unparsable bodies.
      return family === 'emissions' || family === 'stac' ? new ValidationError([facts.invalidField]) : new BadRequestError('Request body is not valid JSON.');
    case 401:
      return new UnauthorizedError();
    case 403:
      return new ForbiddenError(
        facts.scopes.length > 0
          ? `This credential lacks the scope ${facts.scopes.join(', ')}.`
          : 'This API key does not belong to the organization in x-organization-id.',
      );
    case 404:
      return new NotFoundError(facts.path.includes('{') ? `${resourceName(facts.path)} not found.` : `Route ${facts.method.toUpperCase()} ${facts.path} not found.`);
    case 408:
      return new RequestTimeoutError('The request did not arrive in full in time.');
    case 409:
      return new ConflictError('The request conflicts with the current state of the resource (for example a name or code already in use).');
    case 413:
      return new PayloadTooLargeError('Request body is too large.');
    case 415:
      return new UnsupportedMediaTypeError('Unsupported content type: text/plain.');
    case 422:
      return new ValidationError([facts.invalidField]);
    case 429:
      return new RateLimitedError(42);
    case 431:
      return new HeadersTooLargeError('The request headers are too large.');
    case 503:
      return new ServiceUnavailableError();
    default:
      return new InternalError();
  }
}

/** `/v1/facilities/{facility_id}/consumption/{id}` → "Consumption", for a not-found message. */
function resourceName(path: string): string {
  const words = path.split('/').filter((part) => part && !part.startsWith('{') && !/^v\d+$|^api$/.test(part));
  const last = singular((words.at(-1) ?? 'resource').replace(/[_-]/g, ' '));
  return last.charAt(0).toUpperCase() + last.slice(1);
}

function singular(word: string): string {
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  return word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

/**
 * The body the server sends for this status on this operation, produced by the same formatter the
 * error handler uses — so an example can never drift from the real answer.
 */
export function errorExample(status: number, family: ErrorFamily | 'plumeForm', facts: OperationFacts): unknown {
  if (family === 'plumeForm') {
    const form: Record<string, string[]> = status === 422 ? { email: ['Enter a valid email address.'] } : { password1: ['This password is too common.'] };
    return formatError('plume', new FormRejectedError(form, status === 422 ? 422 : 403)).body;
  }
  return formatError(family, domainErrorFor(status, family, facts)).body;
}

/** The field a validation example complains about, chosen from what the operation accepts. */
export function invalidFieldOf(body: JsonSchema | undefined, parameters: JsonSchema[]): FieldIssue {
  const required = Array.isArray(body?.required) ? (body.required as string[]) : [];
  if (required[0]) return { location: 'body', path: [required[0]], message: 'Field required', type: 'missing' };
  const parameter = parameters.find((p) => p.in === 'query') ?? parameters.find((p) => p.in === 'path');
  if (parameter) {
    const location = parameter.in === 'path' ? 'path' : 'query';
    const schema = (parameter.schema ?? {}) as JsonSchema;
    return { location, path: [String(parameter.name)], ...parameterComplaint(schema) };
  }
  const firstProperty = Object.keys((body?.properties ?? {}) as object)[0];
  if (firstProperty) return { location: 'body', path: [firstProperty], message: 'must be string', type: 'type' };
  return { location: 'body', path: [], message: 'must be object', type: 'type' };
}

function parameterComplaint(schema: JsonSchema): { message: string; type: string } {
  if (typeof schema.format === 'string') return { message: `must match format "${schema.format}"`, type: 'format' };
  if (Array.isArray(schema.enum)) return { message: 'must be equal to one of the allowed values', type: 'enum' };
  if (typeof schema.maximum === 'number') return { message: `must be <= ${schema.maximum}`, type: 'maximum' };
  if (typeof schema.maxLength === 'number') return { message: `must NOT have more than ${schema.maxLength} characters`, type: 'maxLength' };
  if (typeof schema.type === 'string' && schema.type !== 'string') return { message: `must be ${schema.type}`, type: 'type' };
  return { message: 'Invalid value', type: 'value_error' };
}
