import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { createTestContext, type TestContext } from '../../../../test/support/test-app.js';
import { convertFixture, fixtureBytes, ogrFeatureCount, shapefileZip } from './fixtures/fixtures.js';

/** A multipart/form-data body as Python requests sends `data=…, files={"file": …}`. */
function form(fields: Record<string, string>, file?: { name: string; bytes: Uint8Array }) {
  const boundary = `----layers${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = Object.entries(fields).map(([name, value]) => Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: application/octet-stream\r\n\r\n`), Buffer.from(file.bytes), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

let ctx: TestContext;
let key: string;
let otherKey: string;
let readKey: string;
let noGeoKey: string;
let orgName: string;

const upload = (name: string, file: { name: string; bytes: Uint8Array }, fields: Record<string, string> = {}, as = key) =>
  ctx.request({ method: 'POST', url: '/api/v1/layers/layer/form', key: as, ...form({ name, ...fields }, file) });

/** The layer once its import job has ended (the worker is woken by the upload; this only waits for it). */
async function settled(id: number, as = key) {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const layer = (await ctx.request({ method: 'GET', url: `/api/v1/layers/layer/${id}`, key: as })).json();
    if (layer.status !== 1) return layer;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`layer ${id} still processing`);
}

async function created(name: string, file: { name: string; bytes: Uint8Array }, fields: Record<string, string> = {}) {
  const response = await upload(name, file, fields);
  expect(response.statusCode, response.body).toBe(200);
  return settled(response.json().id);
}

beforeAll(async () => {
  ctx = await createTestContext({ LAYER_UPLOAD_LIMIT_BYTES: '200000' });
  const org = await ctx.organization('Permian Watch');
  orgName = org.name;
  key = await org.key();
  readKey = await org.key(['geo:read']);
  noGeoKey = await org.key(['catalog:read']);
  otherKey = await (await ctx.organization('Other Org')).key();
}, 60_000);
afterAll(() => ctx?.close());

describe('uploads in every format round-trip', () => {
  const formats: [string, () => { name: string; bytes: Uint8Array }, number][] = [
    ['geojson', () => ({ name: 'sites.geojson', bytes: fixtureBytes('sites.geojson') }), 3],
    ['shp', () => ({ name: 'sites.zip', bytes: shapefileZip('points.geojson', 'EPSG:32613') }), 3],
    ['gpkg', () => ({ name: 'sites.gpkg', bytes: convertFixture('sites.geojson', 'GPKG', 'gpkg', { srs: 'EPSG:3857' }) }), 3],
    ['kml', () => ({ name: 'sites.kml', bytes: convertFixture('sites.geojson', 'KML', 'kml') }), 3],
    ['kmz', () => ({ name: 'sites.kmz', bytes: zipSync({ 'doc.kml': new Uint8Array(convertFixture('sites.geojson', 'KML', 'kml')) }) }), 3],
    ['csv', () => ({ name: 'sites.csv', bytes: strToU8('name,lon,lat\nwell A,-103.5,31.9\nwell B,-103.4,32.0\n') }), 2],
  ];

  it.each(formats)('%s: upload → ready → features → every download opens in GDAL with the same count', async (format, file, count) => {
    const response = await upload(`roundtrip_${format}`, file(), { verbose_name: `Round trip ${format}`, description: 'sites' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ status: 1, feature_count: 0, name: `roundtrip_${format}`, organization: { name: orgName, verbose_name: orgName }, user: null });
    const layer = await settled(response.json().id);
    expect(layer).toMatchObject({ status: 0, status_detail: null, feature_count: count });
    expect(layer.schema.name).toBe('string');
    expect(layer.bounds[0]).toBeCloseTo(-103.5, 5);
    const features = (await ctx.request({ method: 'GET', url: `/api/v1/layers/layer/${layer.id}/features?limit=100`, key })).json();
    expect(features).toMatchObject({ total_count: count, bbox_count: count, limit: 100, offset: 0 });
    expect(features.items[0]).toMatchObject({ type: 'Feature', properties: { name: 'well A' }, geometry: { type: 'Point' } });
    expect(features.items[0].geometry.coordinates[0]).toBeCloseTo(-103.5, 5);
    for (const [download, extension] of [['geojson', 'geojson'], ['gpkg', 'gpkg'], ['shp', 'zip'], ['gml', 'gml']]) {
      const got = await ctx.request({ method: 'GET', url: `/api/v1/layers/layer/${layer.id}/download?format=${download}`, key });
      expect(got.statusCode, `${download}: ${got.body.slice(0, 200)}`).toBe(200);
      expect(got.headers['content-disposition']).toBe(`attachment; filename="roundtrip_${format}.${extension}"`);
      expect(ogrFeatureCount(got.rawPayload, extension), download).toBe(count);
    }
  });
});
