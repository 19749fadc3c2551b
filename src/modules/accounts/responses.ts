import { Type } from 'typebox';
import { ErrorSchemas } from '../../platform/http/error-families.js';

/** OpenAPI error responses of the plume platform's authenticated routes. */
export const plumeErrors = {
  401: ErrorSchemas.plume,
  403: ErrorSchemas.plume,
  422: ErrorSchemas.plume,
  429: ErrorSchemas.plume,
};

/** Form endpoints answer `{errors}` for rejected fields and `{detail}` for everything else. */
const formOrPlain = Type.Union([ErrorSchemas.plumeForm, ErrorSchemas.plume]);
export const formErrors = { 401: ErrorSchemas.plume, 403: formOrPlain, 422: formOrPlain, 429: ErrorSchemas.plume };
export const NoContent = Type.Null({ description: 'Done; no content.' });
