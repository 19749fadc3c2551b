import fc, { type Arbitrary } from 'fast-check';

/** The subset of JSON Schema our routes' TypeBox schemas produce (as printed in /openapi.json). */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  pattern?: string;
  format?: string;
  examples?: unknown[];
  default?: unknown;
}

/** Values the world holds (ids of seeded rows), offered where a schema wants a uuid or a named parameter. */
export interface KnownValues {
  uuids: string[];
  byName: Record<string, string[]>;
}

const isoDateTime = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2035-12-31T23:59:59Z'), noInvalidDate: true })
  .map((date) => date.toISOString());

function stringArbitrary(schema: JsonSchema, known: KnownValues): Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 40, Math.max(minLength, 40));
  const examples = (schema.examples ?? []).filter((example): example is string => typeof example === 'string');
  const choices: Arbitrary<string>[] = [];
  switch (schema.format) {
    case 'uuid':
      choices.push(fc.uuid());
      if (known.uuids.length > 0) choices.push(fc.constantFrom(...known.uuids), fc.constantFrom(...known.uuids));
      break;
    case 'date-time':
      choices.push(isoDateTime);
      break;
    case 'date':
      choices.push(isoDateTime.map((text) => text.slice(0, 10)));
      break;
    case 'email':
      choices.push(fc.emailAddress());
      break;
    default:
      // Date patterns (`^\d{4}-\d{2}-\d{2}…`) get real dates: a regex-shaped "2024-99-77" tests nothing new.
      if (schema.pattern?.includes('\\d{4}-\\d{2}-\\d{2}')) choices.push(isoDateTime.map((text) => (schema.pattern!.includes('T') ? text : text.slice(0, 10))));
      else if (schema.pattern) choices.push(patternArbitrary(schema.pattern));
      else choices.push(fc.string({ minLength, maxLength }), fc.string({ minLength, maxLength, unit: 'grapheme' }));
  }
  if (examples.length > 0) return fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...examples) }, { weight: 1, arbitrary: fc.oneof(...choices) });
  return fc.oneof(...choices);
}

function patternArbitrary(pattern: string): Arbitrary<string> {
  try {
    return fc.stringMatching(new RegExp(pattern));
  } catch {
    // fast-check cannot generate from every regex (look-aheads): plain text, mostly refused.
    return fc.string({ maxLength: 40 });
  }
}

function numberArbitrary(schema: JsonSchema, integer: boolean): Arbitrary<number> {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : 1e-9) : undefined);
  const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : 1e-9) : undefined);
  if (integer) {
    if (min === undefined && max === undefined) return fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: -1_000_000, max: 1_000_000 }));
    const low = min ?? (max ?? 0) - 1_000_000;
    return fc.integer({ min: low, max: max ?? low + 1_000_000 });
  }
  return fc.double({ min: min ?? -1e9, max: max ?? 1e9, noNaN: true, noDefaultInfinity: true });
}

function objectArbitrary(schema: JsonSchema, known: KnownValues, depth: number): Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const model: Record<string, Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties)) {
    const named = known.byName[name];
    const value = valueArbitrary(property, known, depth + 1);
    model[name] = named?.length ? fc.oneof(value, fc.constantFrom(...named)) : value;
  }
  const record = fc.record(model, { requiredKeys: (schema.required ?? []).filter((name) => name in properties) });
  if (Object.keys(properties).length > 0 || schema.additionalProperties === false) return record;
  // A free-form object (metadata, query): any small JSON object.
  return fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
}

/** An arbitrary of values the schema accepts, mostly: generation is bounded, not exhaustive. */
export function valueArbitrary(schema: JsonSchema, known: KnownValues, depth = 0): Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches?.length) return fc.oneof(...branches.map((branch) => valueArbitrary(branch, known, depth)));
  if (schema.allOf?.length) return valueArbitrary(Object.assign({}, ...schema.allOf) as JsonSchema, known, depth);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => valueArbitrary({ ...schema, type }, known, depth)));
  switch (types[0] ?? (schema.properties ? 'object' : undefined)) {
    case 'string':
      return stringArbitrary(schema, known);
    case 'integer':
      return numberArbitrary(schema, true);
    case 'number':
      return numberArbitrary(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const item = schema.items && depth < 6 ? valueArbitrary(schema.items, known, depth + 1) : fc.jsonValue({ maxDepth: 1 });
      return fc.array(item, { minLength, maxLength: Math.min(schema.maxItems ?? 5, minLength + 5) });
    }
    case 'object':
      return depth < 6 ? objectArbitrary(schema, known, depth) : fc.constant({});
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}
