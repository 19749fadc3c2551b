import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { NotFoundError } from '../../platform/errors.js';
import { viewerOf } from '../catalog/viewer.js';
import * as catalog from '../catalog/stac.service.js';
import { collectionDocument, CONFORMANCE, describeCollection, landing, MEDIA, queryablesDocument, type CollectionInfo, type Link } from './documents.js';
import { baseOf, fromBody, fromQuery, itemSearch } from './search-page.js';
import { bboxFromText, parseBbox, parseDatetime } from './search-request.js';
import {
  Catalog,
  Collection,
  CollectionParams,
  Collections,
  CollectionsQuery,
  Conformance,
  Item,
  ItemCollection,
  ItemParams,
  JsonSchemaDocument,
  SearchBody,
  SearchOffset,
  SearchQuery,
  stacErrors,
} from './stac.schemas.js';

const TAGS = ['stac'];
/** Anonymous callers read what is published; any credential must hold stac:read (STAC tokens, users and full API keys do). */
const read = { auth: 'optional' as const, scopes: ['stac:read' as const] };
export async function collectionsFor(app: FastifyInstance, request: FastifyRequest): Promise<CollectionInfo[]> {
  return catalog.listCollections(app.db, viewerOf(request));
}

/** The collection the caller may see under this id, or 404. */
export async function findCollection(app: FastifyInstance, request: FastifyRequest, id: string): Promise<CollectionInfo> {
  const found = catalog.isCollectionId(id) ? (await collectionsFor(app, request)).find((c) => c.id === id) : undefined;
  if (!found) throw new NotFoundError(`Collection ${id} not found.`);
  return found;
}

