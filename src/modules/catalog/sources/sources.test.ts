import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../../test/support/test-app.js';
import { insertScenes, upsertPlumes } from '../catalog-writes.queries.js';
import { fixturePlume, SCENES } from '../catalog.fixture.js';

let ctx: TestContext;
let acme: TestOrganization;
let analyst: string;

/*
 * Hand-checked fixture (a landfill, a neighbour 4 km west, a power plant at the landfill's spot):
 *   S1 (CH4, 6A): p1 2024-01-10 100 ±10; p2 and p3 2024-01-20 300 ±30 and 200 ±20 (daily mean 250 ±25).
 *     Scenes covering it: A 01-10, B and B2 01-20, C 02-01, D 02-15 → 4 observation dates, 2 detection dates.
 *     persistence 2/4 = 0.5; mean detected rate (100 + 250) / 2 = 175; emission 87.5;
 *     uncertainty √(10² + 25²) / 2 × 0.5 = 6.7315…; centre = mean of the three points.
 *   S2 (CH4, 6A): p4 2024-01-10 50 ±5, covered by A and C → persistence 0.5, emission 25, uncertainty 2.5.
 *   S3 (CO2, 1A1): p5 2024-01-10 10,000 ±1,000 at p1's spot, covered by A, B, B2, C, D → 1/4 → 2,500.
 *   p6: an unpublished CH4 6A plume next to p1, seen by its owner only.
 */
const S1 = 'CH4_6A_100m_-74.00027_40.70013';
const S2 = 'CH4_6A_100m_-74.05000_40.70000';
const S3 = 'CO2_1A1_100m_-74.00000_40.70000';

const P2 = '00000000-0000-4000-8000-0000000000f2';
const get = (url: string, key?: string) => ctx.request({ method: 'GET', url: `/api/v1/catalog${url}`, ...(key ? { key } : {}) });
const features = async (query = '', key?: string) => {
  const response = await get(`/sources.geojson?${query}`, key);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().features as { properties: Record<string, unknown>; geometry: { coordinates: number[] } }[];
};

beforeAll(async () => {
  ctx = await createTestContext();
  acme = await ctx.organization('Acme');
  analyst = await acme.key(['catalog:read', 'catalog:write']);
  await insertScenes(ctx.db, SCENES, null);
  await upsertPlumes(ctx.db, [
    fixturePlume(acme.id, '00000000-0000-4000-8000-0000000000f1', 0, 'A', { emission_auto: 100, emission_uncertainty_auto: 10 }),
    fixturePlume(acme.id, P2, 1, 'A', { longitude: -74.0005, latitude: 40.7003, emission_auto: 300, emission_uncertainty_auto: 30 }),
    fixturePlume(acme.id, '00000000-0000-4000-8000-0000000000f3', 2, 'A', { longitude: -74.0003, latitude: 40.7001, emission_auto: 200, emission_uncertainty_auto: 20 }),
    fixturePlume(acme.id, '00000000-0000-4000-8000-0000000000f4', 0, 'B', { longitude: -74.05, emission_auto: 50, emission_uncertainty_auto: 5 }),
    fixturePlume(acme.id, '00000000-0000-4000-8000-0000000000f5', 0, 'C', { gas: 'CO2', sector: '1A1', emission_auto: 10_000, emission_uncertainty_auto: 1000 }),
    fixturePlume(acme.id, '00000000-0000-4000-8000-0000000000f6', 3, 'A', { longitude: -74.0001, latitude: 40.7, emission_auto: 999, status: 'valid', published_at: null }),
  ]);
});
afterAll(() => ctx?.close());

