import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { createTestContext, type TestContext } from '../../../../test/support/test-app.js';
import { tamperSignature } from '../../../../test/support/tamper.js';
import { convertFixture, fixtureBytes, ogrSummary, shapefileZip } from './fixtures/fixtures.js';

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
  // Polling an import's status spends the key's budget: a budget no test reaches.
  ctx = await createTestContext({ LAYER_UPLOAD_LIMIT_BYTES: '200000', RATE_LIMIT_STANDARD: '100000' });
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

  it.each(formats)('%s: upload → ready → features → every download opens in GDAL with the same count and place', async (format, file, count) => {
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
    for (const [download, extension] of [['geojson', 'geojson'], ['gpkg', 'gpkg'], ['shp', 'zip'], ['gml', 'gml']] as const) {
      const got = await ctx.request({ method: 'GET', url: `/api/v1/layers/layer/${layer.id}/download?format=${download}`, key });
      expect(got.statusCode, `${download}: ${got.body.slice(0, 200)}`).toBe(200);
      expect(got.headers['content-disposition']).toBe(`attachment; filename="roundtrip_${format}.${extension}"`);
      const summary = ogrSummary(got.rawPayload, extension);
      expect(summary.count, download).toBe(count);
      // Longitude first as GDAL reports it: the file's axis order (GML's lat/lon in EPSG:4326) is read right.
      expect(summary.west, download).toBeCloseTo(-103.5, 4);
      expect(summary.south, download).toBeCloseTo(layer.bounds[1], 4);
    }
  });
});

const geojson = (features: unknown[]) => ({ name: 'sites.geojson', bytes: strToU8(JSON.stringify({ type: 'FeatureCollection', features })) });
const point = (x: number, y: number, properties: Record<string, unknown> = {}) => ({ type: 'Feature', properties, geometry: { type: 'Point', coordinates: [x, y] } });

describe('bad uploads', () => {
  it('a file that is not what its name says is refused at once with 422 naming the problem, and no layer is made', async () => {
    const notZip = await upload('bad_not_zip', { name: 'sites.zip', bytes: strToU8('hello') });
    expect(notZip.statusCode).toBe(422);
    expect(notZip.json().detail).toMatch(/sites\.zip is not a zip archive/);
    const unknown = await upload('bad_unknown', { name: 'sites.docx', bytes: strToU8('hello') });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().detail).toMatch(/Unsupported file type "\.docx"/);
    expect(await (await ctx.request({ method: 'GET', url: '/api/v1/layers/layer/name-available?name=bad_not_zip', key })).json()).toBe(true);
  });

  it('a file over the upload limit is refused with 413 naming the limit', async () => {
    const response = await upload('too_large', { name: 'big.geojson', bytes: new Uint8Array(200_001).fill(32) });
    expect(response.statusCode).toBe(413);
    expect(response.json().detail).toMatch(/limited to 200000 bytes/);
  });

  it('a file that fails in the import job fails the layer (status 2) with the file, feature number and problem, and stores no feature', async () => {
    const layer = await created('bad_position', geojson([point(1, 2), point(500000, 4649776)]));
    expect(layer).toMatchObject({ status: 2, feature_count: 0, bounds: [] });
    expect(layer.status_detail).toMatch(/^sites\.geojson: Feature 2: position 500000, 4649776 is outside longitude\/latitude range/);
    const features = (await ctx.request({ method: 'GET', url: `/api/v1/layers/layer/${layer.id}/features`, key })).json();
    expect(features.total_count).toBe(0);
    const listed = (await ctx.request({ method: 'GET', url: '/api/v1/layers/layers?names=bad_position', key })).json();
    expect(listed).toEqual([]);
    const failed = (await ctx.request({ method: 'GET', url: '/api/v1/layers/layers?names=bad_position&statuses=2', key })).json();
    expect(failed.map((l: { id: number }) => l.id)).toEqual([layer.id]);
  });

  it('a Shapefile whose .prj names an unknown projection fails with "Unknown projection"', async () => {
    const shp = shapefileZip('points.geojson');
    const { unzipSync } = await import('fflate');
    const members = unzipSync(shp);
    members['sites.prj'] = strToU8('PROJCS["x",GEOGCS["y"],PROJECTION["No_Such_Projection"]]');
    const layer = await created('bad_projection', { name: 'sites.zip', bytes: zipSync(members) });
    expect(layer.status).toBe(2);
    expect(layer.status_detail).toMatch(/Unknown projection in sites\.prj/);
  });

  it('a zip without a .shp is refused by the job with its message', async () => {
    const layer = await created('bad_no_shp', { name: 'sites.zip', bytes: zipSync({ 'readme.txt': strToU8('hi') }) });
    expect(layer).toMatchObject({ status: 2, status_detail: expect.stringMatching(/The zip holds no \.shp file/) });
  });

  it('an invalid geometry (a bow-tie polygon) is repaired with ST_MakeValid', async () => {
    const bowtie = { type: 'Feature', properties: { name: 'bowtie' }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] } };
    const layer = await created('repaired_bowtie', geojson([bowtie]));
    expect(layer).toMatchObject({ status: 0, feature_count: 1, bounds: [0, 0, 1, 1] });
    const features = (await ctx.request({ method: 'GET', url: `/api/v1/layers/layer/${layer.id}/features`, key })).json();
    expect(features.items[0].geometry.type).toBe('MultiPolygon');
    const files = (await ctx.request({ method: 'GET', url: `/api/v1/layers/layer/${layer.id}/files`, key })).json();
    expect(files.items[0]).toMatchObject({ status: 'ready', feature_count: 1, status_detail: '1 invalid geometry repaired with ST_MakeValid (feature 1).' });
  });
});

