import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Database, Queryable } from '../../../platform/db/database.js';
import { ForbiddenError, NotFoundError, PayloadTooLargeError, UnprocessableInputError } from '../../../platform/errors.js';
import type { BlobStore } from '../../../platform/storage/blob-store.js';
import * as catalog from '../../catalog/rasters.service.js';
import { openRaster, openRasterBuffer, RasterFormatError, type Raster } from './cog.js';
import { gdalAvailable, toCog } from './convert.js';
import { writeGeoTiff, type GeoTiffPixels } from './geotiff-writer.js';
import * as queries from './raster.queries.js';
import { describeRaster } from './tiles.service.js';

/** Helpers for callers making their own rasters (the demo generator): its grid's CRS, and the GeoTIFF writer. */
export { transformBetween } from './crs.js';
export { writeGeoTiff, type GeoTiffPixels } from './geotiff-writer.js';

/** A file this small needs neither tiles nor overviews (a tile reads at most all of it): it is served as uploaded. */
const SMALL_EDGE = 512;

export interface SceneRasterImport {
  scene_id: string;
  product: queries.SceneProduct;
  key: string;
  sha256: string;
  bytes: number;
  converted: boolean;
  epsg: number;
  width: number;
  height: number;
  bands: number;
  bounds: [number, number, number, number];
  v_max_default: number | null;
}

async function fileReader(file: string) {
  const handle = await open(file, 'r');
  const { size } = await handle.stat();
  const read = async (offset: number, length: number) => {
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  };
  return { handle, size, read };
}

/** Refuses a product the file cannot be: RGB needs three 8-bit bands, a concentration one band of numbers. */
function checkProduct(raster: Raster, product: queries.SceneProduct) {
  if (product === 'rgb' && (raster.bands < 3 || raster.floating)) throw new RasterFormatError('An rgb product needs at least three 8-bit bands.');
  if (product !== 'rgb' && raster.bands !== 1) throw new RasterFormatError(`A ${product} product needs exactly one band (the concentration), not ${raster.bands}.`);
}

/** Whether a file is already cloud-optimised enough to serve: small, or tiled with overviews. */
const isCloudOptimized = (raster: Raster) => Math.max(raster.width, raster.height) <= SMALL_EDGE || (raster.tiled && raster.levels.length > 1);

async function receive(body: Readable, file: string, limitBytes: number) {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback(bytes > limitBytes ? new PayloadTooLargeError(`A raster upload is limited to ${limitBytes} bytes.`) : null, chunk);
    },
  });
  await pipeline(body, counter, createWriteStream(file));
  return bytes;
}

/**
 * Receives a scene's product (ch4, co2 or rgb) uploaded by the scene's owner: the body is written to
 * a temporary file (at most `limitBytes`), then stored by `storeSceneRasterFile`.
 */
export async function importSceneRaster(
  deps: { db: Database; store: BlobStore },
  input: { sceneId: string; product: queries.SceneProduct; organizationId: string; body: Readable; limitBytes: number },
): Promise<SceneRasterImport> {
  if (!(await catalog.sceneRasterAccess(deps.db, input.sceneId, { organizationId: input.organizationId }))) throw new NotFoundError(`Scene ${input.sceneId} not found.`);
  if (!(await catalog.ownsScene(deps.db, input.sceneId, input.organizationId))) throw new ForbiddenError('Only the scene’s owner may upload its rasters.');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-raster-'));
  try {
    const uploaded = path.join(dir, 'upload.tif');
    const received = await receive(input.body, uploaded, input.limitBytes);
    if (received === 0) throw new UnprocessableInputError('The upload is empty: send the GeoTIFF as the request body.');
    return await storeSceneRasterFile(deps, { ...input, file: uploaded });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Stores a GeoTIFF file as a scene's product for the scene's owner (the upload route, the CLI and
 * the demo): the file is checked (a TIFF, georeferenced in a supported CRS, the right bands for the
 * product), converted to a COG with gdal_translate when it is not one (and GDAL is installed;
 * otherwise kept as it is, see docs/decisions/0012), described, stored under a key holding its
 * sha256, and registered. The previous file of that product stays in the store, unregistered.
 */
export async function storeSceneRasterFile(
  deps: { db: Database; store: BlobStore },
  input: { sceneId: string; product: queries.SceneProduct; organizationId: string; file: string },
): Promise<SceneRasterImport> {
  const { db, store } = deps;
  if (!(await catalog.ownsScene(db, input.sceneId, input.organizationId))) throw new NotFoundError(`Scene ${input.sceneId} not found among the organization’s scenes.`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-cog-'));
  try {
    let converted = false;
    let file = input.file;
    const source = await fileReader(input.file);
    try {
      const raster = await openRaster(source.read, source.size);
      checkProduct(raster, input.product);
      if (!isCloudOptimized(raster) && (await gdalAvailable())) {
        file = path.join(dir, 'cog.tif');
        await toCog(input.file, file).catch(() => {
          throw new RasterFormatError('GDAL could not convert the file to a Cloud-Optimized GeoTIFF.');
        });
        converted = true;
      }
    } catch (error) {
      if (error instanceof RasterFormatError) throw new UnprocessableInputError(error.message);
      throw error;
    } finally {
      await source.handle.close();
    }

    const data = new Uint8Array(await readFile(file));
    const raster = await openRasterBuffer(data);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const key = `${input.organizationId}/rasters/scenes/${input.sceneId}/${input.product}-${sha256.slice(0, 16)}.tif`;
    const described = await describeRaster(raster);
    await store.put(key, data);
    await db.transaction(async (tx) => {
      await queries.upsertRaster(tx, { key, version: sha256, ...described });
      await queries.upsertSceneRaster(tx, { sceneId: input.sceneId, product: input.product, key, sha256, bytes: data.length, converted });
    });
    return {
      scene_id: input.sceneId,
      product: input.product,
      key,
      sha256,
      bytes: data.length,
      converted,
      epsg: described.epsg,
      width: described.width,
      height: described.height,
      bands: described.bands,
      bounds: described.bounds,
      v_max_default: described.p99,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The key of a scene's product, if one is stored. */
export async function sceneRasterKey(db: Queryable, sceneId: string, product: queries.SceneProduct): Promise<string | undefined> {
  return (await queries.selectSceneRaster(db, sceneId, product))?.key;
}

/** Stores pixels made in this process (the demo's) as a scene's product, through the same checks and conversion as an upload. */
export async function storeSceneRasterPixels(
  deps: { db: Database; store: BlobStore },
  input: { sceneId: string; product: queries.SceneProduct; organizationId: string; pixels: GeoTiffPixels },
): Promise<SceneRasterImport> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-pixels-'));
  try {
    const file = path.join(dir, 'pixels.tif');
    await writeFile(file, writeGeoTiff(input.pixels));
    return await storeSceneRasterFile(deps, { ...input, file });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
