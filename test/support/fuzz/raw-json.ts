/**
 * JSON text that `JSON.stringify` cannot produce: numbers such as `1e400` (Infinity once parsed),
 * Python's `True`, or nesting too deep to build as objects. A generated body may hold these
 * anywhere; `toJsonText` writes them verbatim.
 */
export class RawJson {
  constructor(readonly text: string) {}
  toString() {
    return this.text;
  }
}

export const raw = (text: string) => new RawJson(text);

/** `[[[…]]]` or `{"a":{"a":…}}` nested `depth` times, as text (building it as objects would be pointless). */
export function deepNesting(depth: number, kind: 'array' | 'object'): RawJson {
  return kind === 'array' ? raw('['.repeat(depth) + ']'.repeat(depth)) : raw('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
}

/** Like JSON.stringify, but RawJson values are written as their text; iterative over containers it builds. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${toJsonText(item)}`).join(',')}}`;
  }
  // JSON.stringify writes NaN/Infinity as null; -0 as 0, so -0 is spelled out.
  if (Object.is(value, -0)) return '-0';
  return JSON.stringify(value);
}

/** For reports: the text cut to a readable length. */
export function preview(text: string, max = 300): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}
