import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import { insertScenes, upsertPlumes } from './catalog-writes.queries.js';
import { fixturePlume, SCENES } from './catalog.fixture.js';

/*
 * One source far from every scene footprint, so its observation dates are its two detection dates
 * (persistence 1): H on 2024-01-10, 1000 ±100, marked hide_emission; V on 2024-02-01, 100 ±10.
 * The owner sees the source at (1000 + 100) / 2 = 550; everyone else only V's 100 ±10.
 */
let ctx: TestContext;
let acme: TestOrganization;
let owner: string;
let rival: string;
const H = '00000000-0000-4000-8000-00000000e001';
const V = '00000000-0000-4000-8000-00000000e002';
const SOURCE = 'CH4_6A_100m_-100.00000_45.00000';

const get = (url: string, key?: string) => ctx.request({ method: 'GET', url: `/api/v1/catalog${url}`, ...(key ? { key } : {}) });
const json = async (url: string, key?: string) => {
  const response = await get(url, key);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};
/** Anonymous callers and another organization's analysts: the non-owners. */
const outsiders = () => [undefined, rival];

beforeAll(async () => {
  ctx = await createTestContext();
  acme = await ctx.organization('Acme');
  owner = await acme.key(['catalog:read', 'catalog:write']);
  rival = await (await ctx.organization('Rival')).key(['catalog:read', 'catalog:write']);
  await insertScenes(ctx.db, SCENES, null);
  const at = { longitude: -100, latitude: 45 };
  await upsertPlumes(ctx.db, [
    fixturePlume(acme.id, H, 0, 'A', { ...at, emission_auto: 1000, emission_uncertainty_auto: 100 }),
    fixturePlume(acme.id, V, 3, 'A', { ...at, emission_auto: 100, emission_uncertainty_auto: 10 }),
  ]);
  const hide = await ctx.request({ method: 'PATCH', url: `/api/v1/catalog/plume/${H}`, key: owner, payload: { hide_emission: true } });
  expect(hide.statusCode, hide.body).toBe(200);
});
afterAll(() => ctx?.close());

describe('hide_emission withholds a plume’s emission from everyone but its owner', () => {
  it('when a non-owner filters or sorts plumes by emission, a hidden emission counts as unknown', async () => {
    for (const key of outsiders()) {
      expect((await json('/plumes/annotated?emission_min=500', key)).total_count).toBe(0);
      expect((await json('/plumes/annotated?emission_max=500', key)).items.map((p: { id: string }) => p.id)).toEqual([V]);
      const sorted = await json('/plumes/annotated?sort=emissions_desc', key);
      expect(sorted.items.map((p: { id: string; emission_auto: number | null }) => [p.id, p.emission_auto])).toEqual([[V, 100], [H, null]]);
    }
    expect((await json('/plumes/annotated?emission_min=500', owner)).items).toMatchObject([{ id: H, emission_auto: 1000 }]);
  });

  it('when a non-owner downloads plume-csv with emission_min, the hidden plume is not among the rows', async () => {
    for (const key of outsiders()) {
      const csv = await get('/plume-csv?emission_min=500', key);
      expect(csv.statusCode).toBe(200);
      expect(csv.body.trim().split('\r\n')).toHaveLength(1);
    }
    const mine = (await get('/plume-csv?emission_min=500', owner)).body.trim().split('\r\n');
    expect(mine).toHaveLength(2);
    expect(mine[1]).toMatch(/^GAO20240110t150000p0000-A,/);
  });

  it('when a non-owner reads sources, their figures leave the hidden emission out', async () => {
    for (const key of outsiders()) {
      const [feature] = (await json('/sources.geojson', key)).features;
      expect(feature.properties).toMatchObject({ source_name: SOURCE, plume_count: 2, detection_date_count: 2, persistence: 1, emission_auto: 100, emission_uncertainty_auto: 10 });
      expect(await json('/sources/aggregate', key)).toEqual([
        { sector: '6A', plume_count: 2, single_plume_count: 0, persistence_avg: 1, emission_sum: 100, emission_avg: 100, emission_std: 0, emission_uncertainty_sum: 10, emission_uncertainty_avg: 10, emission_uncertainty_std: 0 },
      ]);
      const csv = (await get('/sources-csv', key)).body.trim().split('\r\n');
      expect(csv[1]).toBe(`${SOURCE},45.00000,-100.00000,CH4,2,2,1,100,10,6A`);
      const source = await json(`/source/${SOURCE}`, key);
      expect(source.source.emission_auto).toBe(100);
      expect(source.plumes.map((p: { id: string; emission_auto: number | null }) => [p.id, p.emission_auto])).toEqual([[H, null], [V, 100]]);
    }
    expect((await json('/sources.geojson', owner)).features[0].properties.emission_auto).toBe(550);
    expect((await json('/sources/aggregate', owner))[0].emission_sum).toBe(550);
  });

  it('when a non-owner asks a source to explain itself, the hidden plume’s emission is null in the daily breakdown', async () => {
    for (const key of outsiders()) {
      for (const url of [`/source/${SOURCE}?explain=true`, `/source/plume/${H}?explain=true`, '/source/plume/name/GAO20240110t150000p0000-A?explain=true']) {
        const answer = await json(url, key);
        expect(answer.explanation.daily_breakdown.map((d: { plumes: unknown[] }) => d.plumes)).toEqual([
          [{ plume_id: 'GAO20240110t150000p0000-A', emission_auto: null, emission_uncertainty_auto: null }],
          [{ plume_id: 'GAO20240201t150000p0000-A', emission_auto: 100, emission_uncertainty_auto: 10 }],
        ]);
        expect(answer.explanation.summary.mean_detected_rate).toBe(100);
      }
    }
    const mine = await json(`/source/${SOURCE}?explain=true`, owner);
    expect(mine.explanation.daily_breakdown[0].plumes[0].emission_auto).toBe(1000);
    expect(mine.explanation.summary.mean_detected_rate).toBe(550);
    expect(mine.plumes[0].emission_auto).toBe(1000);
  });

  it('when another organization filters scenes by plume emission, the hidden emission does not make its scene match', async () => {
    const names = async (query: string, key: string) => (await json(`/scenes?${query}`, key)).items.map((s: { name: string }) => s.name);
    expect(await names('plume_emission_min=500', rival)).toEqual([]);
    expect(await names('has_plume_emissions=true', rival)).toEqual(['GAO20240201t150000p0000']);
    expect(await names('plume_emission_min=500', owner)).toEqual(['GAO20240110t150000p0000']);
  });
});
