import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorSchemas } from '../../../platform/http/error-families.js';
import { administrativeAreaGeojson, searchAdministrativeAreas } from './administrative-areas.service.js';
import { AreaMatch, AreaParams, AreaSearchQuery, MultiPolygon } from './areas.schemas.js';

const TAGS = ['common'];
const errors = { 401: ErrorSchemas.plume, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume };
const optional = { auth: 'optional' as const };

/** The plume platform's Common pages: administrative areas, public to everyone. */
export default async function administrativeAreaRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/common/administrative-areas',
    {
      config: optional,
      schema: {
        operationId: 'searchAdministrativeAreas',
        tags: TAGS,
        summary: 'Search for existing administrative areas: exact names first, then names and then words starting with the search (accents and case ignored); at most 20',
        querystring: AreaSearchQuery,
        response: { 200: Type.Array(AreaMatch), ...errors },
      },
    },
    (request) => searchAdministrativeAreas(app.db, request.query.search),
  );

  app.get(
    '/common/administrative-area/:gadm_composite_id/geojson',
    {
      config: optional,
      schema: { operationId: 'administrativeAreaGeojson', tags: TAGS, summary: 'An administrative area’s MultiPolygon with its bbox', params: AreaParams, response: { 200: MultiPolygon, 404: ErrorSchemas.plume, ...errors } },
    },
    (request) => administrativeAreaGeojson(app.db, request.params.gadm_composite_id),
  );
}
