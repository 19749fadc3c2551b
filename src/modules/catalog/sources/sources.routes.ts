import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { stringify } from 'csv-stringify/sync';
import { Type } from 'typebox';
import { ErrorSchemas } from '../../../platform/http/error-families.js';
import { CSV_COLUMNS, plumeCsvStream, safeCell } from '../plume-csv.js';
import { viewerOf } from '../viewer.js';
import { toFilter } from '../plumes.service.js';
import { sourceObject } from './source-object.js';
import { NameParams, OneSourceQuery, SectorAggregate, SourceCollection, SourceObject, SourcePlumesQuery, SourcesQuery } from './sources.schemas.js';
import * as sources from './sources.service.js';

const TAGS = ['catalog'];
const errors = { 401: ErrorSchemas.plume, 403: ErrorSchemas.plume, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume };
const withNotFound = { 404: ErrorSchemas.plume, ...errors };
const read = { auth: 'optional' as const };

const SOURCE_CSV_COLUMNS = ['source_name', 'source_latitude', 'source_longitude', 'gas', 'observation_date_count', 'detection_date_count', 'source_persistence', 'source_emission', 'source_emission_uncertainty', 'ipcc_sector'];

export default async function sourceRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/sources.geojson',
    { config: read, schema: { operationId: 'sourcesGeojson', tags: TAGS, summary: 'Sources: DBSCAN clusters of plumes of one gas and sector, as GeoJSON', querystring: SourcesQuery, response: { 200: SourceCollection, ...errors } } },
    // Already the text SourceCollection's serializer writes (whole clusters as stored, decision 0046).
    async (request, reply) => reply.type('application/json').send((await sources.sourcesGeojson(app.db, request.query, viewerOf(request))) as never),
  );

  app.get(
    '/sources/aggregate',
    {
      config: read,
      schema: {
        operationId: 'sourcesAggregate',
        tags: TAGS,
        summary: 'Sources by sector: mean persistence, sum, mean and spread of the source emissions, plumes, single-plume sources',
        querystring: SourcesQuery,
        response: { 200: Type.Array(SectorAggregate), ...errors },
      },
    },
    (request) => sources.aggregateBySector(app.db, request.query, viewerOf(request)),
  );

  // The source of a plume, by UUID or by colloquial id: one handler for both paths of the page.
  for (const [param, operationId, summary, schema] of [
    ['plume_uuid', 'sourceOfPlume', 'The source a plume (UUID) belongs to', Type.String({ format: 'uuid' })],
    ['plume_id', 'sourceOfPlumeName', 'The source a plume (colloquial id) belongs to', Type.String({ maxLength: 40 })],
  ] as const) {
    app.get(
      param === 'plume_uuid' ? '/source/plume/:plume_uuid' : '/source/plume/name/:plume_id',
      { config: read, schema: { operationId, tags: TAGS, summary, params: Type.Object({ [param]: schema }), querystring: OneSourceQuery, response: { 200: SourceObject, ...withNotFound } } },
      async (request) => {
        const viewer = viewerOf(request);
        const plume = (request.params as Record<string, string>)[param]!;
        return sourceObject(app.db, await sources.sourceOfPlume(app.db, plume, request.query, viewer), request.query, viewer);
      },
    );
  }

  app.get(
    '/source/:source_name',
    { config: read, schema: { operationId: 'getSource', tags: TAGS, summary: 'A source by name; explain=true adds a summary and a daily breakdown', params: NameParams, querystring: OneSourceQuery, response: { 200: SourceObject, ...withNotFound } } },
    async (request) => {
      const viewer = viewerOf(request);
      return sourceObject(app.db, await sources.findSource(app.db, request.params.source_name, request.query, viewer), request.query, viewer);
    },
  );

  app.get(
    '/search/source/:source_name',
    { config: read, schema: { operationId: 'searchSource', tags: TAGS, summary: 'The source of that gas and sector nearest the name’s coordinates (source.distance_m: how far)', params: NameParams, querystring: OneSourceQuery, response: { 200: SourceObject, ...withNotFound } } },
    async (request) => {
      const viewer = viewerOf(request);
      const { source, distanceMetres } = await sources.searchSource(app.db, request.params.source_name, request.query, viewer);
      return sourceObject(app.db, source, request.query, viewer, { distance_m: distanceMetres });
    },
  );

  app.get(
    '/source-plumes-csv/:source_name',
    { config: { ...read, download: true }, schema: { operationId: 'sourcePlumesCsv', tags: TAGS, summary: 'The plumes of a source as CSV (the plume-csv columns), paged with sort, offset and limit', params: NameParams, querystring: SourcePlumesQuery, response: { 200: { description: 'text/csv', content: { 'text/csv': { schema: Type.String() } } }, ...withNotFound } } },
    async (request, reply) => {
      const viewer = viewerOf(request);
      const { sort, offset, limit, ...query } = request.query;
      const source = await sources.findSource(app.db, request.params.source_name, query, viewer);
      const filter = { ...toFilter({}), plumeIdsOfSource: sources.plumeUuidsOf(source) };
      const rows = limit ?? source.row.plume_count;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${source.name}.csv"`)
        .header('pagination-count', source.row.plume_count)
        .header('pagination-limit', rows)
        .header('pagination-offset', offset)
        .send(plumeCsvStream(app.db, filter, viewer, { sort, limit: rows, offset }, CSV_COLUMNS) as never);
    },
  );

  app.get(
    '/sources-csv',
    { config: { ...read, download: true }, schema: { operationId: 'sourcesCsv', tags: TAGS, summary: 'Sources as CSV', querystring: SourcesQuery, response: { 200: { description: 'text/csv', content: { 'text/csv': { schema: Type.String() } } }, ...errors } } },
    async (request, reply) => {
      const rows = (await sources.listSources(app.db, request.query, viewerOf(request))).map((s) =>
        [s.name, s.row.latitude.toFixed(5), s.row.longitude.toFixed(5), s.row.gas, s.observationDates.length, s.detectionDates.length, s.figures.persistence, s.figures.emission ?? '', s.figures.emission_uncertainty ?? '', s.row.sector].map((v) =>
          safeCell(String(v)),
        ),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="sources.csv"')
        .send(stringify([SOURCE_CSV_COLUMNS, ...rows], { record_delimiter: '\r\n' }) as never);
    },
  );
}
