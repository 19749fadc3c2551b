import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import { viewerOf } from '../catalog/viewer.js';
import * as catalog from '../catalog/stac.service.js';
import { aggregationDocument, available, toAggregateRequest, type AggregateParams } from './aggregate.js';
import { MEDIA, type CollectionInfo, type Link } from './documents.js';
import { baseOf, fromBody, fromQuery } from './search-page.js';
import { toSearch, type SearchInput } from './search-request.js';
import { AggregateBody, AggregateQuery, AggregationCollection, AggregationList, CollectionParams, stacErrors } from './stac.schemas.js';
import { findCollection } from './stac.routes.js';

const TAGS = ['stac'];
const read = { auth: 'optional' as const, scopes: ['stac:read' as const] };

/**
 * The STAC API Aggregation extension: `/aggregate` (GET and POST, the search's filters) and
 * `/aggregations` (what may be asked), at the root and per collection.
 */
export default async function aggregateRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  async function aggregate(request: FastifyRequest, input: SearchInput, params: AggregateParams, collection?: CollectionInfo) {
    const aggregateRequest = toAggregateRequest(params, collection);
    const search = toSearch({ ...input, limit: undefined, offset: undefined });
    if (collection) search.collections = [collection.id];
    const row = await catalog.aggregateItems(app.db, viewerOf(request), search, aggregateRequest);
    const base = baseOf(request);
    const root = `${base}/api/v1/stac`;
    const links: Link[] = [
      { rel: 'root', href: `${root}/`, type: MEDIA.json },
      request.method === 'GET' ? { rel: 'self', href: `${base}${request.url}`, type: MEDIA.json } : { rel: 'self', href: `${base}${request.url}`, type: MEDIA.json, method: 'POST', body: request.body },
    ];
    if (collection) links.push({ rel: 'collection', href: `${root}/collections/${collection.id}`, type: MEDIA.json });
    return { ...aggregationDocument(row, aggregateRequest), links };
  }

  function listing(request: FastifyRequest, collection?: CollectionInfo) {
    const base = baseOf(request);
    const links: Link[] = [
      { rel: 'root', href: `${base}/api/v1/stac/`, type: MEDIA.json },
      { rel: 'self', href: `${base}${request.url}`, type: MEDIA.json },
    ];
    return { type: 'AggregationCollection' as const, aggregations: available(collection), links };
  }

  const getInput = (query: Static<typeof AggregateQuery>) => fromQuery({ ...query, limit: 10, offset: 0 });
  const postInput = (body: Static<typeof AggregateBody>) => {
    const { aggregations: _names, datetime_frequency_interval: _interval, grid_geohash_frequency_precision: _geohash, grid_geotile_frequency_precision: _geotile, ...filters } = body;
    return fromBody(filters, 0);
  };

  app.get('/aggregations', { config: read, schema: { operationId: 'getStacAggregations', tags: TAGS, summary: 'Aggregations available (Aggregation extension)', response: { 200: AggregationList, ...stacErrors } } }, (request) => listing(request));

  app.get(
    '/collections/:collection_id/aggregations',
    { config: read, schema: { operationId: 'getStacCollectionAggregations', tags: TAGS, summary: "A collection's aggregations", params: CollectionParams, response: { 200: AggregationList, ...stacErrors } } },
    async (request) => listing(request, await findCollection(app, request, request.params.collection_id)),
  );

  app.get(
    '/aggregate',
    { config: read, schema: { operationId: 'getStacAggregate', tags: TAGS, summary: 'Aggregate the items a search matches (GET: the search parameters and aggregations)', querystring: AggregateQuery, response: { 200: AggregationCollection, ...stacErrors } } },
    (request) => aggregate(request, getInput(request.query), request.query),
  );

  app.post(
    '/aggregate',
    { config: read, schema: { operationId: 'postStacAggregate', tags: TAGS, summary: 'Aggregate the items a search matches (JSON body)', body: AggregateBody, response: { 200: AggregationCollection, ...stacErrors } } },
    (request) => aggregate(request, postInput(request.body), request.body),
  );

  app.get(
    '/collections/:collection_id/aggregate',
    {
      config: read,
      schema: { operationId: 'getStacCollectionAggregate', tags: TAGS, summary: "Aggregate a collection's items matching the search parameters", params: CollectionParams, querystring: AggregateQuery, response: { 200: AggregationCollection, ...stacErrors } },
    },
    async (request) => aggregate(request, getInput(request.query), request.query, await findCollection(app, request, request.params.collection_id)),
  );
}