describe('names', () => {
  it('are 6–512 letters, digits, - or _ (422 otherwise), unique in any case (409), and name-available says so', async () => {
    const file = geojson([point(1, 2)]);
    for (const bad of ['short', 'has space', 'dots.not.allowed', 'x'.repeat(513)]) {
      const response = await upload(bad, file);
      expect(response.statusCode, bad).toBe(422);
    }
    await created('Unique-Name_1', file);
    const clash = await upload('unique-name_1', file);
    expect(clash.statusCode).toBe(409);
    expect(clash.json().detail).toMatch(/already exists/);
    const available = async (name: string) => (await ctx.request({ method: 'GET', url: `/api/v1/layers/layer/name-available?name=${encodeURIComponent(name)}`, key })).json();
    expect(await available('UNIQUE-NAME_1')).toBe(false);
    expect(await available('never_used_name')).toBe(true);
    expect(await available('bad name!')).toBe(false);
  });
});

describe('list filters', () => {
  let tagged: number;
  beforeAll(async () => {
    tagged = (await created('filter_tagged', geojson([point(5, 5)]), { metadata: '{"project":"alpha","year":2024}', description: 'Compressor stations near Midland' })).id;
    await created('filter_other', geojson([point(6, 6)]), { metadata: '{"project":"beta"}', verbose_name: 'Beta pads' });
    await ctx.request({ method: 'POST', url: '/api/v1/layers/layer/form', key: otherKey, ...form({ name: 'filter_foreign' }, geojson([point(7, 7)])) });
  });
  const names = async (query: string, as = key) => {
    const response = await ctx.request({ method: 'GET', url: `/api/v1/layers/layers?${query}`, key: as });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { name: string }[]).map((layer) => layer.name).filter((name) => name.startsWith('filter_'));
  };

  it('filters by metadata containment and exclusion, search, names, organization and ownership', async () => {
    expect(await names('metadata={"project":"alpha"}')).toEqual(['filter_tagged']);
    expect(await names('metadata_exclude={"project":"alpha"}')).toEqual(['filter_other']);
    expect(await names('search=midland')).toEqual(['filter_tagged']);
    expect(await names('search=BETA')).toEqual(['filter_other']);
    expect(await names('names=filter_other&names=FILTER_TAGGED')).toEqual(['filter_other', 'filter_tagged']);
    expect(await names(`organization=${encodeURIComponent(orgName)}`)).toEqual(['filter_other', 'filter_tagged']);
    expect(await names('organization=Other%20Org')).toEqual([]);
    expect(await names('has_organization=True&my_organization=True')).toEqual(['filter_other', 'filter_tagged']);
    expect(await names('has_organization=false')).toEqual([]);
    expect(await names('my_organization=false')).toEqual([]);
    expect(await names('user=123456')).toEqual([]);
    const one = (await ctx.request({ method: 'GET', url: '/api/v1/layers/layers?names=filter_tagged', key })).json()[0];
    expect(one).toMatchObject({ id: tagged, metadata: { project: 'alpha', year: 2024 }, schema: {}, status: 0 });
  });

  it('refuses a metadata filter that is not a JSON object (422)', async () => {
    const response = await ctx.request({ method: 'GET', url: '/api/v1/layers/layers?metadata=[1]', key });
    expect(response.statusCode).toBe(422);
    expect(response.json().detail[0]).toMatchObject({ loc: ['query', 'metadata'] });
  });
});

