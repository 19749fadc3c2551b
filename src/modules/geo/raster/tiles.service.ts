import { LRUCache } from 'lru-cache';
import sharp from 'sharp';
import type { Queryable } from '../../../platform/db/database.js';
import { NotFoundError, UnprocessableInputError } from '../../../platform/errors.js';
import type { BlobStore } from '../../../platform/storage/blob-store.js';
import { openRaster, RasterFormatError, type Raster } from './cog.js';
import { colormapTables, type ColormapName } from './colormaps.js';
import { percentile99, wgs84Bounds } from './describe.js';
import * as queries from './raster.queries.js';
import { renderTile, TooCoarseError, type Resampling, type Style } from './render.js';
import { TileCache } from '../../../platform/tiles/tile-cache.js';

/** Bumped when rendering changes, so that no cache (ours, Redis, browsers' ETags) keeps an old rendering. */
const RENDERER_VERSION = 1;
/** How long a plume asset's store version is trusted before it is asked again (a stat, or an S3 HEAD). */
const VERSION_TTL_MS = 30_000;
/** How long a scene product's row is reused (a re-upload through another process shows within this long). */
const SCENE_ROW_TTL_MS = 5_000;
/**
 * How long lru-cache may reuse a clock reading: by default one millisecond, each reading with a timer
 * to clear it, so a timer every millisecond under load (seen in the cached-tile profile). Entries
 * expire late by at most this much.
 */
export const CLOCK_RESOLUTION_MS = 100;
/** The top of the colour scale when a raster has no usable 99th percentile. */
export const FALLBACK_V_MAX = 1000;

export interface TileRequest {
  z: number;
  x: number;
  y: number;
  /** 1, 2 or 3: 256, 512 or 768 px. */
  scale: number;
  /** For one-band rasters; RGB rasters ignore it. */
  colormap: ColormapName;
  vMax: number | undefined;
}

export interface Tile {
  png: Buffer;
  etag: string;
}

/** A raster's header, opened once per version and kept (small: IFDs and tile offsets). */
interface Opened {
  raster: Raster;
  row: queries.RasterRow;
}

export function describeRaster(raster: Raster) {
  return percentile99(raster).then((p99) => ({ epsg: raster.epsg, width: raster.width, height: raster.height, bands: raster.bands, floating: raster.floating, nodata: raster.nodata, p99, bounds: wgs84Bounds(raster) }));
}

/**
 * XYZ PNG tiles of the GeoTIFFs in the asset store: the header read with range requests and kept
 * per version, the tile rendered from the right overview (render.ts), encoded with sharp, and
 * cached under a key holding the raster's version, so a new upload or a rewritten asset is never
 * answered from an old rendering. Concurrent requests for one tile render it once.
 */
