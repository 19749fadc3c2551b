import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { FIXTURE_CSV } from '../../modules/catalog/catalog.fixture.js';
import { importPlumeCsv } from '../../modules/catalog/plume-import.js';
import { s3BlobStore } from './s3-blob-store.js';

// s3rver: an S3-compatible server for tests (path-style, SigV4 checked, key S3RVER/S3RVER).
let server: S3rver;
let endpoint: string;
let ctx: TestContext;
const PNG = Buffer.from('89504e470d0a1a0a00000000', 'hex');

beforeAll(async () => {
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: mkdtempSync(path.join(os.tmpdir(), 's3rver-')), configureBuckets: [{ name: 'plume-assets', configs: [] }] });
  const address = (await server.run()) as AddressInfo;
  endpoint = `http://127.0.0.1:${address.port}`;
  ctx = await createTestContext({ S3_BUCKET: 'plume-assets', S3_ENDPOINT: endpoint, S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', ASSET_URL_TTL: '120' });
  const organization = await ctx.organization('Acme');
  await importPlumeCsv(ctx.db, Readable.from([FIXTURE_CSV]), organization.id);
});
afterAll(async () => {
  await ctx?.close();
  await server?.close();
});

describe('S3-compatible asset store', () => {
  it('reads byte ranges and a version that changes when the object is rewritten (raster tiles)', async () => {
    const store = s3BlobStore({ bucket: 'plume-assets', region: 'us-east-1', endpoint, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await store.put('rasters/range.tif', Buffer.from('0123456789'));
    expect(Buffer.from(await store.readRange('rasters/range.tif', 3, 4)).toString()).toBe('3456');
    const first = await store.stat('rasters/range.tif');
    expect(first?.size).toBe(10);
    await store.put('rasters/range.tif', Buffer.from('abcdefghij'));
    expect((await store.stat('rasters/range.tif'))?.version).not.toBe(first?.version);
    expect(await store.stat('rasters/none.tif')).toBeUndefined();
  });

  it('stores objects and serves visible plumes’ assets through presigned, expiring URLs', async () => {
    const store = s3BlobStore({ bucket: 'plume-assets', region: 'us-east-1', endpoint, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await store.put('plumes/a.png', PNG);
    const opened = await store.open('plumes/a.png');
    expect(opened?.size).toBe(PNG.length);
    expect(await store.open('plumes/none.png')).toBeUndefined();

    const redirect = await ctx.request({ method: 'GET', url: '/api/v1/catalog/asset/plumes/a.png' });
    expect(redirect.statusCode).toBe(302);
    const location = new URL(redirect.headers.location as string);
    expect(location.origin).toBe(endpoint);
    expect(location.pathname).toBe('/plume-assets/plumes/a.png');
    expect(location.searchParams.get('X-Amz-Expires')).toBe('120');
    const file = await fetch(location);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/catalog/asset/plumes/unpublished.png' })).statusCode).toBe(404);
  });
});