describe('features', () => {
  let id: number;
  beforeAll(async () => {
    id = (await created('features_paging', geojson([point(1, 1, { kind: 'a', n: 1 }), point(2, 2, { kind: 'b', n: 2 }), point(3, 3, { kind: 'a', n: 3 }), point(40, 40, { kind: 'a', n: 4 })]))).id;
  });
  const page = async (query: string) => {
    const response = await ctx.request({ method: 'GET', url: `/api/v1/layers/layer/${id}/features?${query}`, key });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  it('pages in file order with limit/offset (default limit 10)', async () => {
    expect(await page('')).toMatchObject({ total_count: 4, bbox_count: 4, limit: 10, offset: 0 });
    const second = await page('limit=2&offset=2');
    expect(second.items.map((f: { properties: { n: number } }) => f.properties.n)).toEqual([3, 4]);
  });

  it('filters by ids, bbox (counted apart) and property_filter containment', async () => {
    const all = await page('limit=100');
    const ids = all.items.map((f: { id: number }) => f.id);
    expect((await page(`ids=${ids[1]}&ids=${ids[3]}`)).items.map((f: { id: number }) => f.id)).toEqual([ids[1], ids[3]]);
    expect(await page('bbox=0&bbox=0&bbox=10&bbox=10')).toMatchObject({ total_count: 4, bbox_count: 3 });
    const filtered = await page('property_filter={"kind":"a"}&bbox=0&bbox=0&bbox=10&bbox=10');
    expect(filtered).toMatchObject({ total_count: 3, bbox_count: 2 });
    expect(filtered.items.map((f: { properties: { n: number } }) => f.properties.n)).toEqual([1, 3]);
  });

  it('refuses a bad property_filter or bbox (422)', async () => {
    expect((await ctx.request({ method: 'GET', url: `/api/v1/layers/layer/${id}/features?property_filter=kind:a`, key })).statusCode).toBe(422);
    expect((await ctx.request({ method: 'GET', url: `/api/v1/layers/layer/${id}/features?bbox=10&bbox=0&bbox=0&bbox=10`, key })).statusCode).toBe(422);
    expect((await ctx.request({ method: 'GET', url: `/api/v1/layers/layer/${id}/features?limit=0`, key })).statusCode).toBe(422);
  });
});

describe('updates and files', () => {
  it('updates fields by JSON (as the page’s example) and adds a file whose features join the layer', async () => {
    const layer = await created('update_me', geojson([point(1, 1, { a: 1 })]));
    const renamed = await ctx.request({ method: 'POST', url: `/api/v1/layers/layer/${layer.id}/form`, key, payload: { name: 'updated_name', verbose_name: 'Updated' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ id: layer.id, name: 'updated_name', verbose_name: 'Updated', status: 0 });
    const added = await ctx.request({ method: 'POST', url: `/api/v1/layers/layer/${layer.id}/form`, key, ...form({ name: 'updated_name' }, { name: 'more.csv', bytes: strToU8('wkt,b\n"POINT (2 2)",x\n') }) });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json().status).toBe(1);
    const after = await settled(layer.id);
    expect(after).toMatchObject({ status: 0, feature_count: 2, schema: { a: 'integer', b: 'string' }, bounds: [1, 1, 2, 2] });

    const files = (await ctx.request({ method: 'GET', url: `/api/v1/layers/layer/${layer.id}/files`, key })).json();
    expect(files.count).toBe(2);
    expect(files.items.map((f: { file_name: string }) => f.file_name)).toEqual(['more.csv', 'sites.geojson']);
    expect(files.items[0]).toMatchObject({ layer: { id: layer.id, name: 'updated_name', verbose_name: 'Updated', bounds: [1, 1, 2, 2] }, status: 'ready' });
    const detail = (await ctx.request({ method: 'GET', url: `/api/v1/layers/file/${files.items[0].id}`, key })).json();
    const original = await ctx.request({ method: 'GET', url: detail.file_url });
    expect(original.statusCode).toBe(200);
    expect(original.body).toBe('wkt,b\n"POINT (2 2)",x\n');
    const forged = await ctx.request({ method: 'GET', url: tamperSignature(detail.file_url) });
    expect(forged.statusCode).toBe(403);
    const all = (await ctx.request({ method: 'GET', url: '/api/v1/layers/files?limit=1', key })).json();
    expect(all.items).toHaveLength(1);
    expect(all.count).toBeGreaterThanOrEqual(2);
  });

  it('a layer’s organization must be the caller’s (422 naming it otherwise)', async () => {
    const response = await upload('wrong_org_layer', geojson([point(1, 1)]), { organization: 'Other Org' });
    expect(response.statusCode).toBe(422);
    expect(response.json().detail[0].msg).toMatch(/organization you act for \(Permian Watch\)/);
    const same = await upload('right_org_layer', geojson([point(1, 1)]), { organization: orgName.toUpperCase() });
    expect(same.statusCode).toBe(200);
  });
});

describe('grid', () => {
  it('makes a layer of grid points within the buffer of the source features, update_properties merged (201)', async () => {
    // A 0.1° × 0.1° pad near 31.85° N: about 9.5 km × 11 km.
    const pad = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[-103.3, 31.8], [-103.2, 31.8], [-103.2, 31.9], [-103.3, 31.9], [-103.3, 31.8]]] } };
    const source = await created('grid_source', geojson([pad]));
    const response = await ctx.request({ method: 'POST', url: '/api/v1/layers/layers/grid', key, payload: { layer_ids: [source.id], buffer_distance: 0, update_properties: { campaign: 'Q3', row: 'overridden' }, spacing: 2000 } });
    expect(response.statusCode, response.body).toBe(201);
    const grid = response.json();
    expect(grid).toMatchObject({ status: 0, schema: { row: 'string', col: 'integer', campaign: 'string' }, metadata: { grid: { source_layer_ids: [source.id], buffer_distance: 0, spacing_m: 2000 } } });
    // Cells 2 km apart over ~9.5 km × 11 km: 5 columns × 6 rows, all centres inside the pad.
    expect(grid.feature_count).toBe(30);
    expect(grid.bounds[0]).toBeGreaterThan(-103.3);
    const features = (await ctx.request({ method: 'GET', url: `/api/v1/layers/layer/${grid.id}/features?limit=1`, key })).json();
    expect(features.items[0].properties).toEqual({ row: 'overridden', col: 0, campaign: 'Q3' });
    const buffered = (await ctx.request({ method: 'POST', url: '/api/v1/layers/layers/grid', key, payload: { layer_ids: [source.id], buffer_distance: 5000, spacing: 2000 } })).json();
    expect(buffered.feature_count).toBeGreaterThan(30);
  });

  it('refuses sources the caller cannot see (404) and a body without layer_ids (422)', async () => {
    const foreign = (await ctx.request({ method: 'GET', url: '/api/v1/layers/layers', key: otherKey })).json()[0];
    const response = await ctx.request({ method: 'POST', url: '/api/v1/layers/layers/grid', key, payload: { layer_ids: [foreign.id] } });
    expect(response.statusCode).toBe(404);
    expect((await ctx.request({ method: 'POST', url: '/api/v1/layers/layers/grid', key, payload: { buffer_distance: 3 } })).statusCode).toBe(422);
  });
});

