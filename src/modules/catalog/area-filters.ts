import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ValidationError } from '../../platform/errors.js';
import { Uuid } from '../../platform/http/common-schemas.js';

/**
 * The page's area filters, `aoi_id` and `gadm_composite_id`: plumes (by their location) and scenes
 * (by their footprint) that intersect ANY of the areas named — each key may be repeated, and the
 * two combine as one list of areas. The areas belong to the geo module; the catalog resolves them
 * to geometries through the platform's area hook (`request.server.areas`, see platform/areas.ts)
 * before a handler runs, and the filter code turns them into ST_Intersects conditions. An area the
 * caller may not see, or that does not exist, is a 422: never an empty or unfiltered answer.
 */
export const AREA_FILTERS = ['aoi_id', 'gadm_composite_id'] as const;
export const MAX_AREAS = 20;

export const areaFilterProperties = {
  aoi_id: Type.Optional(Type.Array(Uuid, { maxItems: MAX_AREAS, description: 'Areas of interest (layers/aoi) of yours, repeated for several: matches what intersects any of them.' })),
  gadm_composite_id: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }), {
      maxItems: MAX_AREAS,
      description: 'Administrative areas (common/administrative-areas), e.g. USA.44_1 for Texas, repeated for several: matches what intersects any of them (or any aoi_id).',
    }),
  ),
};

/** Resolved areas (hex EWKB geometries) ride on the validated query object under this key, which no client can send. */
const RESOLVED = Symbol('resolved areas');

type AreaQuery = { aoi_id?: string[]; gadm_composite_id?: string[]; [RESOLVED]?: string[] };

const has = (query: unknown, name: string) => query !== null && typeof query === 'object' && Object.prototype.hasOwnProperty.call(query, name);

/**
 * Before validation: the bracketed array form (`aoi_id[]=…`) some clients send becomes the
 * repeated key, and a route without area filters refuses them instead of ignoring them.
 */
export function prepareAreaFilters(request: FastifyRequest): void {
  const query = request.query as Record<string, unknown>;
  for (const name of AREA_FILTERS) {
    if (!has(query, `${name}[]`)) continue;
    const values = [query[name], query[`${name}[]`]].flat().filter((value) => value !== undefined);
    delete query[`${name}[]`];
    query[name] = values;
  }
  const accepted = (request.routeOptions.schema?.querystring as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  const refused = AREA_FILTERS.filter((name) => has(query, name) && !(name in accepted));
  if (refused.length) {
    throw new ValidationError(refused.map((name) => ({ location: 'query', path: [name], message: `${name} is not a filter of this route; leave it out.`, type: 'value_error' })));
  }
}

/**
 * Before the handler (once the query is validated and the caller known): the areas named, as
 * geometries, attached to the query for `areasOf`. Any route filtering by area — the catalog's, or
 * another module's reusing the catalog filter (tiles) — calls this first.
 */
/** Whether the validated query names areas (which resolveAreaFilters must then look up). */
export function namesAreas(request: FastifyRequest): boolean {
  const query = request.query as AreaQuery | undefined;
  return Boolean(query && (query.aoi_id?.length || query.gadm_composite_id?.length));
}

export async function resolveAreaFilters(request: FastifyRequest): Promise<void> {
  const query = request.query as AreaQuery | undefined;
  if (!query || !namesAreas(request)) return;
  const principal = request.principal;
  query[RESOLVED] = await request.server.areas.resolve(
    { aoiIds: query.aoi_id ?? [], gadmIds: query.gadm_composite_id ?? [] },
    { organizationId: principal?.organizationId ?? null, userId: principal?.userId ?? null },
  );
}

/**
 * The resolved areas of a query (or of an object spread from it), undefined without area filters.
 * A query naming areas that were never resolved is a programming error, not an unfiltered answer.
 */
export function areasOf(query: object): string[] | undefined {
  const { aoi_id: aoiIds, gadm_composite_id: gadmIds, [RESOLVED]: resolved } = query as AreaQuery;
  if (!aoiIds?.length && !gadmIds?.length) return undefined;
  if (!resolved) throw new Error('Area filters named but not resolved: call resolveAreaFilters(request) before building the filter.');
  return resolved;
}
