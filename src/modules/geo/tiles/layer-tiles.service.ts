import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../../../platform/db/database.js';
import { NotFoundError } from '../../../platform/errors.js';
import { encodeLayer } from '../../../platform/tiles/mvt-encode.js';
import type { Tile } from '../../../platform/tiles/tile-math.js';
import type { LayerViewer } from '../layers/layer-visibility.queries.js';
import * as queries from './layer-tiles.queries.js';

export type { ReadyLayer } from './layer-tiles.queries.js';

/** The caller as the layers' visibility rule sees it: its organization and user. */
export function viewerOfLayers(request: FastifyRequest): LayerViewer {
  return { organizationId: request.principal?.organizationId ?? null, userId: request.principal?.userId ?? null };
}

/** A ready layer the viewer may read, else 404 (whether it is someone else's, processing or absent). */
export async function findReadyLayer(db: Queryable, name: string, viewer: LayerViewer) {
  const layer = await queries.selectReadyLayer(db, name, viewer);
  if (!layer) throw new NotFoundError(`Layer ${name} not found.`);
  return layer;
}

export function layerRevision(db: Queryable) {
  return queries.selectLayerRevision(db);
}

/** One tile of the layer, one MVT layer named after it; feature ids are the features' ids. */
export async function layerTile(db: Queryable, layer: queries.ReadyLayer, tile: Tile, options: { encoder: 'postgis' | 'js'; limit: number }) {
  if (options.encoder === 'postgis') return queries.layerTileMvt(db, layer, tile, options.limit);
  return encodeLayer(layer.name, await queries.layerTileRows(db, layer, tile, options.limit));
}