describe('security', () => {
  let id: number;
  let fileId: number;
  beforeAll(async () => {
    id = (await created('private_layer', geojson([point(1, 1)]))).id;
    fileId = (await ctx.request({ method: 'GET', url: `/api/v1/layers/layer/${id}/files`, key })).json().items[0].id;
  });

  it('another organization gets 404 on every read and write of the layer, and never lists it', async () => {
    const as = otherKey;
    for (const url of [`/api/v1/layers/layer/${id}`, `/api/v1/layers/layer/${id}/features`, `/api/v1/layers/layer/${id}/download?format=gpkg`, `/api/v1/layers/layer/${id}/files`, `/api/v1/layers/file/${fileId}`]) {
      expect((await ctx.request({ method: 'GET', url, key: as })).statusCode, url).toBe(404);
    }
    expect((await ctx.request({ method: 'DELETE', url: `/api/v1/layers/layer/${id}`, key: as })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'POST', url: `/api/v1/layers/layer/${id}/form`, key: as, payload: { verbose_name: 'mine now' } })).statusCode).toBe(404);
    const listed = (await ctx.request({ method: 'GET', url: '/api/v1/layers/layers?statuses=0&statuses=1&statuses=2', key: as })).json();
    expect(listed.map((layer: { name: string }) => layer.name)).not.toContain('private_layer');
    const files = (await ctx.request({ method: 'GET', url: '/api/v1/layers/files', key: as })).json();
    expect(files.items.map((file: { id: number }) => file.id)).not.toContain(fileId);
    expect((await ctx.request({ method: 'GET', url: `/api/v1/layers/layer/${id}`, key })).json().verbose_name).toBeNull();
  });

  it('needs credentials (401) and geo scopes (403): geo:read reads but does not write', async () => {
    expect((await ctx.request({ method: 'GET', url: '/api/v1/layers/layers' })).statusCode).toBe(401);
    expect((await ctx.request({ method: 'POST', url: '/api/v1/layers/layer/form', ...form({ name: 'anonymous_layer' }, geojson([point(1, 1)])) })).statusCode).toBe(401);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/layers/layers', key: noGeoKey })).statusCode).toBe(403);
    expect((await ctx.request({ method: 'GET', url: `/api/v1/layers/layer/${id}`, key: readKey })).statusCode).toBe(200);
    expect((await upload('read_only_layer', geojson([point(1, 1)]), {}, readKey)).statusCode).toBe(403);
    expect((await ctx.request({ method: 'DELETE', url: `/api/v1/layers/layer/${id}`, key: readKey })).statusCode).toBe(403);
  });

  it('the owner deletes a layer (204); it is gone (404) with its files', async () => {
    expect((await ctx.request({ method: 'DELETE', url: `/api/v1/layers/layer/${id}`, key })).statusCode).toBe(204);
    expect((await ctx.request({ method: 'GET', url: `/api/v1/layers/layer/${id}`, key })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'GET', url: `/api/v1/layers/file/${fileId}`, key })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'DELETE', url: `/api/v1/layers/layer/${id}`, key })).statusCode).toBe(404);
  });
});

