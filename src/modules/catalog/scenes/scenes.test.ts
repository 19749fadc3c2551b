import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import initSqlJs from 'sql.js';
import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../../test/support/test-app.js';
import { insertScenes, upsertPlumes } from '../catalog-writes.queries.js';
import { fixturePlume, SCENES } from '../catalog.fixture.js';

let ctx: TestContext;
let acme: TestOrganization;
let reader: string;
let analyst: string;

const [A, B, B2, C, D, E] = SCENES.map((s) => s.id) as [string, string, string, string, string, string];
const get = (url: string, key?: string) => ctx.request({ method: 'GET', url: `/api/v1/catalog${url}`, ...(key ? { key } : {}) });
const names = async (query: string, key = reader) => {
  const response = await get(`/scenes?${query}`, key);
  expect(response.statusCode, response.body).toBe(200);
  return (response.json().items as { name: string }[]).map((s) => s.name.slice(3, 18)).sort();
};

function hasOgrinfo() {
  try {
    execFileSync('ogrinfo', ['--version']);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  ctx = await createTestContext();
  acme = await ctx.organization('Acme');
  reader = await (await ctx.organization('Readers')).key(['catalog:read']);
  analyst = await acme.key(['catalog:read', 'catalog:write']);
  await insertScenes(ctx.db, SCENES, null);
  // C is cloudy, D not assessed yet, E not to be assessed.
  await ctx.db.query(sql`UPDATE scenes SET cloud_cover = 40 WHERE id = ${C}`);
  await ctx.db.query(sql`UPDATE scenes SET assessed = false WHERE id IN (${D}, ${E})`);
  await ctx.db.query(sql`UPDATE scenes SET do_not_assess = true WHERE id = ${E}`);
  await upsertPlumes(ctx.db, [
    fixturePlume(acme.id, '00000000-0000-4000-8000-0000000000f1', 0, 'A', { emission_auto: 100 }),
    fixturePlume(acme.id, '00000000-0000-4000-8000-0000000000f2', 1, 'A', { emission_auto: 300 }),
    fixturePlume(acme.id, '00000000-0000-4000-8000-0000000000f3', 2, 'A', { emission_auto: 200 }),
    fixturePlume(acme.id, '00000000-0000-4000-8000-0000000000f4', 0, 'B', { longitude: -74.05, emission_auto: 50 }),
    fixturePlume(acme.id, '00000000-0000-4000-8000-0000000000f5', 0, 'C', { gas: 'CO2', sector: '1A1', emission_auto: 10_000 }),
    fixturePlume(acme.id, '00000000-0000-4000-8000-0000000000f6', 3, 'A', { emission_auto: 999, status: 'valid', published_at: null }),
  ]);
});
afterAll(() => ctx?.close());

