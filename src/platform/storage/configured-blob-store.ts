import path from 'node:path';
import type { Config } from '../config.js';
import { localBlobStore, type BlobStore } from './blob-store.js';
import { s3BlobStore } from './s3-blob-store.js';

/** The server's blob store: the S3 bucket when S3_BUCKET is set, else ASSET_DIR (default <DATA_DIR>/assets). */
export function configuredBlobStore(config: Config): BlobStore {
  if (config.S3_BUCKET) {
    return s3BlobStore({ bucket: config.S3_BUCKET, region: config.S3_REGION, endpoint: config.S3_ENDPOINT, accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY });
  }
  return localBlobStore(config.ASSET_DIR ?? path.join(config.dataDir, 'assets'));
}
