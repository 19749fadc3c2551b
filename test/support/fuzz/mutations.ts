import fc, { type Arbitrary } from 'fast-check';
import { HOSTILE_JSON, LEAP_SECOND, hostileFor, hostileJson } from './hostile-values.js';
import { RawJson, preview, toJsonText } from './raw-json.js';
import type { JsonSchema } from './schema-arbitrary.js';

/** A short, stable name for a hostile value: it keys distinct failures in the report. */
export function describeValue(value: unknown): string {
  if (value instanceof RawJson) return value.text.length > 40 ? `raw ${value.text.slice(0, 6)}…(${value.text.length} chars)` : `raw ${value.text}`;
  if (typeof value === 'string') return value.length > 40 ? `string(${value.length})` : JSON.stringify(value);
  if (Array.isArray(value) && value.length > 20) return `array(${value.length})`;
  if (Object.is(value, -0)) return '-0';
  return preview(toJsonText(value), 40);
}

type Path = (string | number)[];

/** Every place in a JSON value a field could be replaced: the root, each key, each item. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (value instanceof RawJson || value === null || typeof value !== 'object') return paths;
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
  for (const [key, item] of entries.slice(0, 20)) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

function withValueAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<string | number, unknown>;
  copy[head!] = withValueAt(copy[head!], rest, value);
  return copy;
}

/** Where a hostile value may go: existing fields, and declared fields the valid body left out. */
function candidatePaths(body: unknown, schema: JsonSchema | undefined): Path[] {
  const declared = Object.keys(schema?.properties ?? {}).map((name) => [name]);
  const isObject = body !== null && typeof body === 'object' && !Array.isArray(body) && !(body instanceof RawJson);
  return [...pathsOf(body), ...(isObject ? declared : [])];
}

export interface MutatedBody {
  text: string;
  label: string;
  /** The failure key: where, without item indices, and which value. */
  kind: string;
}

const fieldName = (path: Path) => path.map((part) => (typeof part === 'number' ? '[]' : part)).join('.') || '(root)';

/** One field (or the whole body) replaced by a hostile value; or an unknown extra field. */
function fieldMutation(body: unknown, schema: JsonSchema | undefined): Arbitrary<MutatedBody> {
  const paths = candidatePaths(body, schema);
  return fc.tuple(fc.nat(), fc.nat(4)).chain(([index, extraChance]) => {
    const chosen = paths[index % paths.length]!;
    const extra = extraChance === 0 && chosen.length > 0;
    const path = extra ? [...chosen.slice(0, -1), 'unexpected_field'] : chosen;
    const declared = path.length === 1 ? schema?.properties?.[String(path[0])] : undefined;
    return hostileFor(extra ? undefined : valueAt(body, path), declared).map((value) => {
      const label = `body.${fieldName(path)} ← ${describeValue(value)}`;
      return { text: toJsonText(withValueAt(body, path, value)), label, kind: label };
    });
  });
}

function valueAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[key] : undefined), root);
}

/** Text no JSON encoder writes: cut short, duplicated keys, a BOM, comments, trailing garbage. */
function textMutation(body: unknown): Arbitrary<MutatedBody> {
  const text = toJsonText(body);
  const variants: [string, (cut: number) => string][] = [
    ['truncated', (cut) => text.slice(0, cut % Math.max(1, text.length))],
    ['duplicate keys', () => (text.startsWith('{') && text.length > 2 ? `${text.slice(0, -1)},${text.slice(1)}` : `{"a":1,"a":${text}}`)],
    ['BOM', () => `\ufeff${text}`],
    ['comment', () => `/* c */${text}`],
    ['trailing garbage', () => `${text} }`],
    ['empty', () => ''],
    ['NUL bytes', () => `${text}\u0000`],
    ['leap second everywhere', () => text.replace(/"\d{4}-\d\d-\d\dT[^"]*"/g, JSON.stringify(LEAP_SECOND))],
    ['numbers as 1e400', () => text.replace(/(?<=[:[,])-?\d+(\.\d+)?(?=[,\]}])/g, '1e400')],
  ];
  return fc.tuple(fc.constantFrom(...variants), fc.nat()).map(([[name, make], cut]) => ({ text: make(cut), label: `body text: ${name}`, kind: `body text: ${name}` }));
}

/** A JSON body as sent: valid-ish, or mutated in one place. */
export function bodyArbitrary(valid: Arbitrary<unknown>, schema: JsonSchema | undefined): Arbitrary<MutatedBody> {
  return valid.chain((body) =>
    fc.oneof(
      { weight: 2, arbitrary: fc.constant({ text: toJsonText(body), label: 'valid-ish body', kind: 'valid-ish body' }) },
      { weight: 5, arbitrary: fieldMutation(body, schema) },
      { weight: 2, arbitrary: textMutation(body) },
    ),
  );
}

/** Rows for CSV / NDJSON uploads: the given columns, with cells both plausible and hostile. */
export function uploadArbitrary(columns: string[], sampleRow: Record<string, string>): Arbitrary<{ type: string; text: string; label: string }> {
  const cell = (column: string) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(sampleRow[column] ?? '') },
      { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_JSON.filter((value) => typeof value === 'string' && value.length < 1000) as string[]) },
      { weight: 1, arbitrary: fc.constantFrom('1e400', '"unclosed', 'a"b', '"x""', '\r', '\n', '\u0000', '\ud800') },
    );
  const row = fc.tuple(...columns.map(cell));
  const rows = fc.array(row, { minLength: 0, maxLength: 6 });
  const csv = rows.map((list) => ({
    type: 'text/csv',
    text: [columns.join(','), ...list.map((cells) => cells.map((c) => (/^[\w .:+-]*$/.test(c) ? c : `"${c.replace(/"/g, '""')}"`)).join(','))].join('\r\n'),
    label: 'CSV upload',
  }));
  const rawCsv = rows.map((list) => ({ type: 'text/csv', text: [columns.join(','), ...list.map((cells) => cells.join(','))].join('\n'), label: 'CSV upload, cells unquoted' }));
  const ndjson = fc.array(fc.oneof(fc.constant(sampleRow as unknown), hostileJson(), fc.jsonValue({ maxDepth: 2 })), { maxLength: 5 }).map((lines) => ({
    type: 'application/x-ndjson',
    text: lines.map((line) => toJsonText(line).replace(/\n/g, ' ')).join('\n'),
    label: 'NDJSON upload',
  }));
  const wrongType = fc.constantFrom('application/json', 'text/plain', 'multipart/form-data; boundary=x', 'text/csv; charset=utf-16').map((type) => ({ type, text: 'a,b\n1,2', label: `upload as ${type}` }));
  return fc.oneof(csv, rawCsv, ndjson, wrongType);
}
