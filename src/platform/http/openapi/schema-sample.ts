/**
 * A value that satisfies a JSON schema, for the examples of the OpenAPI document: a schema's own
 * `examples`, `default`, `const` or first `enum` value wins; otherwise one is built from the type,
 * the format and the bounds. Every property is filled in (not only the required ones), so the
 * example shows the whole shape a client receives.
 */
export type JsonSchema = Record<string, unknown>;

const FORMAT_SAMPLES: Record<string, string> = {
  uuid: '9b2f6a1e-3c4d-4e8f-a1b2-c3d4e5f60718',
  'date-time': '2024-11-15T14:30:00Z',
  date: '2024-11-15',
  time: '14:30:00Z',
  email: 'ana@acme.test',
  uri: 'https://carbon-atlas.example/api/v1/stac',
  url: 'https://carbon-atlas.example/api/v1/stac',
  'uri-reference': '/api/v1/stac/collections',
  ipv4: '192.0.2.10',
  hostname: 'carbon-atlas.example',
};

/** Deep enough for every response shape we serve; guards against a self-referencing schema. */
const MAX_DEPTH = 12;

export function sampleOf(schema: unknown, resolve: (ref: string) => unknown = () => undefined, depth = 0): unknown {
  if (!schema || typeof schema !== 'object' || depth > MAX_DEPTH) return null;
  const s = schema as JsonSchema;
  if (typeof s.$ref === 'string') return sampleOf(resolve(s.$ref), resolve, depth + 1);
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if ('example' in s) return s.example;
  if ('const' in s) return s.const;
  if ('default' in s) return s.default;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum.find((value) => value !== null && value !== '') ?? s.enum[0];
  const branches = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(branches)) {
    // The first branch a client would normally see: not null, not the empty string "unset" spelling.
    const meaningful = branches.find((branch) => !isNullOrUnset(branch as JsonSchema)) ?? branches[0];
    return sampleOf(meaningful, resolve, depth + 1);
  }
  if (Array.isArray(s.allOf)) {
    return Object.assign({}, ...s.allOf.map((part) => sampleOf(part, resolve, depth + 1)).filter(isPlainObject));
  }
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? s.type[0]) : s.type;
  switch (type) {
    case 'object':
      return objectSample(s, resolve, depth);
    case 'array':
      return arraySample(s, resolve, depth);
    case 'string':
      return stringSample(s);
    case 'integer':
    case 'number':
      return numberSample(s, type);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      if (s.properties) return objectSample(s, resolve, depth);
      return null;
  }
}

function isNullOrUnset(schema: JsonSchema): boolean {
  if (schema.type === 'null') return true;
  return Array.isArray(schema.enum) && schema.enum.length === 1 && schema.enum[0] === '';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectSample(s: JsonSchema, resolve: (ref: string) => unknown, depth: number) {
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    const value = sampleOf(property, resolve, depth + 1);
    if (value !== undefined) result[name] = value;
  }
  const extra = s.additionalProperties;
  if (Object.keys(properties).length === 0 && extra && typeof extra === 'object' && Object.keys(extra).length > 0) {
    result.key = sampleOf(extra, resolve, depth + 1);
  }
  return result;
}

function arraySample(s: JsonSchema, resolve: (ref: string) => unknown, depth: number) {
  if (Array.isArray(s.prefixItems)) return s.prefixItems.map((item) => sampleOf(item, resolve, depth + 1));
  if (s.maxItems === 0) return [];
  const length = Math.max(1, typeof s.minItems === 'number' ? s.minItems : 1);
  const item = s.items && typeof s.items === 'object' ? sampleOf(s.items, resolve, depth + 1) : 'value';
  return Array.from({ length }, () => item);
}

function stringSample(s: JsonSchema): string {
  const byFormat = typeof s.format === 'string' ? FORMAT_SAMPLES[s.format] : undefined;
  let text = byFormat ?? 'string';
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = typeof s.maxLength === 'number' ? s.maxLength : Infinity;
  if (text.length < min) text = text.padEnd(min, 'x');
  if (text.length > max) text = text.slice(0, max);
  return text;
}

function numberSample(s: JsonSchema, type: 'integer' | 'number'): number {
  const step = type === 'integer' ? 1 : 0.5;
  const low = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + step : undefined;
  const high = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - step : undefined;
  let value = type === 'integer' ? 1 : 12.5;
  if (low !== undefined && value < low) value = low;
  if (high !== undefined && value > high) value = high;
  if (type === 'integer') value = Math.ceil(value);
  return value;
}