export default async function stacRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { search, toItems } = itemSearch(app);

  app.get('/', { config: read, schema: { operationId: 'getStacCatalog', tags: TAGS, summary: 'Get Catalog: the STAC API landing page', response: { 200: Catalog, ...stacErrors } } }, async (request, reply) => {
    reply.type(MEDIA.json);
    const doc = landing(baseOf(request));
    // Child links to each collection, as static STAC browsers walk them.
    const children = (await collectionsFor(app, request)).map((info) => ({ rel: 'child', href: `${baseOf(request)}/api/v1/stac/collections/${info.id}`, type: MEDIA.json, title: describeCollection(info).title }));
    return { ...doc, links: [...doc.links, ...children] };
  });

  app.get('/conformance', { config: read, schema: { operationId: 'getStacConformance', tags: TAGS, summary: 'Get Conformance', response: { 200: Conformance, ...stacErrors } } }, async () => ({ conformsTo: CONFORMANCE }));

  app.get(
    '/queryables',
    { config: read, schema: { operationId: 'getStacQueryables', tags: TAGS, summary: 'Queryables of every collection (JSON Schema), for filter and query', response: { 200: JsonSchemaDocument, ...stacErrors } } },
    async (request, reply) => {
      reply.type(MEDIA.schema);
      return queryablesDocument(baseOf(request));
    },
  );

  app.get(
    '/collections',
    {
      config: read,
      schema: { operationId: 'getStacCollections', tags: TAGS, summary: 'Get Collections (collection search: bbox, datetime, q, limit)', querystring: CollectionsQuery, response: { 200: Collections, ...stacErrors } },
    },
    async (request, reply) => {
      const base = baseOf(request);
      const { limit, offset, bbox, datetime, q } = request.query;
      if (bbox !== undefined) parseBbox(bboxFromText(bbox));
      const range = datetime !== undefined ? parseDatetime(datetime) : undefined;
      const terms = q?.split(',').map((term) => term.trim().toLowerCase()).filter(Boolean);
      const all = (await collectionsFor(app, request)).map((info) => ({ info, doc: collectionDocument(base, info) }));
      const matching = all.filter(({ info, doc }) => {
        // Every collection's spatial extent is the world, so any valid bbox meets it.
        if (range && ((range.start && info.last && info.last < range.start) || (range.end && info.first && info.first > range.end) || !info.first)) return false;
        if (terms?.length && !terms.some((term) => [doc.id, doc.title, doc.description, ...doc.keywords].some((text) => text.toLowerCase().includes(term)))) return false;
        return true;
      });
      const page = matching.slice(offset, offset + Math.min(limit, 1000));
      const self = new URL(`${base}${request.url}`);
      const links: Link[] = [
        { rel: 'self', href: self.toString(), type: MEDIA.json },
        { rel: 'root', href: `${base}/api/v1/stac/`, type: MEDIA.json },
        { rel: 'parent', href: `${base}/api/v1/stac/`, type: MEDIA.json },
      ];
      if (offset + page.length < matching.length) {
        const next = new URL(self);
        next.searchParams.set('offset', String(offset + page.length));
        links.push({ rel: 'next', href: next.toString(), type: MEDIA.json });
      }
      reply.type(MEDIA.json);
      return { collections: page.map(({ doc }) => doc), links, numberMatched: matching.length, numberReturned: page.length };
    },
  );

  app.get(
    '/collections/:collection_id',
    { config: read, schema: { operationId: 'getStacCollection', tags: TAGS, summary: 'Get Collection', params: CollectionParams, response: { 200: Collection, ...stacErrors } } },
    async (request, reply) => {
      const info = await findCollection(app, request, request.params.collection_id);
      reply.type(MEDIA.json);
      return collectionDocument(baseOf(request), info);
    },
  );

  app.get(
    '/collections/:collection_id/queryables',
    { config: read, schema: { operationId: 'getStacCollectionQueryables', tags: TAGS, summary: "A collection's queryables (JSON Schema)", params: CollectionParams, response: { 200: JsonSchemaDocument, ...stacErrors } } },
    async (request, reply) => {
      const info = await findCollection(app, request, request.params.collection_id);
      reply.type(MEDIA.schema);
      return queryablesDocument(baseOf(request), info);
    },
  );

  app.get(
    '/collections/:collection_id/items',
    {
      config: read,
      schema: { operationId: 'getStacItems', tags: TAGS, summary: 'Get Items of a collection (the search parameters; the path names the collection)', params: CollectionParams, querystring: SearchQuery, response: { 200: ItemCollection, ...stacErrors } },
    },
    async (request, reply) => {
      await findCollection(app, request, request.params.collection_id);
      return search(request, reply, fromQuery(request.query), request.params.collection_id);
    },
  );

  app.get(
    '/collections/:collection_id/items/:feature_id',
    { config: read, schema: { operationId: 'getStacItem', tags: TAGS, summary: 'Get Feature: one item by its id (plume or scene name, or UUID)', params: ItemParams, response: { 200: Item, ...stacErrors } } },
    async (request, reply) => {
      const { collection_id: collection, feature_id: id } = request.params;
      const row = catalog.isCollectionId(collection) ? await catalog.getItem(app.db, viewerOf(request), collection, id) : undefined;
      if (!row) {
        await findCollection(app, request, collection);
        throw new NotFoundError(`Item ${id} not found in collection ${collection}.`);
      }
      const [item] = await toItems(request, [row]);
      reply.type(MEDIA.geojson);
      return item!;
    },
  );

  app.get(
    '/search',
    { config: read, schema: { operationId: 'getStacSearch', tags: TAGS, summary: 'Get Search: items across collections', querystring: SearchQuery, response: { 200: ItemCollection, ...stacErrors } } },
    (request, reply) => search(request, reply, fromQuery(request.query)),
  );

  app.post(
    '/search',
    { config: read, schema: { operationId: 'postStacSearch', tags: TAGS, summary: 'Post Search: items across collections (JSON body; next links repeat the body with a token)', querystring: SearchOffset, body: SearchBody, response: { 200: ItemCollection, ...stacErrors } } },
    (request, reply) => search(request, reply, fromBody(request.body, request.query.offset)),
  );
}
