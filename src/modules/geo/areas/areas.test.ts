import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { zipSync } from 'fflate';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../../test/support/test-app.js';
import { importAdministrativeAreas } from './area-file-import.js';
import { searchAdministrativeAreas } from './administrative-areas.service.js';

let ctx: TestContext;
let acme: TestOrganization;
let writer: string;
let readerKey: string;
let rivalKey: string;

const SQUARE = [[[10, 10], [11, 10], [11, 11], [10, 11], [10, 10]]];
const api = (method: 'GET' | 'POST', url: string, key?: string, payload?: unknown) => ctx.request({ method, url: `/api/v1${url}`, ...(key ? { key } : {}), ...(payload !== undefined ? { payload: payload as object } : {}) });

function form(fields: Record<string, string>, file?: { name: string; content: string }) {
  const boundary = '----carbon-atlas-test';
  const parts = Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  if (file) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n${file.content}\r\n`);
  return { payload: `${parts.join('')}--${boundary}--\r\n`, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
/** A multipart body with binary file bytes (zips and GeoPackages are not text). */
function binaryForm(file: { name: string; bytes: Buffer }) {
  const boundary = '----carbon-atlas-binary';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  return { payload: Buffer.concat([head, file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Two adjoining squares (20–22°E, 40–41°N) written by GDAL in `driver`, in EPSG:3857 so the upload must be reprojected. */
async function areaFileIn(driver: string, extension: string): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aoi-upload-'));
  const source = path.join(dir, 'squares.geojson');
  const square = (west: number) => ({ type: 'Feature', properties: { name: `from ${west}` }, geometry: { type: 'Polygon', coordinates: [[[west, 40], [west + 1, 40], [west + 1, 41], [west, 41], [west, 40]]] } });
  await writeFile(source, JSON.stringify({ type: 'FeatureCollection', features: [square(20), square(21)] }));
  const output = path.join(dir, `squares.${extension}`);
  execFileSync('ogr2ogr', ['-f', driver, '-t_srs', 'EPSG:3857', output, source], { stdio: 'pipe' });
  if (extension !== 'shp') return readFileSync(output);
  const members = ['shp', 'shx', 'dbf', 'prj'].map((e) => path.join(dir, `squares.${e}`)).filter((file) => existsSync(file));
  return Buffer.from(zipSync(Object.fromEntries(members.map((file) => [path.basename(file), readFileSync(file)]))));
}

const upload = (key: string, fields: Record<string, string>, file?: { name: string; content: string }) => ctx.request({ method: 'POST', url: '/api/v1/layers/aoi/form', key, ...form(fields, file) });

beforeAll(async () => {
  ctx = await createTestContext();
  acme = await ctx.organization('Acme');
  writer = await acme.key(['geo:write']);
  readerKey = await acme.key(['geo:read']);
  rivalKey = await (await ctx.organization('Rival')).key(['geo:read', 'geo:write']);
});
afterAll(() => ctx?.close());

describe('layers/aoi', () => {
  it('creates an AOI from a Polygon and answers it as a MultiPolygon with its bbox, to its organization', async () => {
    const created = await api('POST', '/layers/aoi', writer, { geometry_json: { type: 'Polygon', coordinates: SQUARE }, name: 'Square', description: 'one degree' });
    expect(created.statusCode, created.body).toBe(200);
    const { id } = created.json();
    const got = await api('GET', `/layers/aoi/${id}`, readerKey);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual({ geometry_json: { bbox: [10, 10, 11, 11], type: 'MultiPolygon', coordinates: [SQUARE.map((ring) => expect.arrayContaining(ring.map((p) => p)))] }, name: 'Square', description: 'one degree' });
    const geojson = await api('GET', `/layers/aoi/${id}/geojson`, readerKey);
    expect(Object.keys(geojson.json())).toEqual(['bbox', 'type', 'coordinates']);
    expect(geojson.json()).toMatchObject({ bbox: [10, 10, 11, 11], type: 'MultiPolygon' });
  });

  it('unions overlapping polygons of a MultiPolygon and repairs a bow-tie into valid parts', async () => {
    const overlapping = [[[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]], [[[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]]];
    const union = await api('POST', '/layers/aoi', writer, { geometry_json: { type: 'MultiPolygon', coordinates: overlapping, bbox: [] } });
    expect(union.statusCode, union.body).toBe(200);
    const shape = (await api('GET', `/layers/aoi/${union.json().id}/geojson`, writer)).json();
    expect(shape.bbox).toEqual([0, 0, 3, 3]);
    expect(shape.coordinates).toHaveLength(1);
    const bowTie = await api('POST', '/layers/aoi', writer, { geometry_json: { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] } });
    expect(bowTie.statusCode, bowTie.body).toBe(200);
    expect((await api('GET', `/layers/aoi/${bowTie.json().id}/geojson`, writer)).json().coordinates).toHaveLength(2);
  });

  it('lists the organization’s AOIs newest first with limit, offset and count, and nobody else’s', async () => {
    const page = await api('GET', '/layers/aoi/list?limit=2&offset=0', readerKey);
    expect(page.statusCode).toBe(200);
    expect(page.json().count).toBe(3);
    expect(page.json().items).toHaveLength(2);
    expect(page.json().items[0]).toEqual({ id: expect.any(String), name: null, description: null, bbox: [0, 0, 1, 1], created: expect.any(String) });
    expect((await api('GET', '/layers/aoi/list?offset=2', readerKey)).json().items.map((i: { name: string }) => i.name)).toEqual(['Square']);
    expect((await api('GET', '/layers/aoi/list', rivalKey)).json()).toEqual({ items: [], count: 0 });
  });

  it('answers 404 for another organization’s AOI, an unknown one and a malformed id', async () => {
    const { id } = (await api('POST', '/layers/aoi', writer, { geometry_json: { type: 'Polygon', coordinates: SQUARE } })).json();
    for (const url of [`/layers/aoi/${id}`, `/layers/aoi/${id}/geojson`]) expect((await api('GET', url, rivalKey)).statusCode).toBe(404);
    expect((await api('GET', '/layers/aoi/47ac573b-504e-44c4-a998-0f3c19fa0f21', readerKey)).statusCode).toBe(404);
    expect((await api('GET', '/layers/aoi/nope', readerKey)).json()).toEqual({ code: 'NOT_FOUND', detail: 'AOI nope not found.' });
  });

  it('refuses points, lines, degenerate rings, out-of-range or non-numeric coordinates with a 422 naming geometry_json', async () => {
    const bad: [unknown, string][] = [
      [{ type: 'Point', coordinates: [1, 2] }, ''],
      [{ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [0, 0]]] }, 'encloses no area'],
      [{ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [2, 0], [0, 0]]] }, 'no area once made valid'],
      [{ type: 'Polygon', coordinates: [[[0, 0], [181, 0], [1, 1], [0, 0]]] }, 'within ±180'],
      [{ type: 'Polygon', coordinates: [[['a', 0], [1, 0], [1, 1], ['a', 0]]] }, 'finite numbers'],
      [{ type: 'MultiPolygon', coordinates: [1, 2] }, 'array of rings'],
    ];
    for (const [geometry, message] of bad) {
      const response = await api('POST', '/layers/aoi', writer, { geometry_json: geometry });
      expect(response.statusCode, JSON.stringify(geometry)).toBe(422);
      if (message) expect(response.json().detail[0]).toMatchObject({ loc: ['body', 'geometry_json'], msg: expect.stringContaining(message) });
    }
    expect((await api('POST', '/layers/aoi', writer, { name: 'no geometry' })).statusCode).toBe(422);
    expect((await api('POST', '/layers/aoi', writer, { geometry_json: { type: 'Polygon', coordinates: SQUARE }, name: 'x'.repeat(513) })).statusCode).toBe(422);
  });

  it('asks for credentials and the geo scopes', async () => {
    expect((await api('POST', '/layers/aoi', undefined, { geometry_json: { type: 'Polygon', coordinates: SQUARE } })).statusCode).toBe(401);
    expect((await api('GET', '/layers/aoi/list')).statusCode).toBe(401);
    expect((await api('POST', '/layers/aoi', readerKey, { geometry_json: { type: 'Polygon', coordinates: SQUARE } })).statusCode).toBe(403);
    const catalogOnly = await acme.key(['catalog:read']);
    expect((await api('GET', '/layers/aoi/list', catalogOnly)).statusCode).toBe(403);
  });
});

describe('layers/aoi/form', () => {
  it('creates an AOI from a GeoJSON FeatureCollection, unioning its polygons, with the form’s name and description', async () => {
    const collection = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: SQUARE } }, { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[11, 10], [12, 10], [12, 11], [11, 11], [11, 10]]] } }] };
    const response = await upload(writer, { name: 'From file', description: 'two squares' }, { name: 'area.geojson', content: JSON.stringify(collection) });
    expect(response.statusCode, response.body).toBe(200);
    const got = (await api('GET', `/layers/aoi/${response.json().id}`, readerKey)).json();
    expect(got).toMatchObject({ name: 'From file', description: 'two squares', geometry_json: { bbox: [10, 10, 12, 11], type: 'MultiPolygon' } });
    expect(got.geometry_json.coordinates).toHaveLength(1);
  });

  it('reads KML polygons', async () => {
    const kml = `<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>K</name><Polygon><outerBoundaryIs><LinearRing><coordinates>5,5 6,5 6,6 5,6 5,5</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>`;
    const response = await upload(writer, {}, { name: 'area.kml', content: kml });
    expect(response.statusCode, response.body).toBe(200);
    expect((await api('GET', `/layers/aoi/${response.json().id}/geojson`, writer)).json().bbox).toEqual([5, 5, 6, 6]);
  });

  it('reads a zipped Shapefile and a GeoPackage as the layers do, reprojected to WGS 84', async () => {
    for (const [driver, extension, name] of [['ESRI Shapefile', 'shp', 'squares.zip'], ['GPKG', 'gpkg', 'squares.gpkg']] as const) {
      const bytes = await areaFileIn(driver, extension);
      const response = await ctx.request({ method: 'POST', url: '/api/v1/layers/aoi/form', key: writer, ...binaryForm({ name, bytes }) });
      expect(response.statusCode, `${name}: ${response.body}`).toBe(200);
      const bbox = (await api('GET', `/layers/aoi/${response.json().id}/geojson`, writer)).json().bbox as number[];
      [20, 40, 22, 41].forEach((value, i) => expect(bbox[i]).toBeCloseTo(value, 6));
      // Not visible to another organization.
      expect((await api('GET', `/layers/aoi/${response.json().id}`, rivalKey)).statusCode).toBe(404);
    }
  });

  it('answers 422 on a bad file: not JSON, only points, an unknown format, or no file', async () => {
    const cases: [Record<string, string>, { name: string; content: string } | undefined, string][] = [
      [{}, { name: 'area.geojson', content: '{nope' }, 'not valid JSON'],
      [{}, { name: 'points.geojson', content: JSON.stringify({ type: 'Feature', geometry: { type: 'Point', coordinates: [1, 1] } }) }, 'This one is a Point'],
      [{}, { name: 'area.kml', content: '<kml><Document>' }, 'KML'],
      [{}, { name: 'area.bin', content: 'PK\u0003\u0004' }, 'Unsupported file'],
      [{ name: 'no file' }, undefined, ''],
    ];
    for (const [fields, file, message] of cases) {
      const response = await upload(writer, fields, file);
      expect(response.statusCode, `${file?.name}: ${response.body}`).toBe(422);
      if (message) expect(response.json().detail[0]).toMatchObject({ loc: ['body', 'file'], msg: expect.stringContaining(message) });
    }
  });

  it('refuses a small KMZ that unfolds into more positions than an area may hold, before parsing it', async () => {
    // 300,000 positions in 1.2 MB of KML: a few kilobytes zipped.
    const kml = `<kml><Document><Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>${'0,0 '.repeat(300_000)}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>`;
    const bytes = Buffer.from(zipSync({ 'doc.kml': new TextEncoder().encode(kml) }, { level: 9 }));
    expect(bytes.length).toBeLessThan(20_000);
    const response = await ctx.request({ method: 'POST', url: '/api/v1/layers/aoi/form', key: writer, ...binaryForm({ name: 'bomb.kmz', bytes }) });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().detail[0].msg).toContain('more than 200000 positions');
  });

  it('asks for credentials and geo:write', async () => {
    const file = { name: 'a.geojson', content: JSON.stringify({ type: 'Polygon', coordinates: SQUARE }) };
    expect((await ctx.request({ method: 'POST', url: '/api/v1/layers/aoi/form', ...form({}, file) })).statusCode).toBe(401);
    expect((await upload(readerKey, {}, file)).statusCode).toBe(403);
  });
});

describe('common/administrative-areas', () => {
  const search = async (term: string) => {
    const response = await api('GET', `/common/administrative-areas?search=${encodeURIComponent(term)}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { gadm_composite_id: string; name: string; bbox: number[] }[];
  };

  it('finds a state by exact name, case-insensitively, with its GADM id, full name and bbox', async () => {
    const [texas] = await search('TEXAS');
    expect(texas).toEqual({ gadm_composite_id: 'USA.44_1', name: 'Texas, United States of America', bbox: expect.any(Array) });
    const [west, south, east, north] = texas!.bbox;
    expect(west).toBeCloseTo(-106.65, 1);
    expect(south).toBeCloseTo(25.84, 1);
    expect(east).toBeCloseTo(-93.52, 1);
    expect(north).toBeCloseTo(36.5, 1);
  });

  it('ignores accents both ways: "dona ana" finds Doña Ana, "côte" finds Côte d’Ivoire', async () => {
    expect((await search('dona ana'))[0]).toMatchObject({ gadm_composite_id: expect.stringMatching(/^USA\.32\.\d+_1$/), name: 'Doña Ana, New Mexico, United States of America' });
    expect((await search('cote d ivoire'))[0]!.gadm_composite_id).toBe('CIV');
    expect((await search("Côte d'Iv"))[0]!.gadm_composite_id).toBe('CIV');
  });

  it('ranks exact names, then names starting with the term, then words starting with it; countries first on ties', async () => {
    const georgia = await search('georgia');
    expect(georgia.slice(0, 2).map((a) => a.gadm_composite_id)).toEqual(['GEO', 'USA.11_1']);
    const newY = (await search('new y')).map((a) => a.name);
    expect(newY[0]).toBe('New York, United States of America');
    const york = (await search('york')).map((a) => a.name);
    // Exact county names "York" first, then "Yorktown"-like prefixes, then "New York" by its second word.
    expect(york.indexOf('New York, United States of America')).toBeGreaterThan(york.findIndex((n) => n.startsWith('York,')));
    expect(york.length).toBeLessThanOrEqual(20);
  });

  it('answers an empty list for no match or a term of punctuation only, and 422 without search', async () => {
    expect(await search('zzzzqqq')).toEqual([]);
    expect(await search('%_')).toEqual([]);
    expect((await api('GET', '/common/administrative-areas')).statusCode).toBe(422);
  });

  it('imports a GADM file (São Paulo) whose areas are then found without accents', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-gadm-'));
    const file = path.join(dir, 'gadm41_BRA_1.json');
    const feature = (gid: string, name: string, x: number) => ({ type: 'Feature', properties: { GID_0: 'BRA', COUNTRY: 'Brazil', GID_1: gid, NAME_1: name }, geometry: { type: 'Polygon', coordinates: [[[x, -24], [x + 1, -24], [x + 1, -23], [x, -23], [x, -24]]] } });
    await writeFile(file, JSON.stringify({ type: 'FeatureCollection', features: [feature('BRA.25_1', 'São Paulo', -47), feature('BRA.19_1', 'Rio de Janeiro', -44)] }));
    expect(await importAdministrativeAreas(ctx.db, file)).toEqual({ stored: 2, skipped: 0, levels: [1] });
    expect(await search('sao paulo')).toEqual([{ gadm_composite_id: 'BRA.25_1', name: 'São Paulo, Brazil', bbox: [-47, -24, -46, -23] }]);
    expect((await search('paulo'))[0]!.gadm_composite_id).toBe('BRA.25_1');
  });

  const hasOgr = (() => {
    try {
      execFileSync('ogr2ogr', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasOgr)('imports a geoBoundaries GeoPackage through ogr2ogr', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-gb-'));
    const source = path.join(dir, 'gb.geojson');
    const properties = { shapeGroup: 'PRT', shapeType: 'ADM1', shapeName: 'Évora', shapeISO: 'PT-07', shapeID: 'PRT-ADM1-1' };
    await writeFile(source, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties, geometry: { type: 'Polygon', coordinates: [[[-8, 38], [-7, 38], [-7, 39], [-8, 39], [-8, 38]]] } }] }));
    const gpkg = path.join(dir, 'geoBoundaries-PRT-ADM1.gpkg');
    execFileSync('ogr2ogr', ['-f', 'GPKG', gpkg, source]);
    expect(await importAdministrativeAreas(ctx.db, gpkg)).toEqual({ stored: 1, skipped: 0, levels: [1] });
    expect(await search('evora')).toEqual([{ gadm_composite_id: 'PT-07', name: 'Évora, Portugal', bbox: [-8, 38, -7, 39] }]);
  });

  it('answers an area’s MultiPolygon with its bbox, and 404 for an unknown id', async () => {
    const response = await api('GET', '/common/administrative-area/USA.44_1/geojson');
    expect(response.statusCode).toBe(200);
    expect(Object.keys(response.json())).toEqual(['bbox', 'type', 'coordinates']);
    expect(response.json().type).toBe('MultiPolygon');
    expect((await api('GET', '/common/administrative-area/USA.99_1/geojson')).statusCode).toBe(404);
  });

  it('answers a search in milliseconds (median of 100, reported, not asserted)', async () => {
    const terms = ['tex', 'sao paulo', 'york', 'washington', 'united', 'harris', 'los angeles', 'ca', 'côte', 'montgomery'];
    const times: number[] = [];
    for (let i = 0; i < 100; i += 1) {
      const start = performance.now();
      await api('GET', `/common/administrative-areas?search=${encodeURIComponent(terms[i % terms.length]!)}`);
      times.push(performance.now() - start);
    }
    const queryTimes: number[] = [];
    for (let i = 0; i < 100; i += 1) {
      const start = performance.now();
      await searchAdministrativeAreas(ctx.db, terms[i % terms.length]!);
      queryTimes.push(performance.now() - start);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[50]!.toFixed(2);
    console.info(`administrative-areas search (${ctx.db.kind}): median ${median(times)} ms over HTTP in-process, ${median(queryTimes)} ms for the query alone`);
    expect(times).toHaveLength(100);
  });
});

describe('layers/aoi/form content types', () => {
  it('answers 415 to a JSON body', async () => {
    const response = await api('POST', '/layers/aoi/form', writer, { file: { filename: 'a.geojson', bytes: 5 } });
    expect(response.statusCode).toBe(415);
  });
});
