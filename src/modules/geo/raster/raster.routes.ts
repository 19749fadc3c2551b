import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../../platform/auth/auth-plugin.js';
import { BadRequestError, NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../../platform/errors.js';
import { ErrorSchemas } from '../../../platform/http/error-families.js';
import { BLOB_KEY } from '../../../platform/storage/blob-store.js';
import { configuredBlobStore } from '../../../platform/storage/configured-blob-store.js';
import * as catalog from '../../catalog/rasters.service.js';
import { viewerOf } from '../../catalog/viewer.js';
import { COLORMAPS, type ColormapName } from './colormaps.js';
import type { SceneProduct } from './raster.queries.js';
import { importSceneRaster } from './scene-rasters.service.js';
import { TileCache } from '../../../platform/tiles/tile-cache.js';
import { CLOCK_RESOLUTION_MS, createRasterTiles, type Tile } from './tiles.service.js';
import { OWN_ENCODING, TILE_BUDGET } from '../tile-route-options.js';

const TAGS = ['geo'];
const errors = { 400: ErrorSchemas.plume, 401: ErrorSchemas.plume, 403: ErrorSchemas.plume, 404: ErrorSchemas.plume, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume };
const png = { description: 'A PNG tile: 256, 512 or 768 px; transparent where there is no data', content: { 'image/png': { schema: Type.String() } } };
const tileResponses = { 200: png, 304: Type.Null({ description: 'Not modified (If-None-Match matched the ETag)' }), ...errors };
/** A tile URL may be kept this long without asking again; after that the ETag makes asking cheap. */
const MAX_AGE_SECONDS = 300;
const MAX_ZOOM = 24;
/** How long a tile stays in Redis: keys hold the raster's version, so this only bounds the memory a deleted raster keeps. */
const REDIS_TTL_SECONDS = 86_400;
/**
 * How long one process reuses the catalog's answer to "may this viewer see this scene/asset": a map
 * asks for dozens of tiles of one scene at once, and a cached tile should not cost two queries.
 * A scene or plume unpublished or deleted stops being served within this long (docs/geo-raster.md).
 */
const ACCESS_TTL_MS = 5_000;
const SCENE_TILE = { auth: 'optional' as const, ...TILE_BUDGET };
const ASSET_TILE = { scopes: ['catalog:read' as const], ...TILE_BUDGET };

const Product = Type.Enum(['co2', 'ch4', 'rgb'], { description: 'co2 and ch4: the concentration product; rgb: the scene image' });
const Z = Type.Integer({ minimum: 0, maximum: MAX_ZOOM });
const XY = Type.Integer({ minimum: 0, maximum: 2 ** MAX_ZOOM - 1 });
const Scale = Type.Integer({ description: '1, 2 or 3: tiles of 256, 512 or 768 px; anything else is refused with 400' });
const sceneParams = { scene_id: Type.String({ maxLength: 64 }), product: Product, z: Z, x: XY, y: XY };
const assetParams = { pk: Type.String({ minLength: 1, maxLength: 300, description: 'The asset key as the plume names it (plume_tif, con_tif, rgb_tif), URL-encoded: / as %2F' }), z: Z, x: XY, y: XY };
const VMax = Type.Number({ exclusiveMinimum: 0, maximum: 1e12, description: 'The value drawn with the colormap’s last colour; default: the raster’s 99th percentile' });
const sceneStyle = { colormap: Type.Optional(Type.Enum([...COLORMAPS], { default: 'magma', description: 'Our addition: the page draws scenes in one fixed style' })), v_max: Type.Optional(VMax) };
const styleQuery = { colormap: Type.Optional(Type.Enum([...COLORMAPS], { default: 'gray' })), v_max: Type.Optional(VMax) };

const SceneRasterImport = Type.Object({
  scene_id: Type.String(),
  product: Product,
  key: Type.String(),
  sha256: Type.String(),
  bytes: Type.Integer(),
  converted: Type.Boolean({ description: 'Whether the upload was rewritten as a Cloud-Optimized GeoTIFF' }),
  epsg: Type.Integer(),
  width: Type.Integer(),
  height: Type.Integer(),
  bands: Type.Integer(),
  bounds: Type.Array(Type.Number(), { minItems: 4, maxItems: 4, description: '[west, south, east, north], WGS 84' }),
  v_max_default: Type.Union([Type.Number(), Type.Null()], { description: 'The 99th percentile: the top of the colour scale unless v_max is given' }),
});

const TIFF_TYPES = ['image/tiff', 'image/geotiff', 'application/octet-stream'];

function checkTile(z: number, x: number, y: number, scale: number) {
  if (x >= 2 ** z) throw ValidationError.field('path', ['x'], `must be below 2^z = ${2 ** z}`);
  if (y >= 2 ** z) throw ValidationError.field('path', ['y'], `must be below 2^z = ${2 ** z}`);
  if (!(scale >= 1 && scale <= 3)) throw new BadRequestError('scale must be 1, 2 or 3.');
}

/**
 * XYZ PNG tiles of GeoTIFFs (TiTiler's job, in this server): a scene's concentration products and
 * RGB image (OptionalAuth: published scenes for everyone), a plume's GeoTIFF assets (ScopedAuth),
 * and the upload of a scene's products by the scene's owner.
 */
export default async function rasterRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const store = configuredBlobStore(app.config);
  const cache = new TileCache({ maxBytes: app.config.RASTER_CACHE_MB * 1024 * 1024, redisUrl: app.config.REDIS_URL, gzip: false, redisTtlSeconds: REDIS_TTL_SECONDS });
  const tiles = createRasterTiles({ db: app.db, store, cache });
  const accesses = new LRUCache<string, { access: catalog.RasterAccess | null }>({ max: 50_000, ttl: ACCESS_TTL_MS, ttlResolution: CLOCK_RESOLUTION_MS });
  const remembered = async (id: string, decide: () => Promise<catalog.RasterAccess | undefined>) => {
    let entry = accesses.get(id);
    if (!entry) {
      entry = { access: (await decide()) ?? null };
      accesses.set(id, entry);
    }
    return entry.access;
  };
  app.addHook('onClose', async () => cache.close());
  app.addContentTypeParser(TIFF_TYPES, (_request, payload, done) => done(null, payload));

  const send = (request: FastifyRequest, reply: FastifyReply, tile: Tile, isPublic: boolean) => {
    reply.header('etag', tile.etag).header('cache-control', `${isPublic ? 'public' : 'private'}, max-age=${MAX_AGE_SECONDS}`);
    if (!isPublic) reply.header('vary', 'authorization, x-organization-id');
    const matches = request.headers['if-none-match']?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === tile.etag);
    if (matches) return reply.code(304).send();
    return reply.type('image/png').send(tile.png);
  };

  type SceneParams = { scene_id: string; product: SceneProduct; z: number; x: number; y: number };
  type Style = { colormap?: ColormapName; v_max?: number };
  const tileRequest = (params: SceneParams, query: Style, scale: number) => ({ z: params.z, x: params.x, y: params.y, scale, colormap: query.colormap ?? ('magma' as const), vMax: query.v_max });

  // Not async: a tile this process holds, of a scene whose visibility it remembers, is answered
  // without a single await (the common case while a map pans over one scene).
  const sceneTile = (request: FastifyRequest, reply: FastifyReply, params: SceneParams, query: Style, scale: number) => {
    checkTile(params.z, params.x, params.y, scale);
    const viewer = viewerOf(request);
    const accessKey = `scene|${viewer.organizationId}|${params.scene_id}`;
    const known = accesses.get(accessKey);
    const held = known?.access ? tiles.heldSceneTile(params.scene_id, params.product, tileRequest(params, query, scale)) : undefined;
    if (known?.access && held) {
      send(request, reply, held, known.access.public);
      return;
    }
    return sceneTileLoaded(request, reply, params, query, scale, accessKey);
  };

  const sceneTileLoaded = async (request: FastifyRequest, reply: FastifyReply, params: SceneParams, query: Style, scale: number, accessKey: string) => {
    const viewer = viewerOf(request);
    const access = await remembered(accessKey, () => catalog.sceneRasterAccess(app.db, params.scene_id, viewer));
    if (!access) throw new NotFoundError(`Scene ${params.scene_id} not found.`);
    const tile = await tiles.sceneTile(params.scene_id, params.product, tileRequest(params, query, scale));
    return send(request, reply, tile, access.public);
  };

  const assetTile = async (request: FastifyRequest, reply: FastifyReply, params: { pk: string; z: number; x: number; y: number }, query: { colormap?: ColormapName; v_max?: number }, scale: number) => {
    checkTile(params.z, params.x, params.y, scale);
    if (!BLOB_KEY.test(params.pk)) throw new NotFoundError(`Asset ${params.pk} not found.`);
    const viewer = viewerOf(request);
    const access = await remembered(`asset|${viewer.organizationId}|${params.pk}`, () => catalog.assetRasterAccess(app.db, params.pk, viewer));
    if (!access) throw new NotFoundError(`Asset ${params.pk} not found.`);
    const tile = await tiles.assetTile(params.pk, { z: params.z, x: params.x, y: params.y, scale, colormap: query.colormap ?? 'gray', vMax: query.v_max });
    return send(request, reply, tile, access.public);
  };

  const sceneSummary = 'XYZ Tile endpoint for scene gas concentration or RGB (colormap magma unless given; v_max: the scene product’s 99th percentile unless given)';
  app.get(
    '/layers/scene/:scene_id/:product/:z/:x/:y(^\\d+).png',
    {
      config: SCENE_TILE,
      ...OWN_ENCODING,
      schema: { operationId: 'sceneRasterTile', tags: TAGS, summary: sceneSummary, params: Type.Object(sceneParams), querystring: Type.Object(sceneStyle), response: tileResponses },
    },
    (request, reply) => sceneTile(request, reply, request.params, request.query, 1),
  );
  app.get(
    '/layers/scene/:scene_id/:product/:z/:x/:y(^\\d+)@:scale(^\\d+)x.png',
    {
      config: SCENE_TILE,
      ...OWN_ENCODING,
      schema: { operationId: 'sceneRasterTileScale', tags: TAGS, summary: `${sceneSummary}, at 2× or 3×`, params: Type.Object({ ...sceneParams, scale: Scale }), querystring: Type.Object(sceneStyle), response: tileResponses },
    },
    (request, reply) => sceneTile(request, reply, request.params, request.query, request.params.scale),
  );

  app.get(
    '/layers/asset/:pk/:z/:x/:y(^\\d+).png',
    {
      config: ASSET_TILE,
      ...OWN_ENCODING,
      schema: {
        operationId: 'assetPkTile',
        tags: TAGS,
        summary: 'Asset Pk Tile: a plume GeoTIFF asset you may see, coloured (default gray, v_max its 99th percentile)',
        params: Type.Object(assetParams),
        querystring: Type.Object({ scale: Type.Integer({ default: 1, description: '1, 2 or 3' }), ...styleQuery }),
        response: tileResponses,
      },
    },
    (request, reply) => assetTile(request, reply, request.params, request.query, request.query.scale),
  );
  app.get(
    '/layers/asset/:pk/:z/:x/:y(^\\d+)@:scale(^\\d+)x.png',
    {
      config: ASSET_TILE,
      ...OWN_ENCODING,
      schema: { operationId: 'assetTileScale', tags: TAGS, summary: 'Asset Tile Scale: the asset tile at 2× or 3×', params: Type.Object({ ...assetParams, scale: Scale }), querystring: Type.Object(styleQuery), response: tileResponses },
    },
    (request, reply) => assetTile(request, reply, request.params, request.query, request.params.scale),
  );

  app.put(
    '/layers/scene/:scene_id/:product',
    {
      config: { scopes: ['catalog:write'] },
      schema: {
        operationId: 'uploadSceneRaster',
        tags: TAGS,
        summary: 'Upload a scene’s ch4, co2 or rgb GeoTIFF (our addition; the scene’s owner only): converted to a COG when it is not one, then served as tiles',
        params: Type.Object({ scene_id: Type.String({ maxLength: 64 }), product: Product }),
        response: { 201: SceneRasterImport, 413: ErrorSchemas.plume, 415: ErrorSchemas.plume, ...errors },
      },
    },
    async (request, reply) => {
      const organizationId = principalOf(request).organizationId;
      const limitBytes = app.config.RASTER_UPLOAD_LIMIT_BYTES;
      if (Number(request.headers['content-length'] ?? 0) > limitBytes) throw new PayloadTooLargeError(`A raster upload is limited to ${limitBytes} bytes.`);
      if (!request.body) throw new UnsupportedMediaTypeError(`Send the GeoTIFF as the request body, as ${TIFF_TYPES.join(' or ')}.`);
      const result = await importSceneRaster({ db: app.db, store }, { sceneId: request.params.scene_id, product: request.params.product, organizationId, body: request.body as Readable, limitBytes });
      tiles.forgetScene(request.params.scene_id, request.params.product);
      return reply.code(201).send(result);
    },
  );
}
