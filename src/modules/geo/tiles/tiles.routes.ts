import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { RevisionWatch } from '../../../platform/db/revision-watch.js';
import { ErrorSchemas } from '../../../platform/http/error-families.js';
import { TileCache, tileEntry, type TileEntry } from '../../../platform/tiles/tile-cache.js';
import { publicOrigin } from '../../../platform/http/public-origin.js';
import { checkedTile, MAX_ZOOM, type Tile } from '../../../platform/tiles/tile-math.js';
import * as catalogTiles from '../../catalog/tiles.service.js';
import { viewerOf } from '../../catalog/viewer.js';
import { layerTile, findReadyLayer, layerRevision, viewerOfLayers } from './layer-tiles.service.js';
import { acceptsGzip, notModified, queryStringOf, sendTile, TILE_RESPONSES, tileEtag } from './tile-responses.js';
import { fieldsOfSchema, mapStyle, Style, TileJson, tileJson } from './tilejson.js';
import { warmTilesOnListen } from './tile-warm-up.js';
import { OWN_ENCODING, TILE_BUDGET } from '../tile-route-options.js';

const TAGS = ['geo'];
const errors = { 400: ErrorSchemas.plume, 401: ErrorSchemas.plume, 403: ErrorSchemas.plume, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume };

const CACHED = { auth: 'optional' as const, ...TILE_BUDGET };
const UNCACHED = { scopes: ['catalog:read' as const], ...TILE_BUDGET };
const LAYER = { scopes: ['geo:read' as const], ...TILE_BUDGET };

/** How long Redis keeps a vector tile: its key holds the revision, so an old one is only unreachable, never served. */
const REDIS_TTL_SECONDS = 600;

/** Most features one tile carries, largest emissions first (plumes), newest first (scenes), by id (layers). */
export const TILE_FEATURE_LIMIT = { plumes: 20_000, scenes: 5_000, layers: 20_000 };

const TileParams = Type.Object({
  z: Type.Integer({ minimum: 0, description: `Zoom, 0 to ${MAX_ZOOM} (400 beyond)` }),
  x: Type.Integer({ minimum: 0, description: 'Column, 0 to 2^z - 1 from the antimeridian eastwards (400 beyond)' }),
  y: Type.Integer({ minimum: 0, description: 'Row, 0 to 2^z - 1 from the north (400 beyond)' }),
});
const LayerName = Type.String({ pattern: '^[a-zA-Z0-9-_]+$', maxLength: 512 });
/**
 * Callback hooks, not async ones: they run on every tile, and only a tile filtered by an area has
 * something to wait for.
 */
const areaFilterHooks = {
  // A throw (an area filter this route does not take) reaches Fastify's error handler as from any hook.
  preValidation: (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
    catalogTiles.prepareTileAreaFilters(request);
    done();
  },
  preHandler: (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
    if (!catalogTiles.tileNamesAreas(request)) return done();
    catalogTiles.resolveTileAreaFilters(request).then(() => done(), done);
  },
};

