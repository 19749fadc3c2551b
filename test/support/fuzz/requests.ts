import fc, { type Arbitrary } from 'fast-check';
import { HOSTILE_SEGMENTS, HOSTILE_TEXT, hostileFor, hostileQueryPieces, hostileText } from './hostile-values.js';
import { bodyArbitrary, describeValue, uploadArbitrary } from './mutations.js';
import { toJsonText } from './raw-json.js';
import type { FuzzRoute } from './routes.js';
import { valueArbitrary, type KnownValues } from './schema-arbitrary.js';

/** What the fuzzer knows of the seeded world: ids to aim at and credentials of the owning organization. */
export interface FuzzWorld {
  known: KnownValues;
  /** Bearer credentials (API key, user access token); a request uses one of them unless anonymous. */
  credentials: string[];
  /** Columns and a plausible row for each upload route, keyed `METHOD /path`. */
  uploads: Record<string, { columns: string[]; sampleRow: Record<string, string> }>;
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  /** What was done to it, for the report. */
  label: string;
  /** The failure key: the mutation without the incidental values. */
  kind: string;
}

interface Part {
  text: string;
  label?: string;
}

/** encodeURIComponent, except that a lone surrogate becomes its (invalid) UTF-8 bytes instead of throwing. */
export function encodeText(value: string): string {
  return Array.from(value, (char) => {
    try {
      return encodeURIComponent(char);
    } catch {
      return '%ED%A0%80';
    }
  }).join('');
}

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function validPath(route: FuzzRoute, world: FuzzWorld): Arbitrary<Part> {
  const names = Object.keys(route.params);
  const values = names.map((name) => {
    const known = world.known.byName[name] ?? [];
    const generated = valueArbitrary(route.params[name]!, world.known).map(asText);
    return known.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: generated }) : generated;
  });
  return fc.tuple(...values).map((list) => ({ text: fill(route.path, names, list.map((value, i) => encodeSegment(names[i]!, value))) }));
}

// A wildcard parameter (an asset key) keeps its slashes.
// "." and ".." would be resolved away by URL parsing before the router sees them.
const encodeSegment = (name: string, value: string) => {
  const encoded = (name === '*' ? encodeText(value).replace(/%2F/g, '/') : encodeText(value)) || 'x';
  return /^\.{1,2}$/.test(encoded) ? `${encoded}x` : encoded;
};
const fill = (path: string, names: string[], values: string[]) => names.reduce((url, name, i) => url.replace(`{${name}}`, values[i]!), path);

function mutatedPath(route: FuzzRoute, world: FuzzWorld): Arbitrary<Part> {
  const names = Object.keys(route.params);
  if (names.length === 0) return fc.constantFrom(...HOSTILE_SEGMENTS).map((segment) => ({ text: `${route.path}/${segment}`, label: `path tail ← ${describeValue(segment)}` }));
  return fc.tuple(fc.nat(names.length - 1), fc.constantFrom(...HOSTILE_SEGMENTS)).map(([index, segment]) => {
    const values = names.map((name, i) => (i === index ? segment : (world.known.byName[name]?.[0] ?? '1')));
    return { text: fill(route.path, names, values), label: `path {${names[index]}} ← ${describeValue(segment)}` };
  });
}

/** Required parameters, and up to three optional ones: one bad optional value would otherwise refuse them all. */
function queryPieces(route: FuzzRoute, world: FuzzWorld): Arbitrary<Record<string, string[]>> {
  const required = route.requiredQuery.filter((name) => route.query[name]?.default === undefined);
  const optional = Object.keys(route.query).filter((name) => !required.includes(name));
  const piecesOf = (name: string) => {
    const known = world.known.byName[name] ?? [];
    const generated = valueArbitrary(route.query[name]!, world.known);
    const value = known.length ? fc.oneof(generated, fc.constantFrom(...known)) : generated;
    // Arrays travel as repeated keys; one value alone is coerced to a list.
    return value.map((item) => (Array.isArray(item) ? item : [item]).map((part) => `${name}=${encodeText(asText(part))}`));
  };
  return fc.subarray(optional, { maxLength: Math.min(3, optional.length) }).chain((chosen) => {
    const names = [...required, ...chosen];
    return fc.tuple(...names.map(piecesOf)).map((lists) => Object.fromEntries(names.map((name, i) => [name, lists[i]!])));
  });
}

function validQuery(route: FuzzRoute, world: FuzzWorld): Arbitrary<Part> {
  return queryPieces(route, world).map((pieces) => ({ text: Object.values(pieces).flat().join('&') }));
}

