import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { BLOB_KEY, type BlobStore } from './blob-store.js';

export interface S3Settings {
  bucket: string;
  region: string;
  endpoint?: string | undefined;
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
}

/**
 * Assets in an S3(-compatible) bucket. Downloads go straight to the store through presigned GET
 * URLs (SigV4, expiring), so the files never pass through this server.
 */
export function s3BlobStore(settings: S3Settings): BlobStore {
  const client = new S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint, forcePathStyle: true } : {}),
    ...(settings.accessKeyId && settings.secretAccessKey ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } } : {}),
  });
  return {
    async open(key) {
      if (!BLOB_KEY.test(key)) return undefined;
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: settings.bucket, Key: key }));
        return { stream: object.Body as Readable, size: object.ContentLength ?? 0 };
      } catch (error) {
        if (error instanceof NoSuchKey) return undefined;
        throw error;
      }
    },
    async put(key, data) {
      if (!BLOB_KEY.test(key)) throw new Error(`Invalid blob key ${key}`);
      await client.send(new PutObjectCommand({ Bucket: settings.bucket, Key: key, Body: data }));
    },
    async stat(key) {
      if (!BLOB_KEY.test(key)) return undefined;
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: settings.bucket, Key: key }));
        return { size: head.ContentLength ?? 0, version: head.ETag ?? `${head.ContentLength}-${head.LastModified?.getTime()}` };
      } catch (error) {
        if (error instanceof NotFound || error instanceof NoSuchKey) return undefined;
        throw error;
      }
    },
    async readRange(key, offset, length) {
      if (!BLOB_KEY.test(key)) throw new Error(`Invalid blob key ${key}`);
      const object = await client.send(new GetObjectCommand({ Bucket: settings.bucket, Key: key, Range: `bytes=${offset}-${offset + length - 1}` }));
      return object.Body!.transformToByteArray();
    },
    signedUrl(key, ttlSeconds) {
      return getSignedUrl(client, new GetObjectCommand({ Bucket: settings.bucket, Key: key }), { expiresIn: ttlSeconds });
    },
  };
}
