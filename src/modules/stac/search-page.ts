import { publicOrigin } from '../../platform/http/public-origin.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { viewerOf } from '../catalog/viewer.js';
import * as catalog from '../catalog/stac.service.js';
import { applyFields } from './fields.js';
import { pagingTokens, searchScope } from './paging.js';
import { itemDocument, MEDIA, type Link } from './documents.js';
import { encodeFeatures, itemCollectionBody } from './item-collection-body.js';
import { bboxFromText, fieldsFromText, jsonParam, sortbyFromText, toSearch, type SearchInput } from './search-request.js';
import type { SearchBody, SearchQuery } from './stac.schemas.js';

/** numberMatched is exact up to this many items; beyond, it is an estimate (numberMatchedExact: false; decision 0030). */
export const EXACT_COUNT_LIMIT = 10_000;

export const baseOf = (request: FastifyRequest) => publicOrigin(request);

type GetQuery = Static<typeof SearchQuery>;
type PostBody = Static<typeof SearchBody>;

/** The GET parameters as one SearchInput (bbox, intersects, query, sortby, fields and q parsed from their text forms). */
export function fromQuery(query: GetQuery): SearchInput {
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

export function fromBody(body: PostBody, offset: number): SearchInput {
  const entries = Object.entries(body).filter(([, value]) => value !== null && value !== undefined);
  const input = Object.fromEntries(entries) as SearchInput & { q?: string | string[] };
  return { ...input, q: typeof input.q === 'string' ? [input.q] : input.q, offset: offset || undefined };
}

/** Item search pages (GET and POST /search, a collection's /items) and item documents with signed asset links. */
export function itemSearch(app: FastifyInstance) {
  const tokens = pagingTokens(app.deriveKey('stac-paging'));
  const signAsset = catalog.assetHrefSigner(app.config, (purpose) => app.deriveKey(purpose));

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
    // HEAD is GET without the body: the same search, so the same scope.
    const scope = searchScope(`${request.method === 'HEAD' ? 'GET' : request.method} ${path}`, { ...input, collections: collection ? [collection] : input.collections });
    const viewer = viewerOf(request);
    // Who the count was made for: a count carried in a token is reused by the same viewer only (decision 0026).
    const countedFor = viewer.organizationId ?? '';
    let carried: number | undefined;
    if (input.token) {
      const verified = tokens.verify(input.token, scope, countedFor);
      parsed.keyset = verified.keyset;
      carried = verified.matched;
      parsed.offset = undefined;
    }
    // Later pages of a search report the count of its first page instead of counting again. The
    // page's items are made and encoded as soon as its rows arrive: the count usually takes longer,
    // and the items then cost the answer nothing (decision 0038).
    // Not once the count has failed: the answer is an error by then.
    const prev = parsed.keyset?.direction === 'prev';
    let failed = false;
    const counting = carried ?? catalog.countItems(app.db, viewer, parsed, EXACT_COUNT_LIMIT).catch((error: unknown) => {
      failed = true;
      throw error;
    });
    const pageWork = catalog.searchItems(app.db, viewer, parsed).then(async (rows) => {
      const page = rows.slice(0, parsed.limit);
      if (prev) page.reverse();
      const items = failed ? [] : await toItems(request, page);
      return { page, more: rows.length > parsed.limit, features: encodeFeatures(items.map((item) => applyFields(item as Record<string, unknown>, input.fields))) };
    });
    const [{ page, more, features }, matched] = await Promise.all([pageWork, counting]);

    const links: Link[] = [];
    const self = `${base}${request.url}`;
    const root = `${base}/api/v1/stac`;
    links.push({ rel: 'root', href: `${root}/`, type: MEDIA.json });
    if (collection) {
      links.push({ rel: 'self', href: self, type: MEDIA.geojson });
      links.push({ rel: 'parent', href: `${root}/collections/${collection}`, type: MEDIA.json });
      links.push({ rel: 'collection', href: `${root}/collections/${collection}`, type: MEDIA.json });
    } else if (request.method !== 'POST') {
      // GET, and HEAD, which answers GET's headers (its tag and length too).
      links.push({ rel: 'self', href: self, type: MEDIA.geojson });
    } else {
      links.push({ rel: 'self', href: `${base}${path}`, type: MEDIA.geojson, method: 'POST', body: request.body });
    }
    const first = page[0];
    const last = page[page.length - 1];
    const tokenOf = (row: typeof first, direction: 'next' | 'prev') =>
      tokens.sign({ values: row!.keys, kind: row!.kind, uid: row!.uid, direction }, scope, { count: matched, viewer: countedFor });
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

    const returned = features.returned;
    const { body, etag } = itemCollectionBody(features, {
      links,
      numberReturned: returned,
      numberMatched: matched,
      numberMatchedExact: matched <= EXACT_COUNT_LIMIT,
      context: { returned, limit: parsed.limit, matched },
    });
    // The bytes as StacItemCollection's serializer would write them (a test holds them to it).
    // Compressed by the global hook, conditional GET by conditional-get.ts with this tag.
    if (request.method !== 'POST') reply.header('etag', etag);
    return reply.type(`${MEDIA.geojson}; charset=utf-8`).send(body);
  }

  return { search, toItems };
}
