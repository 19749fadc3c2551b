import { Type } from 'typebox';
import { FormRejectedError, issuePath, type DomainError, ValidationError } from '../errors.js';

/**
 * Each compatible API answers errors in its own page's format. This is the one place that knows
 * those formats; routes only throw domain errors.
 */
export type ErrorFamily = 'platform' | 'facilities' | 'emissions' | 'plume' | 'stac';

export interface ErrorResponse {
  status: number;
  body: Record<string, unknown>;
}

type Formatter = (error: DomainError) => ErrorResponse;

/** Facilities (a FastAPI service): `{code, detail}`; validation lists `{loc, msg, type}` per field. */
const facilities: Formatter = (error) => {
  if (error instanceof ValidationError) {
    return {
      status: 422,
      body: {
        code: error.code,
        detail: error.issues.map((issue) => ({ loc: [issue.location, ...issue.path], msg: issue.message, type: issue.type })),
      },
    };
  }
  return { status: error.status, body: { code: error.code, detail: error.message } };
};

function fieldDetails(error: ValidationError) {
  return error.issues.map((issue) => ({ field: issuePath(issue), location: issue.location, message: issue.message }));
}

/** Emissions: `{code, message}`, with invalid input reported as 400 INVALID_PAYLOAD as its page lists. */
const emissions: Formatter = (error) => {
  if (error instanceof ValidationError) {
    return {
      status: 400,
      body: { code: 'INVALID_PAYLOAD', message: error.message, details: fieldDetails(error) },
    };
  }
  return { status: error.status, body: { code: error.code, message: error.message } };
};

/** Carbon Atlas's own endpoints (identity, health): `{code, message[, details]}` with 422 for invalid input. */
const platform: Formatter = (error) => {
  if (error instanceof ValidationError) {
    return {
      status: 422,
      body: { code: error.code, message: error.message, details: fieldDetails(error) },
    };
  }
  return { status: error.status, body: { code: error.code, message: error.message } };
};

/**
 * The plume data platform (a Django Ninja service): `{detail}` for errors, Ninja's 422
 * `{detail: [{type, loc, msg}]}` for invalid input, and `{errors: {field: [...]}}` for rejected forms.
 */
const plume: Formatter = (error) => {
  if (error instanceof FormRejectedError) return { status: error.status, body: { errors: error.fieldErrors } };
  if (error instanceof ValidationError) {
    return {
      status: 422,
      body: { detail: error.issues.map((issue) => ({ type: issue.type, loc: [issue.location, ...issue.path], msg: issue.message })) },
    };
  }
  return { status: error.status, body: { detail: error.message, code: error.code } };
};

/**
 * STAC API (as stac-fastapi and the STAC API spec's OpenAPI answer): `{code, description}`, with
 * every invalid input (Fastify's own validation included) a 400, never a 422.
 */
const STAC_CODES: Partial<Record<DomainError['code'], string>> = {
  INVALID_PAYLOAD: 'InvalidParameterValue',
  VALIDATION_ERROR: 'InvalidParameterValue',
  NOT_FOUND: 'NotFoundError',
  UNAUTHORIZED: 'Unauthorized',
  FORBIDDEN: 'Forbidden',
  RATE_LIMITED: 'TooManyRequests',
  PAYLOAD_TOO_LARGE: 'PayloadTooLarge',
  UNSUPPORTED_MEDIA_TYPE: 'UnsupportedMediaType',
  SERVICE_UNAVAILABLE: 'ServiceUnavailable',
  INTERNAL_ERROR: 'InternalServerError',
};
const stac: Formatter = (error) => {
  const status = error instanceof ValidationError || error.status === 422 ? 400 : error.status;
  return { status, body: { code: STAC_CODES[error.code] ?? error.code, description: error.message } };
};

const FORMATTERS: Record<ErrorFamily, Formatter> = { platform, facilities, emissions, plume, stac };

export function formatError(family: ErrorFamily, error: DomainError): ErrorResponse {
  return FORMATTERS[family](error);
}

/** Response schemas for OpenAPI; additional properties stay allowed so serialisation never drops the body. */
export const ErrorSchemas = {
  facilities: Type.Object(
    {
      code: Type.String({ examples: ['NOT_FOUND'] }),
      detail: Type.Union([
        Type.String(),
        Type.Array(Type.Object({ loc: Type.Array(Type.Union([Type.String(), Type.Integer()])), msg: Type.String(), type: Type.String() })),
      ]),
    },
    { $id: 'FacilitiesError', title: 'FacilitiesError' },
  ),
  plume: Type.Object(
    {
      detail: Type.Union([
        Type.String(),
        Type.Array(Type.Object({ type: Type.String(), loc: Type.Array(Type.Union([Type.String(), Type.Integer()])), msg: Type.String() })),
      ]),
      code: Type.Optional(Type.String({ examples: ['UNAUTHORIZED'] })),
    },
    { $id: 'PlumeError', title: 'PlumeError' },
  ),
  plumeForm: Type.Object(
    { errors: Type.Record(Type.String(), Type.Array(Type.String()), { examples: [{ password1: ['This password is too common.'] }] }) },
    { $id: 'PlumeFormError', title: 'PlumeFormError' },
  ),
  stac: Type.Object(
    { code: Type.String({ examples: ['InvalidParameterValue'] }), description: Type.String() },
    { $id: 'StacError', title: 'StacError' },
  ),
  platform: Type.Object(
    {
      code: Type.String({ examples: ['UNAUTHORIZED'] }),
      message: Type.String(),
      details: Type.Optional(Type.Array(Type.Object({ field: Type.String(), location: Type.String(), message: Type.String() }))),
    },
    { $id: 'PlatformError', title: 'PlatformError' },
  ),
};
