import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { stringify } from 'csv-stringify/sync';
import { Type } from 'typebox';
import { Nullable, Timestamp } from '../../../platform/http/common-schemas.js';
import { ErrorSchemas } from '../../../platform/http/error-families.js';
import { CSV_COLUMNS, plumeCsvStream, safeCell } from '../plume-csv.js';
import { STATUSES } from '../plume-filter.js';
import { viewerOf } from '../viewer.js';
import { plumeFilterProperties } from '../plumes.schemas.js';
import { toFilter } from '../plumes.service.js';
import * as sources from './sources.service.js';

const TAGS = ['catalog'];
const errors = { 401: ErrorSchemas.plume, 403: ErrorSchemas.plume, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume };
const withNotFound = { 404: ErrorSchemas.plume, ...errors };
const read = { auth: 'optional' as const };

const { status: _status, ...filterProperties } = plumeFilterProperties;
const SourceOptions = {
  status: Type.Enum(['not_deleted', ...STATUSES, 'all'], { default: 'not_deleted' }),
  eps: Type.Integer({ minimum: 1, maximum: 2000, default: 100, description: 'DBSCAN eps in metres (≤ 2 km, so border plumes stay within 2 km of a core plume).' }),
  minpoints: Type.Integer({ minimum: 1, maximum: 1000, default: 1 }),
};
const SourcesQuery = Type.Object({ ...filterProperties, ...SourceOptions });
const OneSourceQuery = Type.Object({ ...filterProperties, ...SourceOptions, explain: Type.Boolean({ default: false }) });

const SourceProperties = Type.Object({
  source_name: Type.String(),
  gas: Type.String(),
  sector: Type.String({ description: 'IPCC sector code; NULL for plumes without one.' }),
  plume_count: Type.Integer(),
  plume_ids: Type.Array(Type.String()),
  emission_auto: Nullable(Type.Number({ description: 'kg/h: mean detected rate × persistence' })),
  emission_uncertainty_auto: Nullable(Type.Number()),
  timestamp_min: Timestamp,
  timestamp_max: Timestamp,
  published_at_min: Nullable(Timestamp),
  published_at_max: Nullable(Timestamp),
  detection_date_count: Type.Integer(),
  observation_date_count: Type.Integer(),
  persistence: Type.Number(),
});
const SourceFeature = Type.Object({
  type: Type.Literal('Feature'),
  geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number()) }),
  properties: SourceProperties,
  distance_m: Type.Optional(Type.Number({ description: 'search/source: from the name’s coordinates to the source found.' })),
  explain: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
const NameParams = Type.Object({ source_name: Type.String({ maxLength: 80, description: '<gas>_<sector>_<eps>m_<longitude>_<latitude>' }) });

const SOURCE_CSV_COLUMNS = ['source_name', 'source_latitude', 'source_longitude', 'gas', 'observation_date_count', 'detection_date_count', 'source_persistence', 'source_emission', 'source_emission_uncertainty', 'ipcc_sector'];

export default async function sourceRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/sources.geojson',
    { config: read, schema: { operationId: 'sourcesGeojson', tags: TAGS, summary: 'Sources: DBSCAN clusters of plumes of one gas and sector, as GeoJSON', querystring: SourcesQuery, response: { 200: Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(SourceFeature) }), ...errors } } },
    async (request, reply) => reply.type('application/geo+json').send(await sources.sourcesGeojson(app.db, request.query, viewerOf(request))),
  );

  app.get(
    '/sources/aggregate',
    {
      config: read,
      schema: {
        operationId: 'sourcesAggregate',
        tags: TAGS,
        summary: 'Sources by sector: count, plumes, summed source emission',
        querystring: SourcesQuery,
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ sector: Type.String(), source_count: Type.Integer(), plume_count: Type.Integer(), emission_auto: Type.Number() })), count: Type.Integer() }), ...errors },
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
      { config: read, schema: { operationId, tags: TAGS, summary, params: Type.Object({ [param]: schema }), querystring: OneSourceQuery, response: { 200: SourceFeature, ...withNotFound } } },
      async (request) => {
        const viewer = viewerOf(request);
        const plume = (request.params as Record<string, string>)[param]!;
        return sources.sourceAnswer(app.db, await sources.sourceOfPlume(app.db, plume, request.query, viewer), request.query, viewer, request.query.explain);
      },
    );
  }

  app.get(
    '/source/:source_name',
    { config: read, schema: { operationId: 'getSource', tags: TAGS, summary: 'A source by name; explain=true adds a summary and a daily breakdown', params: NameParams, querystring: OneSourceQuery, response: { 200: SourceFeature, ...withNotFound } } },
    async (request) => {
      const viewer = viewerOf(request);
      return sources.sourceAnswer(app.db, await sources.findSource(app.db, request.params.source_name, request.query, viewer), request.query, viewer, request.query.explain);
    },
  );

  app.get(
    '/search/source/:source_name',
    { config: read, schema: { operationId: 'searchSource', tags: TAGS, summary: 'The source of that gas and sector nearest the name’s coordinates', params: NameParams, querystring: SourcesQuery, response: { 200: SourceFeature, ...withNotFound } } },
    (request) => sources.searchSource(app.db, request.params.source_name, request.query, viewerOf(request)),
  );

  app.get(
    '/source-plumes-csv/:source_name',
    { config: { ...read, download: true }, schema: { operationId: 'sourcePlumesCsv', tags: TAGS, summary: 'The plumes of a source as CSV (the plume-csv columns)', params: NameParams, querystring: SourcesQuery, response: { 200: { description: 'text/csv', content: { 'text/csv': { schema: Type.String() } } }, ...withNotFound } } },
    async (request, reply) => {
      const viewer = viewerOf(request);
      const source = await sources.findSource(app.db, request.params.source_name, request.query, viewer);
      const filter = { ...toFilter({}), plumeIdsOfSource: source.row.plume_uuids };
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${source.name}.csv"`)
        .header('pagination-count', source.row.plume_count)
        .send(plumeCsvStream(app.db, filter, viewer, { sort: 'asc', limit: source.row.plume_count, offset: 0 }, CSV_COLUMNS) as never);
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