/** Query values are text: a hostile JSON value travels as the text a client would write for it. */
const queryText = (value: unknown) => (typeof value === 'string' ? value : Object.is(value, -0) ? '-0' : toJsonText(value));

function mutatedQuery(route: FuzzRoute, world: FuzzWorld): Arbitrary<Part> {
  const names = [...Object.keys(route.query), 'unexpected_param'];
  return fc.constantFrom(...names).chain((name) => {
    const schema = route.query[name];
    const aimed = hostileFor(undefined, schema?.items ?? schema).map((value) => ({ text: queryText(value) }));
    const hostile = fc.oneof(aimed, hostileText().map((text) => ({ text })), fc.nat(10).map((piece) => ({ piece })));
    return fc.tuple(queryPieces(route, world), hostile).map(([pieces, chosen]) => {
      const replacement = 'text' in chosen ? `${name}=${encodeText(chosen.text)}` : hostileQueryPieces(name)[chosen.piece]!;
      const shown = 'text' in chosen ? describeValue(chosen.text) : describeValue(replacement.slice(name.length));
      const rest = Object.entries(pieces).filter(([key]) => key !== name).flatMap(([, list]) => list);
      return { text: [...rest, replacement].join('&'), label: `query ${name} ← ${shown}` };
    });
  });
}

const SAFE_HEADER_TEXT = HOSTILE_TEXT.filter((text) => /^[\x20-\x7e]*$/.test(text) && text.length < 4_000);
const HEADER_NAMES = ['x-icr-api-version', 'idempotency-key', 'authorization', 'x-api-key', 'x-organization-id', 'accept', 'x-request-id'];

function hostileHeader(): Arbitrary<{ headers: Record<string, string>; label: string }> {
  return fc.tuple(fc.constantFrom(...HEADER_NAMES), fc.constantFrom(...SAFE_HEADER_TEXT)).map(([name, value]) => ({ headers: { [name]: value }, label: `header ${name} ← ${describeValue(value)}` }));
}

function bodyPart(route: FuzzRoute, world: FuzzWorld, mutate: boolean): Arbitrary<{ payload?: string; type?: string; label?: string }> {
  const upload = world.uploads[`${route.method} ${route.path}`];
  if (route.upload) {
    if (!upload) throw new Error(`no upload columns for ${route.method} ${route.path}`);
    return uploadArbitrary(upload.columns, upload.sampleRow).map(({ type, text, label }) => ({ payload: text, type, label }));
  }
  if (!route.body) return fc.constant({});
  const valid = valueArbitrary(route.body, world.known);
  if (!mutate) return valid.map((body) => ({ payload: toJsonText(body), type: 'application/json' }));
  return bodyArbitrary(valid, route.body).map((body) => ({ payload: body.text, type: 'application/json', label: body.label }));
}

/** Requests for one route: mostly valid-ish, each mutated in at most one place, most with the owner's credentials. */
export function requestArbitrary(route: FuzzRoute, world: FuzzWorld): Arbitrary<FuzzRequest> {
  const hasParams = Object.keys(route.params).length > 0;
  const credential = fc.constantFrom(...world.credentials).map((token) => ({ authorization: `Bearer ${token}` }));
  const hasBody = Boolean(route.body) || route.upload;
  const modes = (['valid', 'body', 'body', 'body', 'query', 'query', 'path', 'header', 'anonymous'] as const).filter(
    (m) => (m !== 'body' || hasBody) && (m !== 'path' || hasParams || route.method === 'GET'),
  );
  const mode = fc.constantFrom(...modes);
  return mode.chain((chosen) =>
    fc
      .record({
        path: chosen === 'path' ? mutatedPath(route, world) : validPath(route, world),
        query: chosen === 'query' ? mutatedQuery(route, world) : validQuery(route, world),
        body: bodyPart(route, world, chosen === 'body'),
        credential,
        header: chosen === 'header' ? hostileHeader() : fc.constant({ headers: {}, label: undefined }),
      })
      .map(({ path, query, body, credential: auth, header }) => {
        const labels = [path.label, query.label, chosen === 'body' || route.upload ? body.label : undefined, header.label, chosen === 'anonymous' ? 'anonymous' : undefined].filter(Boolean);
        const label = labels.join('; ') || 'valid-ish';
        return {
          method: route.method,
          url: query.text ? `${path.text}?${query.text}` : path.text,
          headers: { ...(chosen === 'anonymous' ? {} : auth), ...(body.type ? { 'content-type': body.type } : {}), ...header.headers },
          ...(body.payload !== undefined ? { payload: body.payload } : {}),
          label,
          kind: label.replace(/\[\d+\]|\.\d+(?=\.|$| )/g, '[]'),
        };
      }),
  );
}
