import path from 'node:path';
import type { Config } from '../../../platform/config.js';
import { localBlobStore, type BlobStore } from '../../../platform/storage/blob-store.js';
import { s3BlobStore } from '../../../platform/storage/s3-blob-store.js';

/**
 * Where original layer uploads are kept: the same store as the catalog's assets (the S3 bucket when
 * S3_BUCKET is set, else ASSET_DIR, default <DATA_DIR>/assets), under `<owner>/layers/<layer id>/`.
 * (The catalog's own `assetStore` is not imported: modules share platform code, not each other's.)
 */
export function layerFileStore(config: Config): BlobStore {
  if (config.S3_BUCKET) {
    return s3BlobStore({ bucket: config.S3_BUCKET, region: config.S3_REGION, endpoint: config.S3_ENDPOINT, accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY });
  }
  return localBlobStore(config.ASSET_DIR ?? path.join(config.dataDir, 'assets'));
}

const EXTENSIONS: Record<string, string> = { geojson: 'geojson', shp: 'zip', gpkg: 'gpkg', kml: 'kml', kmz: 'kmz', csv: 'csv' };

/** `<organization id>/layers/<layer id>/<file id>.<ext>`, or `users/<user id>/…` for a layer without organization. */
export function layerFileKey(owner: { organizationId: string | null; userId: string | null }, layerId: number, fileId: number, format: string) {
  const prefix = owner.organizationId ?? `users/${owner.userId}`;
  return `${prefix}/layers/${layerId}/${fileId}.${EXTENSIONS[format] ?? 'bin'}`;
}
