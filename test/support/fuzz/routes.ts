import type { FastifyInstance } from 'fastify';
import type { ErrorFamily } from '../../../src/platform/http/error-families.js';
import type { JsonSchema } from './schema-arbitrary.js';

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: JsonSchema;
}

interface OpenApiOperation {
  tags?: string[];
  security?: unknown[];
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

/** One route as the fuzzer sees it: what it reads and which API family answers its errors. */
export interface FuzzRoute {
  method: string;
  /** OpenAPI path, `{name}` for parameters (`{*}` for a wildcard). */
  path: string;
  tags: string[];
  family: ErrorFamily;
  params: Record<string, JsonSchema>;
  query: Record<string, JsonSchema>;
  requiredQuery: string[];
  /** The JSON body schema; undefined for routes without a JSON body. */
  body?: JsonSchema;
  /** A route that reads a raw upload (CSV, NDJSON) rather than JSON. */
  upload: boolean;
}

/** The error family of a URL: the prefix decides, as each module registers its handler under its prefix. */
export function familyOf(url: string): ErrorFamily {
  if (url.startsWith('/v1/facilities')) return 'facilities';
  if (url.startsWith('/v2/')) return 'emissions';
  if (url.startsWith('/api/v1/stac')) return 'stac';
  if (url.startsWith('/api/v1/')) return 'plume';
  return 'platform';
}

// Uploads declare no body schema: their content-type parsers hand the handler a stream.
const UPLOAD_ROUTES = new Set(['POST /v2/emissions/import', 'POST /v2/emissions/imports', 'POST /api/v1/catalog/imports']);

/** Every route the app documents, read from the OpenAPI that the same route schemas generate. */
export function documentedRoutes(app: FastifyInstance): FuzzRoute[] {
  const spec = app.swagger() as { paths: Record<string, Record<string, OpenApiOperation>> };
  const routes: FuzzRoute[] = [];
  for (const [path, operations] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const parameters = operation.parameters ?? [];
      const pick = (where: OpenApiParameter['in']) => Object.fromEntries(parameters.filter((p) => p.in === where).map((p) => [p.name, p.schema]));
      const key = `${method.toUpperCase()} ${path}`;
      routes.push({
        method: method.toUpperCase(),
        path,
        tags: operation.tags ?? [],
        family: familyOf(path),
        params: pick('path'),
        query: pick('query'),
        requiredQuery: parameters.filter((p) => p.in === 'query' && p.required).map((p) => p.name),
        body: operation.requestBody?.content?.['application/json']?.schema,
        upload: UPLOAD_ROUTES.has(key),
      });
    }
  }
  return routes;
}

const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Reads first, deletes last: a delete early in the run would leave later routes nothing to find. */
export function inFuzzOrder(routes: FuzzRoute[]): FuzzRoute[] {
  return [...routes].sort((a, b) => METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method) || a.path.localeCompare(b.path));
}
