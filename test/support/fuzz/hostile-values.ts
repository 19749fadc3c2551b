import fc from 'fast-check';
import { deepNesting, raw } from './raw-json.js';

/**
 * Values that broke (or could break) servers like ours, as found in issue 12's generated requests:
 * non-finite and extreme numbers, timestamps no parser agrees on, strings PostgreSQL refuses
 * (NUL, lone surrogates), sizes past every bound, and nesting deep enough to overflow a stack.
 */

export const LEAP_SECOND = '2016-12-31T23:59:60Z';
export const DEEP = 5_000;

const HUGE = 'x'.repeat(100_000);
const LONG = 'é'.repeat(5_000);

/** Text that is hostile wherever text goes: bodies, query values and (encoded) path segments. */
export const HOSTILE_TEXT: readonly string[] = [
  '',
  ' ',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  '-1e400',
  '-0',
  '-1',
  '0',
  '2147483648',
  '99999999999999999999',
  '0.1',
  '0x10',
  '1_000',
  'True',
  'False',
  'None',
  'null',
  'undefined',
  LEAP_SECOND,
  '2016-12-31T23:59:60.999+14:00',
  '2024-02-30T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '9999-12-31T23:59:59.999999999Z',
  '2024-13-01',
  '2018-02-12T00:00:00Z/..',
  '../..',
  '..',
  '/',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  'Z\u0351\u0352\u0353\u0354\u0355',
  "'; SELECT pg_sleep(0); --",
  '%',
  '%25',
  '%E0%A4%A',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '=HYPERLINK("http://evil")',
  'POINT(0 0)',
  'POLYGON((0 0, 1 1, 0 0))',
  '{"type":"Point","coordinates":[1e400,0]}',
  '-180,-90,180,90',
  '1,2,3',
  LONG,
  HUGE,
];

/** JSON values of the wrong type, bound, size or depth for any field. */
export const HOSTILE_JSON: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  -1,
  0.5,
  1e-320,
  2 ** 31,
  2 ** 53 + 2,
  -(2 ** 63),
  1.7976931348623157e308,
  -1.7976931348623157e308,
  raw('1e400'),
  raw('-1e400'),
  raw('1E999999'),
  raw('123456789012345678901234567890'),
  raw('True'),
  raw('False'),
  raw('NaN'),
  [],
  {},
  [null],
  ['a', 1, true],
  { '': 1 },
  raw('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
  Array.from({ length: 10_001 }, (_, index) => index),
  deepNesting(DEEP, 'array'),
  deepNesting(DEEP, 'object'),
  ...HOSTILE_TEXT,
];

/** The values behind issue 12's known 5xx, drawn more often than the rest so a bounded run meets them. */
const KNOWN_CULPRITS: readonly unknown[] = [raw('1e400'), LEAP_SECOND, deepNesting(DEEP, 'array'), deepNesting(DEEP, 'object'), '\u0000', '\ud800', HUGE];

export const hostileText = () => fc.constantFrom(...HOSTILE_TEXT);
export const hostileJson = () =>
  fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...KNOWN_CULPRITS) }, { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_JSON) });

/** Values aimed at what a field holds: a timestamp gets leap seconds, a number 1e400, an object deep nesting. */
const AIMED = {
  date: [LEAP_SECOND, '2016-12-31T23:59:60.999+14:00', '2024-02-30T00:00:00Z', '+275760-09-13T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999Z', '2018-02-12T00:00:00Z/..', '2024-01-01T25:00:00Z'],
  number: [raw('1e400'), raw('-1e400'), raw('1E999999'), raw('123456789012345678901234567890'), 1.7976931348623157e308, -1.7976931348623157e308, -0, 2 ** 53 + 2, -1, 'NaN', 'Infinity', null],
  container: [deepNesting(DEEP, 'array'), deepNesting(DEEP, 'object'), Array.from({ length: 10_001 }, (_, index) => index), raw('{"__proto__":{"polluted":true}}'), {}, []],
  text: ['\u0000', 'a\u0000b', '\ud800', 'x\udfffy', HUGE, LONG, '', ' ', '\u202e\u0645\u0631\u062d\u0628\u0627', "'; SELECT pg_sleep(0); --"],
  boolean: [raw('True'), raw('False'), 'True', 'false', 1, 0, null],
} satisfies Record<string, readonly unknown[]>;

function aimAt(current: unknown, schema: { type?: unknown; format?: string; pattern?: string } | undefined): readonly unknown[] {
  const type = schema?.type ?? (Array.isArray(current) ? 'array' : current === null ? undefined : typeof current);
  if (schema?.format?.startsWith('date') || schema?.pattern?.includes('d{4}') || (typeof current === 'string' && /^\d{4}-\d\d-\d\d/.test(current))) return AIMED.date;
  if (type === 'number' || type === 'integer') return AIMED.number;
  if (type === 'object' || type === 'array') return AIMED.container;
  if (type === 'boolean') return AIMED.boolean;
  return AIMED.text;
}

/** A hostile value for one field: usually aimed at its type, sometimes anything. */
export function hostileFor(current: unknown, schema?: { type?: unknown; format?: string; pattern?: string }) {
  return fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...aimAt(current, schema)) }, { weight: 1, arbitrary: hostileJson() });
}

/**
 * Path segments as sent on the wire (already encoded or deliberately mis-encoded): bad
 * percent-encoding, an encoded lone surrogate (invalid UTF-8), NUL, and longer than the
 * router's parameter limit.
 */
export const HOSTILE_SEGMENTS: readonly string[] = [
  '%',
  '%E0%A4%A',
  '%ZZ',
  '%ED%A0%80',
  '%C0%AF',
  '%00',
  '%2F..%2F..%2Fetc%2Fpasswd',
  '%20',
  'NaN',
  '-0',
  '1e400',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '550e8400-e29b-41d4-a716-44665544000',
  encodeURIComponent(LEAP_SECOND),
  encodeURIComponent('👩‍👩‍👧‍👦'),
  'a'.repeat(201),
  'a'.repeat(5_000),
];

/** Raw query-string pieces (`key=value` already encoded) that a parser must survive. */
export function hostileQueryPieces(key: string): string[] {
  return [
    `${key}=%`,
    `${key}=%E0%A4%A`,
    `${key}=%ED%A0%80`,
    `${key}=%00`,
    `${key}`,
    `${key}=`,
    `${key}[]=1`,
    `${key}[0][a]=1`,
    `${key}=1&${key}=2&${key}=3&${key}=4&${key}=5`,
    `${key}=${'9'.repeat(400)}`,
    `${encodeURIComponent(key)}=${encodeURIComponent(HUGE)}`,
  ];
}