export default async function tilesRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const cache = new TileCache({ maxBytes: app.config.TILE_CACHE_MB * 1024 * 1024, redisUrl: app.config.REDIS_URL, gzip: true, redisTtlSeconds: REDIS_TTL_SECONDS });
  // The catalog's and the layers' revisions in memory, kept current by NOTIFY (decision 0020).
  const revisions = new RevisionWatch(app.db).start();
  app.addHook('onClose', async () => {
    cache.close();
    await revisions.close();
  });
  warmTilesOnListen(app);
  const encoder = catalogTiles.defaultEncoder(app.db);
  const catalogRevision = () => revisions.current('catalog', () => catalogTiles.catalogRevision(app.db));

  /**
   * A cached tile: 304 if the client holds it, else from the cache or made (and kept). A tile held
   * here is answered with its stored ETag and bytes (no hashing, no gzip, no await).
   */
  function cachedTile(request: FastifyRequest, reply: FastifyReply, key: string, make: () => Promise<Uint8Array>) {
    const gzip = acceptsGzip(request);
    const answer = (tile: TileEntry) => (notModified(request, reply, tile.etag, gzip) ? reply : sendTile(request, reply, tile, true, gzip));
    const held = cache.peek(key);
    if (held) return answer(held);
    return cache.get(key, async () => {
      const bytes = await make();
      return { bytes, etag: tileEtag(bytes) };
    }).then(answer);
  }

  /** An uncached tile: gzipped only when the client takes it (it is made for this one answer). */
  const sendUncached = async (request: FastifyRequest, reply: FastifyReply, bytes: Uint8Array) => {
    const gzip = acceptsGzip(request);
    return sendTile(request, reply, await tileEntry({ bytes, etag: '' }, gzip), false, gzip);
  };

  const viewerClass = (request: FastifyRequest) => viewerOf(request).organizationId ?? 'anonymous';
  const tileOf = (params: { z: number; x: number; y: number }): Tile => checkedTile(params.z, params.x, params.y);
  const plumeTile = (request: FastifyRequest, query: catalogTiles.PlumeTileQuery, tile: Tile) =>
    catalogTiles.plumeTile(app.db, query, viewerOf(request), tile, { encoder, limit: TILE_FEATURE_LIMIT.plumes, cellsMaxZoom: app.config.PLUME_TILE_CELLS_MAX_ZOOM });
  const sceneTile = (request: FastifyRequest, query: catalogTiles.SceneTileQuery, tile: Tile) =>
    catalogTiles.sceneTile(app.db, query, viewerOf(request), tile, { encoder, limit: TILE_FEATURE_LIMIT.scenes });

  app.get(
    '/layers/plumes/:z/:x/:y.mvt',
    {
      config: CACHED,
      ...OWN_ENCODING,
      ...areaFilterHooks,
      schema: {
        operationId: 'plumeTile',
        tags: TAGS,
        summary: 'Plumes as a Mapbox Vector Tile (layer "plumes"), filtered like plumes/annotated; anonymous callers see published plumes',
        params: TileParams,
        querystring: catalogTiles.PlumeTileQuery,
        response: { ...TILE_RESPONSES, ...errors },
      },
    },
    async (request, reply) => {
      const tile = tileOf(request.params);
      const filterKey = catalogTiles.plumeTileKey(request.query);
      const revision = await catalogRevision();
      const key = `plumes|${revision}|${viewerClass(request)}|${filterKey}|${tile.z}/${tile.x}/${tile.y}`;
      return cachedTile(request, reply, key, () => plumeTile(request, request.query, tile));
    },
  );

  app.get(
    '/layers/plumes/uncached/:z/:x/:y.mvt',
    {
      config: UNCACHED,
      ...OWN_ENCODING,
      ...areaFilterHooks,
      schema: { operationId: 'plumeTileUncached', tags: TAGS, summary: 'Plumes Tile Uncached: the same tile, always computed afresh', params: TileParams, querystring: catalogTiles.PlumeTileQuery, response: { ...TILE_RESPONSES, ...errors } },
    },
    async (request, reply) => {
      const tile = tileOf(request.params);
      catalogTiles.plumeTileKey(request.query);
      return sendUncached(request, reply, await plumeTile(request, request.query, tile));
    },
  );

  app.get(
    '/layers/scenes/:z/:x/:y.mvt',
    {
      config: CACHED,
      ...OWN_ENCODING,
      ...areaFilterHooks,
      schema: {
        operationId: 'sceneTile',
        tags: TAGS,
        summary: 'Scene footprints as a Mapbox Vector Tile (layer "scenes"), filtered like /scenes; anonymous callers see public scenes',
        params: TileParams,
        querystring: catalogTiles.SceneTileQuery,
        response: { ...TILE_RESPONSES, ...errors },
      },
    },
    async (request, reply) => {
      const tile = tileOf(request.params);
      const filterKey = catalogTiles.sceneTileKey(request.query);
      const revision = await catalogRevision();
      const key = `scenes|${revision}|${viewerClass(request)}|${filterKey}|${tile.z}/${tile.x}/${tile.y}`;
      return cachedTile(request, reply, key, () => sceneTile(request, request.query, tile));
    },
  );

  app.get(
    '/layers/scenes/uncached/:z/:x/:y.mvt',
    {
      config: UNCACHED,
      ...OWN_ENCODING,
      ...areaFilterHooks,
      schema: { operationId: 'sceneTileUncached', tags: TAGS, summary: 'Scenes Tile Uncached: the same tile, always computed afresh', params: TileParams, querystring: catalogTiles.SceneTileQuery, response: { ...TILE_RESPONSES, ...errors } },
    },
    async (request, reply) => {
      const tile = tileOf(request.params);
      catalogTiles.sceneTileKey(request.query);
      return sendUncached(request, reply, await sceneTile(request, request.query, tile));
    },
  );

  app.get(
    '/layers/plumes/tilejson.json',
    {
      config: CACHED,
      ...areaFilterHooks,
      schema: { operationId: 'plumeTileJson', tags: TAGS, summary: 'TileJSON 3.0.0 of the plume tiles; the filters given here are carried into the tile URLs', querystring: catalogTiles.PlumeTileQuery, response: { 200: TileJson, ...errors } },
    },
    async (request, reply) => {
      catalogTiles.plumeTileKey(request.query);
      const url = `${publicOrigin(request)}/api/v1/layers/plumes/{z}/{x}/{y}.mvt${queryStringOf(request)}`;
      reply.header('cache-control', 'no-cache');
      return tileJson('plumes', url, catalogTiles.PLUME_TILE_FIELDS, { description: 'Plumes: points with emission rates (kg/h), colloquial names and status; up to zoom 6 (filters allowing), one point per cell with plume_count, emission_count and emission_sum.' });
    },
  );

  app.get(
    '/layers/scenes/tilejson.json',
    {
      config: CACHED,
      ...areaFilterHooks,
      schema: { operationId: 'sceneTileJson', tags: TAGS, summary: 'TileJSON 3.0.0 of the scene tiles; the filters given here are carried into the tile URLs', querystring: catalogTiles.SceneTileQuery, response: { 200: TileJson, ...errors } },
    },
    async (request, reply) => {
      catalogTiles.sceneTileKey(request.query);
      const url = `${publicOrigin(request)}/api/v1/layers/scenes/{z}/{x}/{y}.mvt${queryStringOf(request)}`;
      reply.header('cache-control', 'no-cache');
      return tileJson('scenes', url, catalogTiles.SCENE_TILE_FIELDS, { description: 'Scene footprints with instrument, time, cloud cover and QA.' });
    },
  );

  app.get(
    '/layers/style.json',
    { config: CACHED, schema: { operationId: 'mapStyle', tags: TAGS, summary: 'A MapLibre style drawing plumes (coloured by emission) over scene footprints, from the TileJSON above', response: { 200: Style, ...errors } } },
    async (request, reply) => {
      const origin = publicOrigin(request);
      reply.header('cache-control', 'no-cache');
      return mapStyle(`${origin}/api/v1/layers/plumes/tilejson.json`, `${origin}/api/v1/layers/scenes/tilejson.json`);
    },
  );

  app.get(
    '/layers/:name/tilejson.json',
    {
      config: LAYER,
      schema: { operationId: 'layerTileJson', tags: TAGS, summary: 'TileJSON 3.0.0 of an uploaded layer’s tiles', params: Type.Object({ name: LayerName }), response: { 200: TileJson, 404: ErrorSchemas.plume, ...errors } },
    },
    async (request, reply) => {
      const layer = await findReadyLayer(app.db, request.params.name, viewerOfLayers(request));
      const url = `${publicOrigin(request)}/api/v1/layers/${encodeURIComponent(layer.name)}/{z}/{x}/{y}.mvt`;
      reply.header('cache-control', 'private, no-cache');
      return tileJson(layer.name, url, fieldsOfSchema(layer.schema), { description: layer.description ?? layer.verbose_name ?? undefined, bounds: layer.bounds });
    },
  );

  app.get(
    '/layers/:name/:z/:x/:y.mvt',
    {
      config: LAYER,
      ...OWN_ENCODING,
      schema: {
        operationId: 'layerTile',
        tags: TAGS,
        summary: 'Layer Tile: an uploaded layer (ready) as a Mapbox Vector Tile, one MVT layer named after it; 404 when not yours or not ready',
        params: Type.Object({ name: LayerName, ...TileParams.properties }),
        response: { ...TILE_RESPONSES, 404: ErrorSchemas.plume, ...errors },
      },
    },
    async (request, reply) => {
      const tile = tileOf(request.params);
      // Visibility first, on every request: the cache never answers for a layer the caller may not read.
      const layer = await findReadyLayer(app.db, request.params.name, viewerOfLayers(request));
      const revision = await revisions.current('layers', () => layerRevision(app.db));
      const key = `layer|${revision}|${layer.id}|${tile.z}/${tile.x}/${tile.y}`;
      return cachedTile(request, reply, key, () => layerTile(app.db, layer, tile, { encoder, limit: TILE_FEATURE_LIMIT.layers }));
    },
  );
}


