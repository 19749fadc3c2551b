import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import { NotFoundError } from '../../platform/errors.js';
import { viewerOf } from '../catalog/viewer.js';
import * as catalog from '../catalog/stac.service.js';
import { applyFields } from './fields.js';
import { pagingTokens, searchScope } from './paging.js';
import { collectionDocument, CONFORMANCE, describeCollection, itemDocument, landing, MEDIA, queryablesDocument, type CollectionInfo, type Link } from './documents.js';
import {
  bboxFromText,
  fieldsFromText,
  jsonParam,
  parseBbox,
  parseDatetime,
  sortbyFromText,
  toSearch,
  type SearchInput,
} from './search-request.js';
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
/** numberMatched is exact up to this many items; beyond, it says "more than this" (numberMatchedExact: false). */
export const EXACT_COUNT_LIMIT = 10_000;

type GetQuery = Static<typeof SearchQuery>;
type PostBody = Static<typeof SearchBody>;

/** The GET parameters as one SearchInput (bbox, intersects, query, sortby, fields and q parsed from their text forms). */
function fromQuery(query: GetQuery): SearchInput {
  const filterLang = query['filter-lang'] ?? 'cql2-text';
  return {
    collections: query.collections,
    ids: query.ids,
    bbox: query.bbox !== undefined ? bboxFromText(query.bbox) : undefined,
    intersects: query.intersects !== undefined ? jsonParam(query.intersects, 'intersects') : undefined,
    datetime: query.datetime,
    created_daterange: query.created_daterange,
    cmf: query.cmf,
    gas: query.gas,
    instruments: query.instruments,
    sector: query.sector,
    version: query.version,
    version_include_nulls: query.version_include_nulls,
    query: query.query !== undefined ? jsonParam(query.query, 'query') : undefined,
    filter: query.filter !== undefined ? (filterLang === 'cql2-json' ? jsonParam(query.filter, 'filter') : query.filter) : undefined,
    'filter-lang': query.filter !== undefined ? filterLang : undefined,
    'filter-crs': query['filter-crs'],
    sortby: query.sortby !== undefined ? sortbyFromText(query.sortby) : undefined,
    fields: query.fields !== undefined ? fieldsFromText(query.fields) : undefined,
    q: query.q !== undefined ? [query.q] : undefined,
    limit: query.limit,
    token: query.token,
    offset: query.offset || undefined,
  };
}

function fromBody(body: PostBody, offset: number): SearchInput {
  const entries = Object.entries(body).filter(([, value]) => value !== null && value !== undefined);
  const input = Object.fromEntries(entries) as SearchInput & { q?: string | string[] };
  return { ...input, q: typeof input.q === 'string' ? [input.q] : input.q, offset: offset || undefined };
}

