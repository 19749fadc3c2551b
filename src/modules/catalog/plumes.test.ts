import { Readable } from 'node:stream';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import sql, { raw } from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import { FIXTURE_CSV } from './catalog.fixture.js';
import { importPlumeCsv } from './plume-import.js';
import { safeCell } from './plume-csv.js';

let ctx: TestContext;
let acme: TestOrganization;
let analyst: string; // acme, catalog:write: owns the fixture
let rival: string; // another organization's analyst
let reader: string; // acme, catalog:read only
let report: Awaited<ReturnType<typeof importPlumeCsv>>;

const get = (url: string, key?: string) => ctx.request({ method: 'GET', url: `/api/v1/catalog${url}`, ...(key ? { key } : {}) });
const names = async (query: string, key?: string) => {
  const response = await get(`/plumes/annotated?limit=1000&${query}`, key);
  expect(response.statusCode, response.body).toBe(200);
  return (response.json().items as { plume_id: string }[]).map((p) => p.plume_id).sort();
};

beforeAll(async () => {
  ctx = await createTestContext();
  acme = await ctx.organization('Acme');
  analyst = await acme.key(['catalog:read', 'catalog:write']);
  reader = await acme.key(['catalog:read']);
  rival = await (await ctx.organization('Rival')).key(['catalog:read', 'catalog:write']);
  report = await importPlumeCsv(ctx.db, Readable.from([FIXTURE_CSV]), acme.id);
});
afterAll(() => ctx?.close());

