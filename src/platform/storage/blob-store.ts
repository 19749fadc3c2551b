import { createReadStream } from 'node:fs';
import { mkdir, open as openFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Where asset files live: a local directory, or an S3(-compatible) bucket. */
export interface BlobStore {
  /** The blob, or undefined when there is none under that key. */
  open(key: string): Promise<{ stream: Readable; size: number } | undefined>;
  put(key: string, data: Uint8Array): Promise<void>;
  /**
   * What the blob holds now, cheaply: its size and a version that changes when it is rewritten (the
   * file's size and modification time; the object's ETag). Undefined when there is no such blob.
   */
  stat(key: string): Promise<{ size: number; version: string } | undefined>;
  /** `length` bytes from `offset` (fewer at the end of the blob): range reads, e.g. of a Cloud-Optimized GeoTIFF. */
  readRange(key: string, offset: number, length: number): Promise<Uint8Array>;
  /** A store that signs its own download URLs (S3 presigning); without it the server signs and serves. */
  signedUrl?(key: string, ttlSeconds: number): Promise<string>;
}

/** Keys are relative paths of letters, digits, - _ / and one extension: nothing can climb out of the directory. */
export const BLOB_KEY = /^(?!.*\.\.)[a-zA-Z0-9_\-/]+\.[a-z0-9]+$/;

export function localBlobStore(root: string): BlobStore {
  const resolve = (key: string) => {
    if (!BLOB_KEY.test(key)) return undefined;
    const file = path.resolve(root, key);
    return file.startsWith(path.resolve(root) + path.sep) ? file : undefined;
  };
  return {
    async open(key) {
      const file = resolve(key);
      if (!file) return undefined;
      try {
        const info = await stat(file);
        return info.isFile() ? { stream: createReadStream(file), size: info.size } : undefined;
      } catch {
        return undefined;
      }
    },
    async put(key, data) {
      const file = resolve(key);
      if (!file) throw new Error(`Invalid blob key ${key}`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, data);
    },
    async stat(key) {
      const file = resolve(key);
      if (!file) return undefined;
      try {
        const info = await stat(file);
        return info.isFile() ? { size: info.size, version: `${info.size}-${info.mtimeMs}` } : undefined;
      } catch {
        return undefined;
      }
    },
    async readRange(key, offset, length) {
      const file = resolve(key);
      if (!file) throw new Error(`Invalid blob key ${key}`);
      const handle = await openFile(file, 'r');
      try {
        const buffer = new Uint8Array(length);
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
  };
}

/**
 * Signed, expiring URLs: HMAC-SHA256 over the path and the expiry (Unix seconds), so a link can be
 * handed to a browser or a colleague and stops working when it expires.
 */
export function urlSigner(key: Uint8Array) {
  const sign = (subject: string, expires: number) => createHmac('sha256', key).update(`${subject}\n${expires}`).digest('base64url');
  return {
    sign(subject: string, ttlSeconds: number, now = Date.now()) {
      const expires = Math.floor(now / 1000) + ttlSeconds;
      return { expires, signature: sign(subject, expires) };
    },
    verify(subject: string, expires: number, signature: string, now = Date.now()) {
      if (!Number.isInteger(expires) || expires < Math.floor(now / 1000)) return false;
      const expected = Buffer.from(sign(subject, expires));
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