export default async function stacRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tokens = pagingTokens(app.deriveKey('stac-paging'));
  const signAsset = catalog.assetHrefSigner(app.config, (purpose) => app.deriveKey(purpose));
  const baseOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

  async function collectionsFor(request: FastifyRequest): Promise<CollectionInfo[]> {
    return catalog.listCollections(app.db, viewerOf(request));
  }

  async function findCollection(request: FastifyRequest, id: string): Promise<CollectionInfo> {
    const found = catalog.PLUME_COLLECTION.test(id) || id === catalog.SCENE_COLLECTION ? (await collectionsFor(request)).find((c) => c.id === id) : undefined;
    if (!found) throw new NotFoundError(`Collection ${id} not found.`);
    return found;
  }

  async function toItems(request: FastifyRequest, rows: Awaited<ReturnType<typeof catalog.searchItems>>) {
    const base = baseOf(request);
    return Promise.all(
      rows.map(async (row) => {
        const hrefs: Record<string, string> = {};
        for (const [name, key] of Object.entries(row.assets)) {
          const signed = await signAsset(key);
          hrefs[name] = signed.relative ? `${base}${signed.href}` : signed.href;
        }
        return itemDocument(base, row, hrefs);
      }),
    );
  }

  /** One page of a search (GET or POST, /search or a collection's /items), with paging links. */
  async function search(request: FastifyRequest, reply: FastifyReply, input: SearchInput, collection?: string) {
    const base = baseOf(request);
    const path = request.url.split('?')[0]!;
    const parsed = toSearch(input);
    if (collection) parsed.collections = [collection];
    const scope = searchScope(`${request.method} ${path}`, { ...input, collections: collection ? [collection] : input.collections });
    if (input.token) {
      parsed.keyset = tokens.verify(input.token, scope);
      parsed.offset = undefined;
    }
    const viewer = viewerOf(request);
    const [rows, matched] = await Promise.all([catalog.searchItems(app.db, viewer, parsed), catalog.countItems(app.db, viewer, parsed, EXACT_COUNT_LIMIT)]);
    const prev = parsed.keyset?.direction === 'prev';
    const more = rows.length > parsed.limit;
    const page = rows.slice(0, parsed.limit);
    if (prev) page.reverse();

    const links: Link[] = [];
    const self = `${base}${request.url}`;
    const root = `${base}/api/v1/stac`;
    links.push({ rel: 'root', href: `${root}/`, type: MEDIA.json });
    if (collection) {
      links.push({ rel: 'self', href: self, type: MEDIA.geojson });
      links.push({ rel: 'parent', href: `${root}/collections/${collection}`, type: MEDIA.json });
      links.push({ rel: 'collection', href: `${root}/collections/${collection}`, type: MEDIA.json });
    } else if (request.method === 'GET') {
      links.push({ rel: 'self', href: self, type: MEDIA.geojson });
    } else {
      links.push({ rel: 'self', href: `${base}${path}`, type: MEDIA.geojson, method: 'POST', body: request.body });
    }
    const first = page[0];
    const last = page[page.length - 1];
    const tokenOf = (row: typeof first, direction: 'next' | 'prev') => tokens.sign({ values: row!.keys, kind: row!.kind, uid: row!.uid, direction }, scope);
    const linkTo = (rel: 'next' | 'prev', change: { token?: string; offset?: number }): Link => {
      if (request.method === 'POST') {
        const body: Record<string, unknown> = { ...(request.body as object) };
        delete body.token;
        if (change.token) body.token = change.token;
        const url = new URL(`${base}${path}`);
        if (change.offset) url.searchParams.set('offset', String(change.offset));
        return { rel, href: url.toString(), type: MEDIA.geojson, method: 'POST', body, merge: false };
      }
      const url = new URL(self);
      url.searchParams.delete('token');
      url.searchParams.delete('offset');
      if (change.token) url.searchParams.set('token', change.token);
      if (change.offset) url.searchParams.set('offset', String(change.offset));
      return { rel, href: url.toString(), type: MEDIA.geojson, method: 'GET' };
    };
    if (parsed.offset !== undefined && !parsed.keyset) {
      // The page's own offset paging: kept to offsets when asked for by offset.
      if (more) links.push(linkTo('next', { offset: parsed.offset + parsed.limit }));
      if (parsed.offset > 0) links.push(linkTo('prev', { offset: Math.max(0, parsed.offset - parsed.limit) }));
    } else {
      if (last && (prev || more)) links.push(linkTo('next', { token: tokenOf(last, 'next') }));
      if (first && parsed.keyset && (!prev || more)) links.push(linkTo('prev', { token: tokenOf(first, 'prev') }));
    }

    const features = (await toItems(request, page)).map((item) => applyFields(item as Record<string, unknown>, input.fields));
    const exact = matched <= EXACT_COUNT_LIMIT;
    reply.type(MEDIA.geojson);
    return {
      type: 'FeatureCollection' as const,
      features,
      links,
      numberMatched: exact ? matched : EXACT_COUNT_LIMIT,
      numberReturned: features.length,
      numberMatchedExact: exact,
      context: { returned: features.length, limit: parsed.limit, matched: exact ? matched : EXACT_COUNT_LIMIT },
    };
  }

  app.get('/', { config: read, schema: { operationId: 'getStacCatalog', tags: TAGS, summary: 'Get Catalog: the STAC API landing page', response: { 200: Catalog, ...stacErrors } } }, async (request, reply) => {
    reply.type(MEDIA.json);
    const doc = landing(baseOf(request));
    // Child links to each collection, as static STAC browsers walk them.
    const children = (await collectionsFor(request)).map((info) => ({ rel: 'child', href: `${baseOf(request)}/api/v1/stac/collections/${info.id}`, type: MEDIA.json, title: describeCollection(info).title }));
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
      const all = (await collectionsFor(request)).map((info) => ({ info, doc: collectionDocument(base, info) }));
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
      const info = await findCollection(request, request.params.collection_id);
      reply.type(MEDIA.json);
      return collectionDocument(baseOf(request), info);
    },
  );

  app.get(
    '/collections/:collection_id/queryables',
    { config: read, schema: { operationId: 'getStacCollectionQueryables', tags: TAGS, summary: "A collection's queryables (JSON Schema)", params: CollectionParams, response: { 200: JsonSchemaDocument, ...stacErrors } } },
    async (request, reply) => {
      const info = await findCollection(request, request.params.collection_id);
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
      await findCollection(request, request.params.collection_id);
      return search(request, reply, fromQuery(request.query), request.params.collection_id);
    },
  );

  app.get(
    '/collections/:collection_id/items/:feature_id',
    { config: read, schema: { operationId: 'getStacItem', tags: TAGS, summary: 'Get Feature: one item by its id (plume or scene name, or UUID)', params: ItemParams, response: { 200: Item, ...stacErrors } } },
    async (request, reply) => {
      const { collection_id: collection, feature_id: id } = request.params;
      const row = catalog.PLUME_COLLECTION.test(collection) || collection === catalog.SCENE_COLLECTION ? await catalog.getItem(app.db, viewerOf(request), collection, id) : undefined;
      if (!row) {
        await findCollection(request, collection);
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
