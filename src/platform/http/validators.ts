import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const COMMON: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };

/**
 * Query strings and paths carry only text, so their values are coerced to the declared types
 * ("5" → 5, one value → an array). JSON bodies carry types of their own and are validated as sent:
 * `null`, `true` or `["x"]` where a number or string is due is a 422, never silently converted.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const lenient = addFormats(new Ajv({ ...COMMON, coerceTypes: 'array' }));
  const strict = addFormats(new Ajv({ ...COMMON, coerceTypes: false }));
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : lenient).compile(schema as object);
}
