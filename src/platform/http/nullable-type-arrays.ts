const PRIMITIVES = new Set(['string', 'number', 'integer', 'boolean']);

type Schema = Record<string, unknown>;

const isNull = (schema: unknown) => (schema as Schema | null)?.type === 'null' && Object.keys(schema as Schema).length === 1;
/** Keywords the serializer reads as the value itself (a const or default is written whatever the value): kept as anyOf. */
const VALUE_KEYWORDS = ['const', 'enum', 'default'];

const isPlainPrimitive = (schema: unknown): schema is Schema & { type: string } =>
  typeof schema === 'object' &&
  schema !== null &&
  typeof (schema as Schema).type === 'string' &&
  PRIMITIVES.has((schema as Schema).type as string) &&
  !VALUE_KEYWORDS.some((keyword) => keyword in schema);

/**
 * A response schema as fast-json-stringify serializes fastest: a nullable primitive written
 * `anyOf: [X, {type: 'null'}]` (how Nullable() declares it, and how OpenAPI shows it) becomes X with
 * `type: [X.type, 'null']`. For anyOf the serializer runs the validator on every value to pick a
 * branch (a date-time format check per timestamp); for a type array it tests typeof. The JSON
 * written is the same (nullable-type-arrays.unit.test.ts); only serialization sees this copy. A
 * primitive with a const, enum or default stays anyOf: as a type array the serializer would write
 * the const or default in place of null.
 */
export function nullableAsTypeArrays<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(nullableAsTypeArrays) as T;
  if (typeof schema !== 'object' || schema === null) return schema;
  const { anyOf } = schema as Schema;
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const value = anyOf.find((branch) => !isNull(branch));
    if (anyOf.some(isNull) && isPlainPrimitive(value)) {
      const { anyOf: _branches, ...rest } = schema as Schema;
      return { ...rest, ...value, type: [value.type, 'null'] } as T;
    }
  }
  const copy: Schema = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = nullableAsTypeArrays(value);
  return copy as T;
}
