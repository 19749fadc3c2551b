import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../platform/auth/auth-plugin.js';
import { ErrorSchemas } from '../../platform/http/error-families.js';
import { CSV_COLUMNS, CSV_COMPRESSION, plumeCsvStream } from './plume-csv.js';
import { SORTS } from './plume-filter.js';
import { viewerOf } from './viewer.js';
import { plumesOfSource } from './sources/sources.service.js';
import * as plumes from './plumes.service.js';
import { countPlumes } from './plumes.queries.js';
import { Plume, PlumeBody, PlumeCreated, PlumeIdParams, PlumeListQuery, PlumePage, PlumePatchBody, plumeFilterProperties, AnnotatedPlumePage } from './plumes.schemas.js';

const TAGS = ['catalog'];
const errors = { 401: ErrorSchemas.plume, 403: ErrorSchemas.plume, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume };
const writeErrors = { 400: ErrorSchemas.plume, 404: ErrorSchemas.plume, ...errors };
const read = { auth: 'optional' as const };
const write = { scopes: ['catalog:write' as const] };

const CsvQuery = Type.Object({
  ...plumeFilterProperties,
  exclude_columns: Type.Array(Type.Enum([...CSV_COLUMNS]), { default: [], maxItems: CSV_COLUMNS.length }),
  sort: Type.Enum([...SORTS], { default: 'desc' }),
  limit: Type.Integer({ minimum: 0, maximum: 100_000, default: 50_000, description: 'Rows of this page (at most 100,000).' }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});

export default async function plumeRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/plume/:plume_id',
    { config: read, schema: { operationId: 'getPlume', tags: TAGS, summary: 'Get plume by primary key (UUID) or colloquial id (<scene name>-<letter>)', params: PlumeIdParams, response: { 200: Plume, 404: ErrorSchemas.plume, ...errors } } },
    (request) => plumes.getPlume(app.db, request.params.plume_id, viewerOf(request)),
  );

  app.post(
    '/plume',
    { config: write, schema: { operationId: 'createPlume', tags: TAGS, summary: 'Plume Create', body: PlumeBody, response: { 200: PlumeCreated, ...writeErrors } } },
    (request) => plumes.createPlume(app.db, principalOf(request).organizationId, request.body),
  );

  app.put(
    '/plume/:plume_id',
    { config: write, schema: { operationId: 'updatePlume', tags: TAGS, summary: 'Plume Update', params: PlumeIdParams, body: PlumeBody, response: { 200: PlumeCreated, ...writeErrors } } },
    (request) => plumes.updatePlume(app.db, principalOf(request).organizationId, request.params.plume_id, request.body),
  );

  app.patch(
    '/plume/:plume_id',
    { config: write, schema: { operationId: 'patchPlume', tags: TAGS, summary: 'Plume Patch', params: PlumeIdParams, body: PlumePatchBody, response: { 200: PlumeCreated, ...writeErrors } } },
    (request) => plumes.updatePlume(app.db, principalOf(request).organizationId, request.params.plume_id, request.body),
  );

  app.get(
    '/plumes/annotated',
    {
      config: read,
      schema: {
        operationId: 'listAnnotatedPlumes',
        tags: TAGS,
        summary: 'Plumes with emissions and image attributes, plus nearby_items (other plumes of the same gas within 1 km); limit ≤ 1000, offset to page',
        querystring: PlumeListQuery,
        response: { 200: AnnotatedPlumePage, ...errors },
      },
    },
    async (request) => plumes.annotatedPlumes(app.db, request.query, viewerOf(request), await plumesOfSource(app.db, request.query.source_name, viewerOf(request))),
  );

  app.get(
    '/plumes/related',
    {
      config: { scopes: ['catalog:read' as const] },
      schema: { operationId: 'listRelatedPlumes', tags: TAGS, summary: 'Plume List Related: the page of plumes, for signed-in callers', querystring: PlumeListQuery, response: { 200: PlumePage, ...errors } },
    },
    async (request) => plumes.listPlumes(app.db, request.query, viewerOf(request), await plumesOfSource(app.db, request.query.source_name, viewerOf(request))),
  );

  app.get(
    '/plume-csv',
    {
      config: { ...read, download: true },
      compress: CSV_COMPRESSION,
      schema: {
        operationId: 'downloadPlumeCsv',
        tags: TAGS,
        summary: 'Plumes as CSV (CRLF), streamed; pagination-count/limit/offset headers; cells safe against spreadsheet formulas',
        querystring: CsvQuery,
        response: { 200: { description: 'text/csv', content: { 'text/csv': { schema: Type.String() } } }, ...errors },
      },
    },
    async (request, reply) => {
      const viewer = viewerOf(request);
      const { exclude_columns: excluded, sort, limit, offset, ...query } = request.query;
      const filter = { ...plumes.toFilter(query), ...(await plumesOfSource(app.db, query.source_name, viewer)) };
      const { in_bbox: count } = await countPlumes(app.db, filter, viewer);
      const columns = CSV_COLUMNS.filter((column) => !excluded.includes(column));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="plumes.csv"')
        .header('pagination-count', count)
        .header('pagination-limit', limit)
        .header('pagination-offset', offset)
        // A stream is sent as is; the typed reply only knows the JSON error bodies.
        .send(plumeCsvStream(app.db, filter, viewer, { sort, limit, offset }, columns) as never);
    },
  );

  app.put(
    '/publish_plumes',
    {
      config: write,
      schema: { operationId: 'publishPlumes', tags: TAGS, summary: "Publish your organization's publish_ready plumes among those the filters match", querystring: Type.Object(plumeFilterProperties), response: { 200: Type.String(), ...errors } },
    },
    // The page answers a JSON string; Fastify would send a bare string as text.
    async (request, reply) => {
      const organizationId = principalOf(request).organizationId;
      const ofSource = await plumesOfSource(app.db, request.query.source_name, { organizationId });
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(await plumes.publishPlumes(app.db, organizationId, request.query, ofSource)));
    },
  );
}