describe('plume CSV import', () => {
  it('creates scenes and plumes, reads sector labels, tolerates extra columns and reports bad rows', async () => {
    expect(report).toEqual({ received: 8, created: 7, updated: 0, failed: 1, errors: [{ row: 9, message: 'gas: CH4 or CO2' }] });
    const [scenes] = await ctx.db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM scenes`);
    expect(scenes!.n).toBe(6);
    const plume = (await get('/plume/GAO20230628t191011p0000-A')).json();
    expect(plume).toMatchObject({
      plume_id: 'GAO20230628t191011p0000-A',
      gas: 'CH4',
      sector: '1B2',
      geometry_json: { type: 'Point', coordinates: [-119.0893, 35.4965] },
      scene_name: 'GAO20230628t191011p0000',
      scene_timestamp: '2023-06-28T19:10:11.000Z',
      instrument: 'GAO',
      emission_auto: 500,
      emission_uncertainty_auto: 100,
      plume_bounds: [-119.1, 35.49, -119.08, 35.5],
      wind_speed_avg_auto: 3.1,
      status: 'published',
      published_at: '2023-07-10T00:00:00.000Z',
    });
    expect((await get(`/plume/${plume.id}`)).json().plume_id).toBe('GAO20230628t191011p0000-A');
    const again = await importPlumeCsv(ctx.db, Readable.from([FIXTURE_CSV]), acme.id);
    expect(again).toMatchObject({ created: 0, updated: 7, failed: 1 });
  });
});

describe('GET plumes/annotated', () => {
  it('shows anonymous callers and other organizations published plumes only; the owner its unpublished ones too', async () => {
    const published = (await get('/plumes/annotated')).json();
    expect(published).toMatchObject({ total_count: 6, bbox_count: 6, limit: 10, offset: 0 });
    expect((await get('/plumes/annotated', rival)).json().total_count).toBe(6);
    expect((await get('/plumes/annotated', reader)).json().total_count).toBe(6);
    expect((await get('/plumes/annotated', analyst)).json().total_count).toBe(7);
    expect((await get('/plume/ang20240510t160000p0000-A')).statusCode).toBe(404);
    expect((await get('/plume/ang20240510t160000p0000-A', rival)).statusCode).toBe(404);
    expect((await get('/plume/ang20240510t160000p0000-A', analyst)).json()).toMatchObject({ status: 'valid', sector: null });
  });

  it('applies each filter alone', async () => {
    expect(await names('plume_names=GAO20230628t191011p0000-B&plume_names=tan20240301t120000p0000-A')).toEqual(['GAO20230628t191011p0000-B', 'tan20240301t120000p0000-A']);
    expect(await names('scene_name=GAO20230628t191011p0000')).toEqual(['GAO20230628t191011p0000-A', 'GAO20230628t191011p0000-B']);
    const plumeA = (await get('/plume/GAO20230628t191011p0000-A')).json().id;
    expect(await names(`plume_ids=${plumeA}`)).toEqual(['GAO20230628t191011p0000-A']);
    expect((await get('/plumes/annotated?plume_ids=not-a-uuid')).statusCode).toBe(422);
    const scene = (await get('/plume/emi20230815t101500p0001-A')).json().scene_id;
    expect(await names(`scene_id=${scene}`)).toEqual(['emi20230815t101500p0001-A']);
    expect(await names(`scene_ids=${scene}&scene_ids=00000000-0000-4000-8000-000000000000`)).toEqual(['emi20230815t101500p0001-A']);
    expect(await names('search=emi')).toEqual(['emi20230815t101500p0001-A', 'emi20240601t090000p0002-A']);
    expect(await names('emission_min=300')).toEqual(['GAO20230628t191011p0000-A', 'av320240402t083000p0000-A', 'emi20230815t101500p0001-A', 'tan20240301t120000p0000-A']);
    expect(await names('emission_max=100')).toEqual(['GAO20230628t191011p0000-B']);
    expect(await names('sectors=1B2')).toHaveLength(3);
    expect(await names('sectors=6A&sectors=1A1')).toEqual(['av320240402t083000p0000-A', 'tan20240301t120000p0000-A']);
    expect(await names('sectors=NA')).toEqual(['emi20240601t090000p0002-A']);
    expect(await names('sectors=NULL')).toEqual([]);
    expect(await names('sectors=NULL', analyst)).toEqual(['ang20240510t160000p0000-A']);
    expect(await names('plume_gas=CO2')).toEqual(['av320240402t083000p0000-A']);
    expect(await names('instrument=emi')).toEqual(['emi20230815t101500p0001-A', 'emi20240601t090000p0002-A']);
    expect(await names('instruments=tan&instruments=av3')).toEqual(['av320240402t083000p0000-A', 'tan20240301t120000p0000-A']);
    expect(await names('status=valid', analyst)).toEqual(['ang20240510t160000p0000-A']);
    expect(await names('status=valid')).toEqual([]);
  });

  it('reads datetime filters as instants, days, and open or closed intervals', async () => {
    expect(await names('datetime=2023-06-28T19:10:11Z')).toHaveLength(2);
    expect(await names('datetime=2023-06-28T19:10:12Z')).toEqual([]);
    expect(await names('datetime=2023-06-28')).toHaveLength(2);
    expect(await names('datetime=2024-01-01T00:00:00Z/..')).toEqual(['av320240402t083000p0000-A', 'emi20240601t090000p0002-A', 'tan20240301t120000p0000-A']);
    expect(await names('datetime=../2023-12-31')).toEqual(['GAO20230628t191011p0000-A', 'GAO20230628t191011p0000-B', 'emi20230815t101500p0001-A']);
    expect(await names('datetime=2023-08-01/2024-03-01')).toEqual(['emi20230815t101500p0001-A', 'tan20240301t120000p0000-A']);
    expect(await names('datetime=2023-08-01T00:00:00Z/2024-03-01T12:00:00Z')).toEqual(['emi20230815t101500p0001-A', 'tan20240301t120000p0000-A']);
    expect(await names('published_at_datetime=2024-04-10')).toEqual(['av320240402t083000p0000-A']);
    expect(await names('modified_at=2024-06-01/..')).toEqual(['emi20240601t090000p0002-A']);
    const bad = await get('/plumes/annotated?datetime=yesterday');
    expect(bad.statusCode).toBe(422);
    expect(bad.json().detail[0].loc).toEqual(['query', 'datetime']);
    expect((await get('/plumes/annotated?datetime=2024-02-01/2024-01-01')).statusCode).toBe(422);
  });

  it('counts the bounding box apart (bbox_count) and matches intersects against plume bounds', async () => {
    const boxed = (await get('/plumes/annotated?bbox=-119.2&bbox=35.4&bbox=-119&bbox=35.6')).json();
    expect(boxed).toMatchObject({ bbox_count: 2, total_count: 6 });
    expect(boxed.items).toHaveLength(2);
    // The point lies inside plume A's bounds, not on either plume's point.
    expect(await names(`intersects=${encodeURIComponent('{"type":"Point","coordinates":[-119.09,35.495]}')}`)).toEqual(['GAO20230628t191011p0000-A']);
    expect(await names(`intersects=${encodeURIComponent('coordinates=-119.09,35.495')}`)).toEqual(['GAO20230628t191011p0000-A']);
    expect((await get('/plumes/annotated?bbox=1&bbox=2&bbox=3')).statusCode).toBe(422);
    expect((await get('/plumes/annotated?bbox=10&bbox=0&bbox=5&bbox=1')).statusCode).toBe(422);
    expect((await get(`/plumes/annotated?intersects=${encodeURIComponent('{"type":"Polygon"}')}`)).statusCode).toBe(422);
  });

  it('combines filters, sorts and pages', async () => {
    const query = 'plume_gas=CH4&sectors=1B2&emission_min=100&datetime=2023-01-01/2023-12-31&sort=emissions_desc';
    expect((await get(`/plumes/annotated?${query}`)).json().items.map((p: { plume_id: string }) => p.plume_id)).toEqual(['emi20230815t101500p0001-A', 'GAO20230628t191011p0000-A']);
    const page = (await get('/plumes/annotated?sort=emissions_asc&limit=2&offset=1')).json();
    expect(page).toMatchObject({ limit: 2, offset: 1, total_count: 6 });
    expect(page.items.map((p: { emission_auto: number }) => p.emission_auto)).toEqual([120, 300]);
    expect((await get('/plumes/annotated?sort=published_desc&limit=1')).json().items[0].plume_id).toBe('emi20240601t090000p0002-A');
    expect((await get('/plumes/annotated?sort=asc&limit=1')).json().items[0].scene_timestamp).toBe('2023-06-28T19:10:11.000Z');
    expect((await get('/plumes/annotated?limit=1001')).statusCode).toBe(422);
  });
});

describe('plumes/annotated and plumes/related', () => {
  it('annotated adds other plumes of the same gas within 1 km as nearby_items; related answers the page alone, for signed-in callers', async () => {
    const annotated = (await get('/plumes/annotated?plume_names=GAO20230628t191011p0000-A')).json();
    expect(annotated.items.map((p: { plume_id: string }) => p.plume_id)).toEqual(['GAO20230628t191011p0000-A']);
    expect(annotated.nearby_items.map((p: { plume_id: string }) => p.plume_id)).toEqual(['GAO20230628t191011p0000-B']);
    const related = (await get('/plumes/related?plume_names=GAO20230628t191011p0000-A', reader)).json();
    expect(related.items.map((p: { plume_id: string }) => p.plume_id)).toEqual(['GAO20230628t191011p0000-A']);
    expect(related).not.toHaveProperty('nearby_items');
    expect((await get('/plumes/related?plume_names=GAO20230628t191011p0000-A')).statusCode).toBe(401);
  });
});

describe('curation: create, update, status workflow, publish', () => {
  const send = (method: 'POST' | 'PUT' | 'PATCH', url: string, payload: object, key?: string) =>
    ctx.request({ method, url: `/api/v1/catalog${url}`, payload, ...(key ? { key } : {}) });

  it('creates a plume in a scene with the next letter, visible to its owner only until published', async () => {
    const scene = (await get('/plume/GAO20230628t191011p0000-A')).json().scene_id;
    const created = await send('POST', '/plume', { geometry_json: { type: 'Point', coordinates: [-119.07, 35.48] }, scene_id: scene, gas: 'CH4', sector: '1B2', notes: 'manual' }, analyst);
    expect(created.statusCode, created.body).toBe(200);
    const plume = (await get(`/plume/${created.json().id}`, analyst)).json();
    expect(plume).toMatchObject({ plume_id: 'GAO20230628t191011p0000-C', status: 'valid', plume_quality: 'good', notes: 'manual', instrument: 'GAO', geometry_json: { coordinates: [-119.07, 35.48] } });
    expect((await get('/plume/GAO20230628t191011p0000-C')).statusCode).toBe(404);
    expect((await send('POST', '/plume', { geometry_json: { type: 'Point', coordinates: [0, 0] }, scene_id: '00000000-0000-4000-8000-000000000000', gas: 'CH4' }, analyst)).statusCode).toBe(422);
    expect((await send('POST', '/plume', { geometry_json: { type: 'Point', coordinates: [0, 0] }, gas: 'CH4' }, analyst)).statusCode).toBe(422);
    expect((await send('POST', '/plume', { geometry_json: { type: 'Point', coordinates: [0, 0] }, scene_id: scene, gas: 'CH4' })).statusCode).toBe(401);
    expect((await send('POST', '/plume', { geometry_json: { type: 'Point', coordinates: [0, 0] }, scene_id: scene, gas: 'CH4' }, reader)).statusCode).toBe(403);
  });

  it('moves status only along the workflow, and publish_plumes publishes publish_ready plumes', async () => {
    const name = 'ang20240510t160000p0000-A';
    expect((await send('PATCH', `/plume/${name}`, { status: 'published' }, analyst)).statusCode).toBe(400);
    expect((await send('PATCH', `/plume/${name}`, { status: 'publish_ready', quality: 'questionable', phme_candidate: true }, analyst)).statusCode).toBe(200);
    expect((await send('PATCH', `/plume/${name}`, { status: 'publish_ready' }, rival)).statusCode).toBe(404);
    const publish = await ctx.request({ method: 'PUT', url: `/api/v1/catalog/publish_plumes?plume_names=${name}&plume_names=GAO20230628t191011p0000-C`, key: analyst });
    expect(publish.json()).toBe('Published 1 plume.');
    const published = (await get(`/plume/${name}`)).json();
    expect(published).toMatchObject({ status: 'published', plume_quality: 'questionable', phme_candidate: true, notes: null });
    expect(Date.parse(published.published_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(await names('has_phme=true')).toEqual([name]);
    expect(await names('qualities=questionable')).toEqual([name]);
    expect((await send('PATCH', `/plume/${name}`, { status: 'valid' }, analyst)).statusCode).toBe(400);
    expect((await send('PATCH', `/plume/${name}`, { status: 'hidden' }, rival)).statusCode).toBe(403);
    expect((await send('PATCH', `/plume/${name}`, { status: 'hidden' })).statusCode).toBe(401);
    expect((await send('PATCH', `/plume/${name}`, { status: 'archived' }, analyst)).statusCode).toBe(422);
  });

  it('replaces curation fields with PUT and withholds hidden emissions from everyone but the owner', async () => {
    const plume = (await get('/plume/GAO20230628t191011p0000-A')).json();
    const put = await send('PUT', `/plume/${plume.id}`, { geometry_json: plume.geometry_json, scene_id: plume.scene_id, gas: 'CH4', hide_emission: true, sector: '1B2' }, analyst);
    expect(put.json()).toEqual({ id: plume.id });
    expect((await get('/plume/GAO20230628t191011p0000-A')).json()).toMatchObject({ hide_emission: true, emission_auto: null, emission_uncertainty_auto: null });
    expect((await get('/plume/GAO20230628t191011p0000-A', analyst)).json()).toMatchObject({ emission_auto: 500 });
    const moved = await send('PUT', `/plume/${plume.id}`, { geometry_json: plume.geometry_json, scene_id: '00000000-0000-4000-8000-000000000000', gas: 'CH4' }, analyst);
    expect(moved.statusCode).toBe(422);
    await send('PATCH', `/plume/${plume.id}`, { hide_emission: false }, analyst);
  });
});

describe('GET plume-csv', () => {
  it('streams CRLF CSV with pagination headers, excluded columns and formula-safe cells', async () => {
    const response = await get('/plume-csv?sort=emissions_asc&limit=3&offset=1&exclude_columns=plume_tif&exclude_columns=plume_png', analyst);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers).toMatchObject({ 'pagination-count': '8', 'pagination-limit': '3', 'pagination-offset': '1' });
    const lines = response.body.split('\r\n');
    expect(lines).toHaveLength(5); // header, 3 rows, and the empty rest after the last CRLF
    expect(lines[0]!.split(',')).toHaveLength(29);
    expect(lines[0]).not.toContain('plume_tif');
    expect(lines[1]).toMatch(/^GAO20230628t191011p0000-B,35.5,-119.085,2023-06-28T19:10:11Z,Oil & Gas \(1B2\),CH4,mfa,,GAO,phase2,/);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(response.body).not.toContain("'-119");
  });

  it('writes plume_bounds as the quoted JSON array of west, south, east, north', async () => {
    const body = (await get('/plume-csv?plume_names=GAO20230628t191011p0000-A')).body;
    expect(body.split('\r\n')[1]).toContain(',mfa,"[-119.1, 35.49, -119.08, 35.5]",GAO,');
    // The same text as the JSON the cell used to be built from, for every plume with bounds.
    const differing = await ctx.db.query(sql`
      SELECT p.id FROM plumes p WHERE p.bounds IS NOT NULL AND csv_quote(json_build_array(ST_XMin(p.bounds), ST_YMin(p.bounds), ST_XMax(p.bounds), ST_YMax(p.bounds))::text)
        IS DISTINCT FROM '"[' || ST_XMin(p.bounds)::text || ', ' || ST_YMin(p.bounds)::text || ', ' || ST_XMax(p.bounds)::text || ', ' || ST_YMax(p.bounds)::text || ']"'`);
    expect(differing).toEqual([]);
  });

  it('escapes cells in the database the way RFC 4180 and OWASP ask (csv_cell)', async () => {
    const cases: [string | null, string][] = [
      [null, ''],
      ['plain', 'plain'],
      ['a,b', '"a,b"'],
      ['say "hi"', '"say ""hi"""'],
      ['two\nlines', '"two\nlines"'],
      ['=1+2', "'=1+2"],
      ['@SUM(A1)', "'@SUM(A1)"],
      ['-2+3', "'-2+3"],
      ['-119.0893', '-119.0893'],
      ['+1.5e-3', '+1.5e-3'],
      ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
      ['', ''],
      ['+', "'+"],
      ['\tx', "'\tx"],
      ['\rx', `"'\rx"`],
      ['a\rb', '"a\rb"'],
      ['é=1', 'é=1'],
    ];
    for (const [input, expected] of cases) {
      const [row] = await ctx.db.query<{ cell: string }>(sql`SELECT csv_cell(${input}::text) AS cell`);
      expect(row!.cell, String(input)).toBe(expected);
      if (input !== null && !/[",\r\n]/.test(input)) expect(safeCell(input)).toBe(expected);
    }
  });

  it('escapes every cell as the first csv_cell did, with its regular expressions (migration 0057)', async () => {
    const alphabet = ['a', 'é', '1', '.', 'e', '=', '+', '-', '@', '\t', '\r', '\n', '"', ',', "'", ' '];
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const values = Array.from({ length: 3000 }, () => Array.from({ length: next() % 7 }, () => alphabet[next() % alphabet.length]).join(''));
    const quote = (v: string) => String.raw`CASE WHEN ${v} ~ '[",\r\n]' THEN '"' || replace(${v}, '"', '""') || '"' ELSE ${v} END`;
    const before = raw(String.raw`CASE WHEN v IS NULL THEN '' WHEN v ~ '^[=+@\t\r-]' AND v !~ '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$' THEN ${quote("('''' || v)")} ELSE ${quote('v')} END`);
    const differing = await ctx.db.query(sql`SELECT v, csv_cell(v) AS now, ${before} AS before FROM unnest(${[...values, null]}::text[]) v WHERE csv_cell(v) IS DISTINCT FROM ${before}`);
    expect(differing).toEqual([]);
    expect(new Set(values).size).toBeGreaterThan(1500);
  });

  it('lets anonymous callers download published plumes only, and refuses a limit over 100,000', async () => {
    const response = await get('/plume-csv');
    expect(response.headers['pagination-count']).toBe('7');
    expect(response.body.split('\r\n').filter(Boolean)).toHaveLength(8);
    expect(response.body).not.toContain('GAO20230628t191011p0000-C');
    expect((await get('/plume-csv?limit=100001')).statusCode).toBe(422);
    expect((await get('/plume-csv?exclude_columns=secret')).statusCode).toBe(422);
  });

  it('sends the same CSV compressed (gzip, brotli) as uncompressed, with every row in order', async () => {
    const url = '/api/v1/catalog/plume-csv?sort=asc';
    const plain = await ctx.request({ method: 'GET', url, key: analyst, headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.split('\r\n').filter(Boolean)).toHaveLength(9);
    for (const [encoding, decode] of [['gzip', gunzipSync], ['br', brotliDecompressSync]] as const) {
      const packed = await ctx.request({ method: 'GET', url, key: analyst, headers: { 'accept-encoding': encoding } });
      expect(packed.headers['content-encoding']).toBe(encoding);
      expect(decode(packed.rawPayload).toString('utf8')).toBe(plain.body);
    }
  });

  it('round-trips: export, import into an empty catalog, export again — the same bytes', async () => {
    const first = (await get('/plume-csv?sort=asc', analyst)).body;
    await ctx.db.query(sql`DELETE FROM plumes`);
    await ctx.db.query(sql`DELETE FROM scenes`);
    const reimport = await importPlumeCsv(ctx.db, Readable.from([first]), acme.id);
    expect(reimport).toMatchObject({ received: 8, created: 8, failed: 0 });
    const second = (await get('/plume-csv?sort=asc', analyst)).body;
    expect(second).toBe(first);
  });
});

describe('OpenAPI', () => {
  it('describes the catalog pages', async () => {
    const document = (await ctx.request({ method: 'GET', url: '/openapi.json' })).json();
    const paths = Object.keys(document.paths).filter((p) => p.startsWith('/api/v1/catalog/'));
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/catalog/plume/{plume_id}',
        '/api/v1/catalog/plumes/annotated',
        '/api/v1/catalog/plumes/related',
        '/api/v1/catalog/plume-csv',
        '/api/v1/catalog/publish_plumes',
        '/api/v1/catalog/scenes/annotated',
        '/api/v1/catalog/download/scenes.gpkg',
        '/api/v1/catalog/sources.geojson',
        '/api/v1/catalog/source/{source_name}',
        '/api/v1/catalog/source/plume/name/{plume_id}',
        '/api/v1/catalog/quicklook/{id}/response',
      ]),
    );
    expect(paths.length).toBeGreaterThanOrEqual(28);
    const annotated = document.paths['/api/v1/catalog/plumes/annotated'].get;
    expect(annotated.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['bbox', 'datetime', 'sectors', 'intersects', 'source_name', 'sort', 'limit', 'offset']));
  });

  it('declares OptionalAuth reads as answering anonymous callers too, and scoped routes as requiring credentials', async () => {
    const document = (await ctx.request({ method: 'GET', url: '/openapi.json' })).json();
    const security = (path: string, method = 'get') => document.paths[path][method].security;
    for (const path of ['/api/v1/catalog/plumes/annotated', '/api/v1/catalog/plume/{plume_id}', '/api/v1/catalog/plume-csv', '/api/v1/catalog/sources.geojson', '/api/v1/catalog/source/{source_name}']) {
      expect(security(path), path).toContainEqual({});
      expect(security(path), path).toContainEqual({ bearerAuth: [] });
    }
    for (const [path, method] of [['/api/v1/catalog/plumes/related', 'get'], ['/api/v1/catalog/plume', 'post']] as const) {
      expect(security(path, method), path).not.toContainEqual({});
      expect(security(path, method), path).toContainEqual({ bearerAuth: [] });
    }
    // Anonymous reads really are answered.
    expect((await ctx.request({ method: 'GET', url: '/api/v1/catalog/plumes/annotated' })).statusCode).toBe(200);
  });
});
