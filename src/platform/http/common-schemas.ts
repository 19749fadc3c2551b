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

/**
 * A free-form JSON object (metadata, saved queries, payloads): any keys and values, but bounded in
 * nesting depth and serialized size so that storing or echoing it can neither overflow nor flood.
 */
export const JsonObject = ({ maxDepth = 16, maxBytes = 16_384, description = 'Any JSON object.' }: { maxDepth?: number; maxBytes?: number; description?: string } = {}) =>
  Type.Record(Type.String(), Type.Unknown(), {
    'x-max-depth': maxDepth,
    'x-max-bytes': maxBytes,
    description: `${description} At most ${maxDepth} levels deep and ${maxBytes} bytes as JSON.`,
  });
