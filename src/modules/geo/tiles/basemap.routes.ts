import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorSchemas } from '../../../platform/http/error-families.js';
import { encodeLayer } from '../../../platform/tiles/mvt-encode.js';
import { checkedTile } from '../../../platform/tiles/tile-math.js';
import * as catalogTiles from '../../catalog/tiles.service.js';
import { BadRequestError } from '../../../platform/errors.js';
import { BASEMAP_MAX_ZOOM, basemapTileMvt, basemapTileRows } from './basemap.queries.js';
import { createHash } from 'node:crypto';
import { publicOrigin } from '../../../platform/http/public-origin.js';
import { TileCache } from '../../../platform/tiles/tile-cache.js';
import { sendTile, TILE_RESPONSES } from './tile-responses.js';
import { TILE_BUDGET } from '../tile-route-options.js';

const TAGS = ['geo'];
const errors = { 400: ErrorSchemas.plume, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume };
const TileParams = Type.Object({
  z: Type.Integer({ minimum: 0, description: `Zoom, 0 to ${BASEMAP_MAX_ZOOM} (400 beyond)` }),
  x: Type.Integer({ minimum: 0, description: 'Column, 0 to 2^z - 1 (400 beyond)' }),
  y: Type.Integer({ minimum: 0, description: 'Row, 0 to 2^z - 1 (400 beyond)' }),
});
/** Boundaries change only when an operator imports areas: browsers may keep a tile a day. */
const BASEMAP_CACHE_CONTROL = 'public, max-age=86400';
const PUBLIC = { auth: 'none' as const, ...TILE_BUDGET };

const BasemapTileJson = Type.Object(
  {
    tilejson: Type.Literal('3.0.0'),
    name: Type.String(),
    attribution: Type.String(),
    tiles: Type.Array(Type.String()),
    minzoom: Type.Integer(),
    maxzoom: Type.Integer(),
    bounds: Type.Array(Type.Number()),
    vector_layers: Type.Array(Type.Object({ id: Type.String(), description: Type.String(), fields: Type.Record(Type.String(), Type.String()) })),
  },
  { additionalProperties: false },
);

/**
 * An offline basemap: the administrative areas this server ships (Natural Earth countries through
 * world-atlas, US states and counties through us-atlas, plus any imported) as vector tiles, so a map
 * needs no outside tile server. Public, like the areas themselves.
 */
export default async function basemapRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  // In process only: the basemap is the same for every process and cheap to remake.
  const cache = new TileCache({ maxBytes: Math.min(16, app.config.TILE_CACHE_MB) * 1024 * 1024, gzip: true, redisTtlSeconds: 0 });
  app.addHook('onClose', async () => cache.close());
  const encoder = catalogTiles.defaultEncoder(app.db);

  app.get(
    '/common/basemap/:z/:x/:y.mvt',
    {
      config: PUBLIC,
      schema: {
        operationId: 'basemapTile',
        tags: TAGS,
        summary: 'The offline basemap as a Mapbox Vector Tile: layer "areas" (countries; states from zoom 3; counties from zoom 6) with id, name and level',
        params: TileParams,
        response: { ...TILE_RESPONSES, ...errors },
      },
    },
    async (request, reply) => {
      const tile = checkedTile(request.params.z, request.params.x, request.params.y);
      if (tile.z > BASEMAP_MAX_ZOOM) throw new BadRequestError(`Zoom ${tile.z} is not served: the basemap is made from zoom 0 to ${BASEMAP_MAX_ZOOM} (map clients over-zoom beyond it).`);
      const make = async () => {
        const bytes = encoder === 'postgis' ? await basemapTileMvt(app.db, tile) : encodeLayer('areas', await basemapTileRows(app.db, tile));
        return { bytes, etag: createHash('sha256').update(bytes).digest('base64url').slice(0, 22) };
      };
      const body = await cache.get(`basemap|${tile.z}/${tile.x}/${tile.y}`, make);
      reply.header('cache-control', BASEMAP_CACHE_CONTROL);
      return sendTile(request, reply, body, true);
    },
  );

  app.get(
    '/common/basemap/tilejson.json',
    { config: PUBLIC, schema: { operationId: 'basemapTileJson', tags: TAGS, summary: 'TileJSON 3.0.0 of the offline basemap', response: { 200: BasemapTileJson, 429: ErrorSchemas.plume } } },
    async (request, reply) => {
      // Its tile URLs are built from the request's origin: like every TileJSON, never kept by a shared cache.
      reply.header('cache-control', 'no-cache');
      return {
        tilejson: '3.0.0' as const,
        name: 'basemap',
        attribution: 'Natural Earth (world-atlas), US Census Bureau (us-atlas)',
        tiles: [`${publicOrigin(request)}/api/v1/common/basemap/{z}/{x}/{y}.mvt`],
        minzoom: 0,
        maxzoom: BASEMAP_MAX_ZOOM,
        bounds: [-180, -85.0511, 180, 85.0511],
        vector_layers: [{ id: 'areas', description: 'Administrative areas: level 0 countries, 1 states (zoom 3+), 2 counties (zoom 6+)', fields: { id: 'String', name: 'String', level: 'Number' } }],
      };
    },
  );
}
