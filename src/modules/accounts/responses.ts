import { Type } from 'typebox';
import { ErrorSchemas } from '../../platform/http/error-families.js';

/** OpenAPI error responses of the plume platform's authenticated routes. */
export const plumeErrors = {
  401: ErrorSchemas.plume,
  403: ErrorSchemas.plume,
  422: ErrorSchemas.plume,
  429: ErrorSchemas.plume,
};

export const formErrors = { 403: ErrorSchemas.plumeForm, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume };
export const NoContent = Type.Null({ description: 'Done; no content.' });
