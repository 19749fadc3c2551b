import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { insertScenes, upsertPlumes } from './catalog-writes.queries.js';
import { fixturePlume, SCENES } from './catalog.fixture.js';

/*
 * Each Catalog request as the page writes it, answered in the page's sample shape: the same keys
 * holding the same kinds of values. Fixture: a landfill source of two CH4 6A plumes 30 m apart
 * (2024-01-10 100 kg/h, 2024-01-20 300 kg/h; five scenes over four dates cover its centre) and
 * one CO2 1A1 plume of 1,000 kg/h in California (one scene).
 */
let ctx: TestContext;
let token: string;
const P1 = '00000000-0000-4000-8000-0000000000a1';
const LANDFILL = 'CH4_6A_100m_-74.00025_40.70015';
const PLANT = 'CO2_1A1_100m_-119.50000_35.50000';

const get = (path: string, key?: string) => ctx.request({ method: 'GET', url: `/api/v1/catalog${path}`, ...(key ? { key } : {}) });
const json = async (path: string, key?: string) => {
  const response = await get(path, key);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};
/** What each key holds, in the words of the page's samples. */
const kind = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
const kinds = (body: Record<string, unknown>) => Object.fromEntries(Object.entries(body).map(([key, value]) => [key, kind(value)]));

const SOURCE_OBJECT = { plumes: 'array', scenes: 'array', point: 'object', source_name: 'string', source: 'object', observation_dates: 'array', detection_dates: 'array' };
const EXPLANATION = { source_name: 'string', gas: 'string', sector: 'string', summary: 'object', daily_breakdown: 'array', detection_dates: 'array', calculation_details: 'object' };

function expectSourceObject(body: Record<string, unknown>, explained: boolean) {
  expect(kinds(body)).toEqual({ ...SOURCE_OBJECT, explanation: explained ? 'object' : 'null' });
  expect(body.source_name).toBe(LANDFILL);
  expect(body.point).toEqual({ bbox: [-74.00025, 40.70015, -74.00025, 40.70015], type: 'Point', coordinates: [-74.00025, 40.70015] });
  expect((body.plumes as { id: string; plume_id: string }[]).map((p) => p.plume_id)).toEqual(['GAO20240110t150000p0000-A', 'GAO20240120t150000p0000-A']);
  expect((body.scenes as { name: string }[]).map((s) => s.name)).toEqual(SCENES.slice(0, 5).map((s) => s.name));
  expect(body.observation_dates).toEqual(['2024-01-10', '2024-01-20', '2024-02-01', '2024-02-15']);
  expect(body.detection_dates).toEqual(['2024-01-10', '2024-01-20']);
  expect(body.source).toMatchObject({ source_name: LANDFILL, gas: 'CH4', sector: '6A', plume_count: 2, persistence: 0.5, emission_auto: 100 });
  if (explained) expect(kinds(body.explanation as Record<string, unknown>)).toEqual(EXPLANATION);
}

beforeAll(async () => {
  ctx = await createTestContext();
  const acme = await ctx.organization('Acme');
  token = await acme.key(['catalog:read']);
  await insertScenes(ctx.db, SCENES, null);
  await upsertPlumes(ctx.db, [
    fixturePlume(acme.id, P1, 0, 'A', { emission_auto: 100, emission_uncertainty_auto: 10 }),
    fixturePlume(acme.id, '00000000-0000-4000-8000-0000000000a2', 1, 'A', { longitude: -74.0005, latitude: 40.7003, emission_auto: 300, emission_uncertainty_auto: 30 }),
    fixturePlume(acme.id, '00000000-0000-4000-8000-0000000000a3', 5, 'A', { gas: 'CO2', sector: '1A1', longitude: -119.5, latitude: 35.5, emission_auto: 1000, emission_uncertainty_auto: 100 }),
  ]);
});
afterAll(() => ctx?.close());

