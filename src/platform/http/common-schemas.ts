import { Type } from 'typebox';
import { ErrorSchemas } from './error-families.js';

export const Uuid = Type.String({ format: 'uuid' });
export const Timestamp = Type.String({ format: 'date-time' });

/** The schema, or null. */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/** The error responses every authenticated platform route can give, for OpenAPI. */
export const platformErrorResponses = {
  401: ErrorSchemas.platform,
  403: ErrorSchemas.platform,
  422: ErrorSchemas.platform,
  429: ErrorSchemas.platform,
};
