import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { Nullable, Timestamp, Uuid } from './common-schemas.js';
import { nullableAsTypeArrays } from './nullable-type-arrays.js';

const Item = Type.Object({
  name: Type.String(),
  label: Nullable(Type.String({ description: 'kept' })),
  emission: Nullable(Type.Number()),
  count: Nullable(Type.Integer()),
  flag: Nullable(Type.Boolean()),
  at: Nullable(Timestamp),
  owner: Nullable(Uuid),
  bounds: Type.Array(Type.Number()),
  nested: Nullable(Type.Object({ inner: Nullable(Type.String()) })),
  kind: Nullable(Type.Literal('plume')),
  unit: Nullable(Type.String({ default: 'kg/hr' })),
});
const Page = Type.Object({ total: Type.Integer(), items: Type.Array(Item) });

const plain = (schema: unknown) => JSON.parse(JSON.stringify(schema));
/** fast-json-stringify as Fastify compiles a route's response schema. */
const fastJsonStringify = (schema: unknown) => SerializerSelector()({}, {})({ schema, method: 'GET', url: '/', httpStatus: '200' } as never) as (data: unknown) => string;

describe('nullableAsTypeArrays', () => {
  it('turns anyOf [primitive, null] into a type array, keeping the primitive’s keywords, and leaves objects alone', () => {
    const converted = nullableAsTypeArrays(plain(Item));
    expect(converted.properties.label).toEqual({ type: ['string', 'null'], description: 'kept' });
    expect(converted.properties.at).toEqual({ type: ['string', 'null'], format: 'date-time' });
    expect(converted.properties.count).toEqual({ type: ['integer', 'null'] });
    expect(converted.properties.nested.anyOf[0].properties.inner).toEqual({ type: ['string', 'null'] });
    expect(converted.properties.nested.anyOf[1]).toEqual({ type: 'null' });
    expect(converted.properties.bounds).toEqual({ type: 'array', items: { type: 'number' } });
    expect(converted.properties.kind.anyOf).toHaveLength(2);
    expect(converted.properties.unit.anyOf).toHaveLength(2);
  });

  it('writes the same JSON as the schema it came from, for values and nulls alike', () => {
    const items = [
      { name: 'a', label: 'x "quoted"', emission: 1234.5678, count: 3, flag: true, at: '2024-05-06T07:08:09.123Z', owner: '0b7994d1-0bae-5608-b2d8-25fcb6b2eb94', bounds: [-119.1, 35.49], nested: { inner: 'y' }, kind: 'plume', unit: 't/yr' },
      { name: 'b', label: null, emission: null, count: null, flag: null, at: null, owner: null, bounds: [], nested: null, kind: null, unit: null },
      { name: 'c', label: '', emission: 0, count: 0, flag: false, at: '1969-12-31T23:59:59.500Z', owner: null, bounds: [1e-7, 1e21], nested: { inner: null }, kind: null, unit: '' },
    ];
    const page = { total: 3, items };
    const original = fastJsonStringify(plain(Page));
    const fast = fastJsonStringify(nullableAsTypeArrays(plain(Page)));
    expect(fast(page)).toBe(original(page));
    expect(JSON.parse(fast(page))).toEqual(page);
  });
});