describe('the Catalog page’s requests get the page’s response shapes', () => {
  it('source/plume/{plume_uuid}, source/plume/name/{plume_id}, source/{source_name} and search/source/{source_name} answer the source object', async () => {
    expectSourceObject(await json(`/source/plume/${P1}`), false);
    expectSourceObject(await json('/source/plume/name/GAO20240110t150000p0000-A'), false);
    expectSourceObject(await json(`/source/${LANDFILL}`), false);
    expectSourceObject(await json(`/source/${LANDFILL}?explain=true`), true);
    expectSourceObject(await json(`/source/plume/${P1}?explain=true`), true);
    const found = await json('/search/source/CH4_6A_100m_-74.00030_40.70020');
    expectSourceObject(found, false);
    expect(found.source.distance_m).toBe(7);
    expectSourceObject(await json(`/search/source/${LANDFILL}?explain=true`), true);
  });

  it('sources.geojson is a FeatureCollection with the bbox of its sources, as application/json like the page', async () => {
    expect((await get('/sources.geojson')).headers['content-type']).toMatch(/^application\/json/);
    const body = await json('/sources.geojson');
    expect(kinds(body)).toEqual({ bbox: 'array', type: 'string', features: 'array' });
    expect(body.type).toBe('FeatureCollection');
    expect(body.bbox).toEqual([-119.5, 35.5, -74.00025, 40.70015]);
    expect(body.features.map((f: { properties: { source_name: string } }) => f.properties.source_name)).toEqual([PLANT, LANDFILL]);
  });

  it('sources/aggregate is an array of per-sector objects with the page’s ten figures', async () => {
    const body = await json('/sources/aggregate');
    expect(body).toEqual([
      { persistence_avg: 1, emission_sum: 1000, emission_uncertainty_sum: 100, emission_avg: 1000, emission_uncertainty_avg: 100, emission_std: 0, emission_uncertainty_std: 0, plume_count: 1, single_plume_count: 1, sector: '1A1' },
      // (100 + 300) / 2 × 2 detection dates / 4 observation dates; √(10² + 30²) / 2 × 0.5
      { persistence_avg: 0.5, emission_sum: 100, emission_uncertainty_sum: Math.sqrt(1000) / 4, emission_avg: 100, emission_uncertainty_avg: Math.sqrt(1000) / 4, emission_std: 0, emission_uncertainty_std: 0, plume_count: 2, single_plume_count: 0, sector: '6A' },
    ]);
  });

  it('plumes/annotated carries nearby_items and plumes/related does not', async () => {
    const annotated = await json('/plumes/annotated');
    expect(kinds(annotated)).toEqual({ bbox_count: 'number', total_count: 'number', limit: 'number', offset: 'number', items: 'array', nearby_items: 'array' });
    const near = await json(`/plumes/annotated?plume_ids=${P1}`);
    expect(near.nearby_items.map((p: { plume_id: string }) => p.plume_id)).toEqual(['GAO20240120t150000p0000-A']);
    const related = await json('/plumes/related', token);
    expect(kinds(related)).toEqual({ bbox_count: 'number', total_count: 'number', limit: 'number', offset: 'number', items: 'array' });
    expect(related.total_count).toBe(3);
  });

  it('download-scenes answers a GeoJSON FeatureCollection with its bbox; the CSV is download/scenes.csv', async () => {
    const response = await get('/download-scenes', token);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = response.json();
    expect(kinds(body)).toEqual({ bbox: 'array', type: 'string', features: 'array' });
    expect(body.type).toBe('FeatureCollection');
    expect(body.bbox).toEqual([-120, 35, -73.9, 40.8]);
    expect(body.features).toHaveLength(6);
    expect(body.features[0]).toMatchObject({ type: 'Feature', geometry: { type: 'Polygon' }, properties: { name: 'GAO20240301t150000p0000' } });
    const csv = await get('/download/scenes.csv', token);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.split('\r\n')[0]).toMatch(/^id,name,timestamp,/);
  });

  it('source-plumes-csv/{source_name} answers the source’s plumes as CSV', async () => {
    const response = await get(`/source-plumes-csv/${LANDFILL}`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.body.split('\r\n').filter(Boolean).map((line) => line.split(',')[0])).toEqual(['plume_id', 'GAO20240120t150000p0000-A', 'GAO20240110t150000p0000-A']);
  });

  it('the OpenAPI document declares these shapes', async () => {
    const document = (await ctx.request({ method: 'GET', url: '/openapi.json' })).json();
    const schema = (path: string) => document.paths[`/api/v1/catalog${path}`].get.responses['200'].content['application/json'].schema;
    expect(Object.keys(schema('/source/{source_name}').properties)).toEqual([...Object.keys(SOURCE_OBJECT), 'explanation']);
    expect(schema('/sources/aggregate').type).toBe('array');
    expect(Object.keys(schema('/plumes/annotated').properties)).toContain('nearby_items');
    expect(Object.keys(schema('/plumes/related').properties)).not.toContain('nearby_items');
    expect(Object.keys(schema('/download-scenes').properties)).toEqual(['bbox', 'type', 'features']);
  });
});
