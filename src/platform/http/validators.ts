import { Ajv, type ErrorObject, type FuncKeywordDefinition, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { isDate, isInstant } from './date-time.js';
import { findJsonProblem } from './json-guard.js';
import { booleanNormaliser } from './query-booleans.js';
import type { DeferredCompilation } from './deferred-compilation.js';

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

// verbose: errors carry their schema, so a field can state in `x-error-message` exactly what to send.
const COMMON: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false, verbose: true };

/**
 * A field's own message (`x-error-message` in its schema) replaces ajv's generic one. The verbose
 * parts (the schema, the value sent) are dropped so that no input travels on in an error (or a log).
 */
function withFieldMessages(errors: ValidateFunction['errors']): ValidateFunction['errors'] {
  return errors?.map(({ data: _data, schema: _schema, parentSchema, ...error }) => {
    const message = (parentSchema as { 'x-error-message'?: unknown } | undefined)?.['x-error-message'];
    return typeof message === 'string' ? { ...error, message } : error;
  }) ?? errors;
}

/** Serialized size of a value once it is known to be shallow enough to serialize. */
function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}

type KeywordCheck = ((max: number, data: unknown) => boolean) & { errors?: Partial<ErrorObject>[] };

/** A keyword's check that reports its own message (ajv's default names only the keyword). */
function limitCheck(keyword: string, holds: (max: number, data: unknown) => boolean, message: (max: number) => string): NonNullable<FuncKeywordDefinition['validate']> {
  const check: KeywordCheck = (max: number, data: unknown) => {
    if (holds(max, data)) return true;
    check.errors = [{ keyword, message: message(max), params: { limit: max } }];
    return false;
  };
  return check;
}

function createAjv(coerceTypes: Options['coerceTypes']): Ajv {
  const ajv = addFormats(new Ajv({ ...COMMON, coerceTypes }));
  // The one date-time reading of the whole server (see date-time.ts), instead of ajv-formats' own.
  ajv.addFormat('date-time', { type: 'string', validate: isInstant });
  ajv.addFormat('date', { type: 'string', validate: isDate });
  // Limits for free-form JSON fields (see JsonObject in common-schemas.ts); OpenAPI shows them as extensions.
  ajv.addKeyword({ keyword: 'x-max-depth', schemaType: 'number', errors: true, validate: limitCheck('x-max-depth', (max, data) => findJsonProblem(data, max) === undefined, (max) => `must not be nested more than ${max} levels deep`) });
  ajv.addKeyword({ keyword: 'x-max-bytes', schemaType: 'number', errors: true, validate: limitCheck('x-max-bytes', (max, data) => findJsonProblem(data) === undefined && jsonBytes(data) <= max, (max) => `must not be larger than ${max} bytes as JSON`) });
  return ajv;
}

/**
 * Wraps a schema's validator with the limits every input keeps whatever its schema declares:
 * numbers are finite (query strings coerce "1e400" to Infinity too) and JSON is not nested
 * absurdly deep. They are checked first, without recursion, so the schema never sees such values
 * (`walk` false: the value was already checked where it was parsed). Errors get their fields' messages.
 */
function guarded(validate: ValidateFunction, walk = true): ValidateFunction {
  const check = ((data: unknown) => {
    const problem = walk ? findJsonProblem(data) : undefined;
    if (problem) {
      const error: ErrorObject = {
        instancePath: problem.path.map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join(''),
        schemaPath: '#',
        keyword: problem.type,
        params: {},
        message: problem.message,
      };
      check.errors = [error];
      return false;
    }
    const valid = validate(data);
    check.errors = withFieldMessages(validate.errors);
    return valid;
  }) as ValidateFunction;
  check.errors = null;
  return check;
}

/**
 * Query strings and paths carry only text, so their values are coerced to the declared types
 * ("5" → 5, one value → an array). JSON bodies carry types of their own and are validated as sent:
 * `null`, `true` or `["x"]` where a number or string is due is a 422, never silently converted.
 */
export function createValidatorCompiler(deferred: DeferredCompilation): FastifySchemaCompiler<unknown> {
  let ajvs: { lenient: Ajv; strict: Ajv } | undefined;
  const compile = (schema: unknown, httpPart: string | undefined) => {
    ajvs ??= { lenient: createAjv('array'), strict: createAjv(false) };
    // A JSON body was already walked by the body parser (json-body-parser.ts), the only parser that
    // yields parsed values; walking it again here would only repeat that work on every request.
    const validate = httpPart === 'body' ? guarded(ajvs.strict.compile(schema as object), false) : guarded(ajvs.lenient.compile(schema as object));
    const normalise = httpPart === 'querystring' || httpPart === 'params' ? booleanNormaliser(schema) : undefined;
    return normalise ? withBooleanSpellings(validate, normalise) : validate;
  };
  return ({ schema, httpPart }) => deferred.defer(() => compile(schema, httpPart));
}

/** Booleans in text (query, path) are read as clients spell them (see query-booleans.ts) before validation. */
function withBooleanSpellings(validate: ValidateFunction, normalise: (data: unknown) => void): ValidateFunction {
  const check = ((data: unknown) => {
    normalise(data);
    const valid = validate(data);
    check.errors = validate.errors;
    return valid;
  }) as ValidateFunction;
  check.errors = null;
  return check;
}

/**
 * A JSON value's check against a body schema outside a route (rows of an NDJSON/CSV upload), with
 * the same rules as request bodies. Returns the first problem, as `field: message`.
 */
export function compileBodyCheck(schema: object): (value: unknown) => string | undefined {
  const validate = guarded(createAjv(false).compile(schema));
  return (value) => {
    if (validate(value)) return undefined;
    const [first] = validate.errors ?? [];
    if (!first) return 'invalid record';
    const field = first.keyword === 'required' ? [first.instancePath, String(first.params.missingProperty)].join('/') : first.instancePath;
    const where = field ? `${field.replace(/^\//, '').replace(/\//g, '.')}: ` : '';
    return `${where}${first.message ?? 'invalid value'}`;
  };
}