describe('scenes', () => {
  it('lists scenes with plume counts, excluding do-not-assess ones by default', async () => {
    const page = (await get('/scenes', reader)).json();
    expect(page.count).toBe(5);
    expect(page.items[0]).toMatchObject({ name: 'GAO20240215t150000p0000', assessed: false, plume_count: 0 });
    const a = page.items.find((s: { id: string }) => s.id === A);
    expect(a).toMatchObject({ plume_count: 3, published_plume_count: 3, deleted_plume_count: 0, bounds: [-74.1, 40.6, -73.9, 40.8], cloud_cover_pct: 5, instrument: 'GAO' });
    expect(a.geometry_json.type).toBe('Polygon');
    expect((await get(`/scene/${C}`, reader)).json().plume_count).toBe(0);
    expect((await get(`/scene/${C}`, analyst)).json().plume_count).toBe(1);
  });

  it('applies each scene filter', async () => {
    expect(await names('assessment_status=do-not-assess')).toEqual(['20240301t150000']);
    expect(await names('assessment_status=not-assessed')).toEqual(['20240215t150000']);
    expect(await names('assessment_status=assessed')).toHaveLength(4);
    expect(await names('search=20240120')).toEqual(['20240120t150000', '20240120t170000']);
    expect(await names(`ids=${A}&ids=${D}`)).toEqual(['20240110t150000', '20240215t150000']);
    expect(await names('cloud_cover_pct_max=10')).toHaveLength(4);
    expect(await names('cloud_cover_pct_min=10')).toEqual(['20240201t150000']);
    expect(await names('plume_gas=CO2')).toEqual(['20240110t150000']);
    expect(await names('plume_sectors=6A')).toEqual(['20240110t150000', '20240120t150000', '20240120t170000']);
    expect(await names('plume_emission_min=250')).toEqual(['20240110t150000', '20240120t150000']);
    expect(await names('has_plume_emissions=true')).toHaveLength(3);
    expect(await names('plume_statuses=valid')).toEqual([]);
    expect(await names('plume_statuses=valid', analyst)).toEqual(['20240201t150000']);
    expect(await names(`intersects=${encodeURIComponent('coordinates=-74.05,40.7')}`)).toEqual(['20240110t150000', '20240201t150000']);
    expect(await names('assessment_status=do-not-assess&bbox=-121&bbox=34&bbox=-118&bbox=37')).toEqual(['20240301t150000']);
    expect(await names('datetime=2024-01-20')).toEqual(['20240120t150000', '20240120t170000']);
    expect(await names('hasAssignees=true')).toEqual([]);
    expect((await get('/scenes?sort=priority&limit=1', reader)).json().items[0].id).toBe(D);
    expect((await get('/scenes?datetime=soon', reader)).statusCode).toBe(422);
  });

  it('answers scenes/annotated to anyone: published, assessed, cloud cover ≤ 25 % unless asked', async () => {
    const annotated = (await get('/scenes/annotated')).json();
    expect(annotated.items.map((s: { id: string }) => s.id).sort()).toEqual([A, B, B2].sort());
    expect((await get('/scenes/annotated?cloud_cover_pct_max=50')).json().count).toBe(4);
    expect((await get('/scenes/annotated?cloud_cover_pct_max=50&not_cloudy=true')).json().count).toBe(3);
    expect((await get('/scenes/annotated?published_plume_count_min=2')).json().items.map((s: { id: string }) => s.id)).toEqual([A]);
  });

  it('counts, dates and completes scenes', async () => {
    expect((await get('/scene-count?search=20240120', reader)).json()).toBe(2);
    expect((await get('/mql-scene-count', reader)).json()).toBe(1);
    const dates = (await get('/scenes/dates', reader)).json();
    expect(dates).toHaveLength(5);
    expect(dates.find((d: { date: string }) => d.date === '2024-01-20')).toEqual({ date: '2024-01-20', scene_count: 2, instruments: ['GAO'] });
    expect((await get(`/can-complete-scene/${A}`, analyst)).json()).toBe(true);
    expect((await get(`/can-complete-scene/${C}`, analyst)).json()).toBe(false);
    expect((await get('/can-complete-scene/not-a-scene', analyst)).statusCode).toBe(404);
    expect((await get('/scenes')).statusCode).toBe(401);
    expect((await get('/scene-count', await acme.key(['emissions:read']))).statusCode).toBe(403);
  });

  it('downloads scenes as CSV, GeoJSON, GML and a GeoPackage that GDAL opens', async () => {
    const csv = (await get('/download/scenes.csv?sort=asc', reader)).body.split('\r\n');
    expect(csv[0]).toBe('id,name,timestamp,instrument,platform,mission_phase,cloud_cover_pct,assessed,plume_count,published_plume_count,west,south,east,north');
    expect(csv[1]).toBe(`${A},GAO20240110t150000p0000,2024-01-10T15:00:00.000Z,GAO,GAO,phase3,5,true,3,3,-74.1,40.6,-73.9,40.8`);
    const geojson = (await get('/download/scenes.geojson', reader)).json();
    expect(geojson.features).toHaveLength(5);
    expect(geojson.features[0].geometry.type).toBe('Polygon');
    const gml = (await get('/download/scenes.gml?sort=asc', reader)).body;
    expect(gml.match(/<gml:featureMember>/g)).toHaveLength(5);
    expect(gml).toContain('<gml:posList>40.6 -74.1 40.8 -74.1 40.8 -73.9 40.6 -73.9 40.6 -74.1</gml:posList>');

    const response = await get('/download/scenes.gpkg?sort=asc', reader);
    expect(response.headers['content-type']).toBe('application/geopackage+sqlite3');
    const bytes = response.rawPayload;
    const SQL = await initSqlJs();
    const gpkg = new SQL.Database(bytes);
    expect(gpkg.exec('PRAGMA application_id')[0]!.values[0]![0]).toBe(0x47504b47);
    expect(gpkg.exec("SELECT data_type, srs_id FROM gpkg_contents WHERE table_name = 'scenes'")[0]!.values).toEqual([['features', 4326]]);
    expect(gpkg.exec('SELECT name, plume_count FROM scenes ORDER BY fid')[0]!.values[0]).toEqual(['GAO20240110t150000p0000', 3]);
    gpkg.close();
    if (hasOgrinfo() || process.env.CI) {
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'gpkg-')), 'scenes.gpkg');
      writeFileSync(file, bytes);
      const info = execFileSync('ogrinfo', ['-al', '-so', file], { encoding: 'utf8' });
      expect(info).toContain('Feature Count: 5');
      expect(info).toContain('Geometry: Unknown (any)');
      expect(info).toContain("Extent: (-74.100000, 40.600000) - (-73.900000, 40.800000)");
      const first = execFileSync('ogrinfo', ['-al', '-where', "name = 'GAO20240110t150000p0000'", file], { encoding: 'utf8' });
      expect(first).toContain('POLYGON ((-74.1 40.6,-74.1 40.8,-73.9 40.8,-73.9 40.6,-74.1 40.6))');
    }
  });
});