export function createRasterTiles(options: { db: Queryable; store: BlobStore; cache: TileCache }) {
  const { db, store, cache } = options;
  const opened = new LRUCache<string, Promise<Opened>>({ max: 128 });
  const versions = new LRUCache<string, string>({ max: 10_000, ttl: VERSION_TTL_MS, ttlResolution: CLOCK_RESOLUTION_MS });
  const sceneRows = new LRUCache<string, { row: queries.RasterRow | null }>({ max: 10_000, ttl: SCENE_ROW_TTL_MS, ttlResolution: CLOCK_RESOLUTION_MS });
  const empty = new Map<number, Promise<Buffer>>();

  const openFromStore = (key: string, size: number) => openRaster((offset, length) => store.readRange(key, offset, length), size);

  function open(row: queries.RasterRow): Promise<Opened> {
    const id = `${row.key}@${row.version}`;
    let entry = opened.get(id);
    if (!entry) {
      entry = (async () => {
        const info = await store.stat(row.key);
        if (!info) throw new NotFoundError('The raster file is missing from the asset store.');
        return { raster: await openFromStore(row.key, info.size), row };
      })();
      entry.catch(() => opened.delete(id));
      opened.set(id, entry);
    }
    return entry;
  }

  const transparent = (size: number) => {
    let png = empty.get(size);
    if (!png) {
      png = sharp({ create: { width: size, height: size, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
      empty.set(size, png);
    }
    return png;
  };

  /** The top of the colour scale, and the cache key of one tile of a described raster. */
  function keyOf(row: queries.RasterRow, request: TileRequest, rgb: boolean) {
    const vMax = request.vMax ?? (row.p99 !== null && row.p99 > 0 ? row.p99 : FALLBACK_V_MAX);
    const style = rgb ? 'rgb' : `${request.colormap}:${vMax}`;
    return { vMax, cacheKey: `r${RENDERER_VERSION}|${row.key}|${row.version}|${request.z}/${request.x}/${request.y}@${request.scale}|${style}` };
  }

  const isRgb = (row: queries.RasterRow, product: queries.SceneProduct) => product === 'rgb' || (!row.floating && row.bands >= 3);

  /** The PNG of one tile of a described raster (cache, then render; concurrent requests for one tile render it once). */
  async function tileOf(row: queries.RasterRow, request: TileRequest, rgb: boolean): Promise<Tile> {
    const { vMax, cacheKey } = keyOf(row, request, rgb);
    const held = cache.peek(cacheKey);
    if (held) return { png: held.body, etag: held.etag };
    const made = await cache.get(cacheKey, async () => {
      const size = 256 * request.scale;
      const { raster } = await open(row);
      const tileStyle: Style = rgb ? { kind: 'rgb' } : { kind: 'scalar', table: colormapTables[request.colormap], vMax };
      const resampling: Resampling = rgb || !raster.floating ? 'nearest' : 'bilinear';
      let pixels: Uint8Array | null;
      try {
        pixels = await renderTile(raster, request.z, request.x, request.y, size, tileStyle, resampling);
      } catch (error) {
        if (error instanceof TooCoarseError) throw new UnprocessableInputError(error.message);
        throw error;
      }
      const png = pixels ? await sharp(pixels, { raw: { width: size, height: size, channels: 4 } }).png({ compressionLevel: 6 }).toBuffer() : await transparent(size);
      return { bytes: png, etag: `"${TileCache.digest(cacheKey)}"` };
    });
    return { png: made.body, etag: made.etag };
  }

  return {
    /**
     * A scene product's tile when this process holds it in memory (its row and its bytes), without
     * waiting on anything: most map requests are answered here. Undefined otherwise.
     */
    heldSceneTile(sceneId: string, product: queries.SceneProduct, request: TileRequest): Tile | undefined {
      const row = sceneRows.get(`${sceneId}|${product}`)?.row;
      if (!row) return undefined;
      const held = cache.peek(keyOf(row, request, isRgb(row, product)).cacheKey);
      return held ? { png: held.body, etag: held.etag } : undefined;
    },

    /** A scene product's tile; the caller has checked the scene is visible. */
    async sceneTile(sceneId: string, product: queries.SceneProduct, request: TileRequest): Promise<Tile> {
      let entry = sceneRows.get(`${sceneId}|${product}`);
      if (!entry) {
        entry = { row: (await queries.selectSceneRaster(db, sceneId, product)) ?? null };
        sceneRows.set(`${sceneId}|${product}`, entry);
      }
      const row = entry.row;
      if (!row) throw new NotFoundError(`Scene ${sceneId} has no ${product} raster.`);
      return tileOf(row, request, isRgb(row, product));
    },

    /**
     * A plume asset's tile; the caller has checked the asset is visible. The file is described at its
     * first tile, and again whenever the store reports a new version of it (a rewritten file).
     */
    async assetTile(key: string, request: TileRequest): Promise<Tile> {
      if (!/\.tiff?$/i.test(key)) throw new NotFoundError(`Asset ${key} is not a GeoTIFF.`);
      let version = versions.get(key);
      if (!version) {
        const info = await store.stat(key);
        if (!info) throw new NotFoundError(`Asset ${key} not found.`);
        version = info.version;
        versions.set(key, version);
      }
      let row = await queries.selectRaster(db, key);
      if (!row || row.version !== version) {
        const info = await store.stat(key);
        if (!info) throw new NotFoundError(`Asset ${key} not found.`);
        let raster: Raster;
        try {
          raster = await openFromStore(key, info.size);
        } catch (error) {
          if (error instanceof RasterFormatError) throw new UnprocessableInputError(`Asset ${key} cannot be rendered: ${error.message}`);
          throw error;
        }
        row = { key, version: info.version, ...(await describeRaster(raster)) };
        await queries.upsertRaster(db, row);
        versions.set(key, info.version);
      }
      return tileOf(row, request, !row.floating && row.bands >= 3);
    },

    /** Forgets the scene product's row, after this process stored a new file for it. */
    forgetScene(sceneId: string, product: queries.SceneProduct) {
      sceneRows.delete(`${sceneId}|${product}`);
    },
  };
}

export type RasterTiles = ReturnType<typeof createRasterTiles>;