describe('the form', () => {
  it('refuses a file given as a text field or in JSON (422 naming file)', async () => {
    const text = await ctx.request({ method: 'POST', url: '/api/v1/layers/layer/form', key, ...form({ name: 'text_file_layer', file: 'not a file' }) });
    expect(text.statusCode).toBe(422);
    expect(text.json().detail[0]).toMatchObject({ loc: ['body', 'file'] });
    const json = await ctx.request({ method: 'POST', url: '/api/v1/layers/layer/form', key, payload: { name: 'json_file_layer', file: { filename: 'a.geojson', bytes: 'x' } } });
    expect(json.statusCode).toBe(422);
    const missing = await ctx.request({ method: 'POST', url: '/api/v1/layers/layer/form', key, ...form({ name: 'no_file_layer' }) });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().detail[0]).toMatchObject({ loc: ['body', 'file'] });
  });

  it('is described in the OpenAPI document as multipart/form-data', async () => {
    const spec = (await ctx.request({ method: 'GET', url: '/openapi.json' })).json();
    const create = spec.paths['/api/v1/layers/layer/form'].post;
    expect(Object.keys(create.requestBody.content)).toContain('multipart/form-data');
    expect(create.operationId).toBe('createLayer');
    expect(spec.paths['/api/v1/layers/layer/{layer_id}/features'].get.operationId).toBe('layerFeatures');
  });
});