describe('sources', () => {
  it('clusters plumes of one gas and sector with DBSCAN and computes persistence and emission as checked by hand', async () => {
    const all = await features();
    expect(all.map((f) => f.properties.source_name)).toEqual([S3, S1, S2]);
    const s1 = all[1]!;
    expect(s1.geometry.coordinates).toEqual([-74.00027, 40.70013]);
    expect(s1.properties).toMatchObject({
      gas: 'CH4',
      sector: '6A',
      plume_count: 3,
      plume_ids: ['GAO20240110t150000p0000-A', 'GAO20240120t150000p0000-A', 'GAO20240120t170000p0000-A'],
      emission_auto: 87.5,
      detection_date_count: 2,
      observation_date_count: 4,
      persistence: 0.5,
      timestamp_min: '2024-01-10T15:00:00.000Z',
      timestamp_max: '2024-01-20T17:00:00.000Z',
    });
    expect(s1.properties.emission_uncertainty_auto).toBeCloseTo(Math.sqrt(725) / 4, 10);
    expect(all[2]!.properties).toMatchObject({ plume_count: 1, persistence: 0.5, emission_auto: 25, emission_uncertainty_auto: 2.5, observation_date_count: 2 });
    expect(all[0]!.properties).toMatchObject({ gas: 'CO2', sector: '1A1', persistence: 0.25, emission_auto: 2500 });
  });

  it('follows eps and minpoints', async () => {
    expect((await features('eps=30')).find((f) => f.properties.gas === 'CH4' && f.properties.plume_count === 3)?.properties.source_name).toBe('CH4_6A_30m_-74.00027_40.70013');
    expect((await features('eps=20')).filter((f) => f.properties.gas === 'CH4')).toHaveLength(4);
    const dense = await features('eps=30&minpoints=2');
    expect(dense.map((f) => f.properties.plume_count)).toEqual([3]);
    expect((await get('/sources.geojson?eps=2001')).statusCode).toBe(422);
  });

  it('shows the owner its unpublished plumes in its sources, others not', async () => {
    const owner = await features('', analyst);
    expect(owner.filter((f) => f.properties.gas === 'CH4').map((f) => f.properties.plume_count).sort()).toEqual([1, 4]);
  });

  it('explains a source by name with a daily breakdown', async () => {
    const response = await get(`/source/${S1}?explain=true`);
    expect(response.statusCode, response.body).toBe(200);
    const { explanation, source_name } = response.json();
    expect(source_name).toBe(S1);
    expect(explanation).toMatchObject({ source_name: S1, gas: 'CH4', sector: '6A', detection_dates: ['2024-01-10', '2024-01-20'] });
    expect(explanation.summary).toMatchObject({ plume_count: 3, detection_date_count: 2, observation_date_count: 4, persistence: 0.5, mean_detected_rate: 175, emission_auto: 87.5 });
    expect(explanation.calculation_details).toMatchObject({ eps_m: 100, minpoints: 1, utm_epsg: 32618, persistence: '2 / 4 = 0.5', emission: '175 × 0.5 = 87.5' });
    expect(explanation.daily_breakdown).toEqual([
      { date: '2024-01-10', observed_by: ['GAO20240110t150000p0000'], plumes: [{ plume_id: 'GAO20240110t150000p0000-A', emission_auto: 100, emission_uncertainty_auto: 10 }], mean_emission: 100 },
      {
        date: '2024-01-20',
        observed_by: ['GAO20240120t150000p0000', 'GAO20240120t170000p0000'],
        plumes: [
          { plume_id: 'GAO20240120t150000p0000-A', emission_auto: 300, emission_uncertainty_auto: 30 },
          { plume_id: 'GAO20240120t170000p0000-A', emission_auto: 200, emission_uncertainty_auto: 20 },
        ],
        mean_emission: 250,
      },
      { date: '2024-02-01', observed_by: ['GAO20240201t150000p0000'], plumes: [], mean_emission: null },
      { date: '2024-02-15', observed_by: ['GAO20240215t150000p0000'], plumes: [], mean_emission: null },
    ]);
  });

  it('finds the source of a plume, by UUID or name, and the nearest source to a stale name', async () => {
    expect((await get(`/source/plume/${P2}`)).json().source_name).toBe(S1);
    expect((await get('/source/plume/name/GAO20240110t150000p0000-B')).json().source_name).toBe(S2);
    expect((await get('/source/plume/name/GAO20240201t150000p0000-A')).statusCode).toBe(404);
    const near = (await get('/search/source/CH4_6A_100m_-74.00040_40.70020')).json();
    expect(near.source_name).toBe(S1);
    expect(near.source.distance_m).toBe(13);
    expect((await get('/source/CH4_6A_100m_-74.00040_40.70020')).statusCode).toBe(404);
    const malformed = await get('/source/methane_somewhere');
    expect(malformed.statusCode).toBe(422);
    expect(malformed.json().detail[0].loc).toEqual(['path', 'source_name']);
  });

  it('aggregates by sector, filters plumes by source and exports CSV', async () => {
    const [co2, ch4] = (await get('/sources/aggregate')).json();
    expect(co2).toEqual({
      persistence_avg: 0.25,
      emission_sum: 2500,
      emission_uncertainty_sum: 250,
      emission_avg: 2500,
      emission_uncertainty_avg: 250,
      emission_std: 0,
      emission_uncertainty_std: 0,
      plume_count: 1,
      single_plume_count: 1,
      sector: '1A1',
    });
    // 6A: S1 (persistence 0.5, 87.5 ± √725/4) and S2 (0.5, 25 ± 2.5); spreads are population standard deviations.
    const s1Uncertainty = Math.sqrt(725) / 4;
    expect(ch4).toMatchObject({ sector: '6A', persistence_avg: 0.5, emission_sum: 112.5, emission_avg: 56.25, emission_std: 31.25, plume_count: 4, single_plume_count: 1 });
    expect(ch4.emission_uncertainty_sum).toBeCloseTo(s1Uncertainty + 2.5, 10);
    expect(ch4.emission_uncertainty_avg).toBeCloseTo((s1Uncertainty + 2.5) / 2, 10);
    expect(ch4.emission_uncertainty_std).toBeCloseTo((s1Uncertainty - 2.5) / 2, 10);
    const plumes = (await get(`/plumes/annotated?source_name=${S1}`)).json();
    expect(plumes.items.map((p: { plume_id: string }) => p.plume_id).sort()).toEqual(['GAO20240110t150000p0000-A', 'GAO20240120t150000p0000-A', 'GAO20240120t170000p0000-A']);
    expect((await get('/plumes/annotated?source_name=CH4_6A_100m_-1.00000_1.00000')).json().total_count).toBe(0);
    const csv = (await get('/sources-csv')).body.split('\r\n');
    expect(csv[0]).toBe('source_name,source_latitude,source_longitude,gas,observation_date_count,detection_date_count,source_persistence,source_emission,source_emission_uncertainty,ipcc_sector');
    expect(csv[2]).toMatch(new RegExp(`^${S1},40.70013,-74.00027,CH4,4,2,0.5,87.5,6.73`));
    const plumeCsv = (await get(`/source-plumes-csv/${S1}`)).body.split('\r\n').filter(Boolean);
    expect(plumeCsv.map((line) => line.split(',')[0])).toEqual(['plume_id', 'GAO20240120t170000p0000-A', 'GAO20240120t150000p0000-A', 'GAO20240110t150000p0000-A']);
    const paged = await get(`/source-plumes-csv/${S1}?sort=asc&offset=1&limit=1`);
    expect(paged.headers).toMatchObject({ 'pagination-count': '3', 'pagination-limit': '1', 'pagination-offset': '1' });
    expect(paged.body.split('\r\n').filter(Boolean).map((line) => line.split(',')[0])).toEqual(['plume_id', 'GAO20240120t150000p0000-A']);
  });

});
