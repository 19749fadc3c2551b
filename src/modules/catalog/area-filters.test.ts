import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { insertScenes, upsertPlumes, type GeneratedScene } from './catalog-writes.queries.js';
import { fixturePlume } from './catalog.fixture.js';

/*
 * The page's area filters by true intersection. The AOI is a U open to the north over west Texas:
 * its bounding box is [-101, 31, -99, 33] but the notch [-100.5, 31.5, -99.5, 33] is not in it.
 *   IN      (-100.75, 32.0)  in the U's west arm             → in the AOI, in Texas
 *   NOTCH   (-100.0,  32.5)  in the bbox, in the notch       → not in the AOI, in Texas
 *   NY      (-73.7562, 42.6526) Albany                       → in New York (USA.33_1) only
 * (inland: the country outlines are Natural Earth's 1:50m, coarse along coasts)
 * Scenes: ARM [-100.9, 31.9, -100.6, 32.1] crosses the west arm; GAP [-100.2, 32.2, -99.8, 32.8]
 * lies in the notch; CITY around New York City.
 */
let ctx: TestContext;
let reader: string;
let other: string;
let aoi: string;
let foreignAoi: string;

const U = [[[-101, 31], [-99, 31], [-99, 33], [-99.5, 33], [-99.5, 31.5], [-100.5, 31.5], [-100.5, 33], [-101, 33], [-101, 31]]];
const TEXAS = 'USA.44_1';
const NEW_YORK = 'USA.33_1';

const scene = (id: string, name: string, footprint: [number, number, number, number]): GeneratedScene => ({
  id, name, instrument: 'GAO', platform: 'GAO', provider: 'CarbonMapper', mission_phase: 'phase3',
  timestamp: new Date(`${name.slice(3, 7)}-${name.slice(7, 9)}-${name.slice(9, 11)}T15:00:00Z`), footprint, cloud_cover: 5, qa_flags: [], assessed: true,
});
const ARM = '00000000-0000-4000-8000-0000000000a1';
const GAP = '00000000-0000-4000-8000-0000000000a2';
const CITY = '00000000-0000-4000-8000-0000000000a3';
const SCENES = [
  scene(ARM, 'GAO20240110t150000p0000', [-100.9, 31.9, -100.6, 32.1]),
  scene(GAP, 'GAO20240111t150000p0000', [-100.2, 32.2, -99.8, 32.8]),
  scene(CITY, 'GAO20240112t150000p0000', [-74.1, 40.6, -73.9, 40.8]),
];
const IN = 'GAO20240110t150000p0000-A';
const NOTCH = 'GAO20240111t150000p0000-A';
const NY = 'GAO20240112t150000p0000-A';

const get = (url: string, key?: string) => ctx.request({ method: 'GET', url: `/api/v1/catalog${url}`, ...(key ? { key } : {}) });
async function plumeNames(query: string, key = reader) {
  const response = await get(`/plumes/annotated?${query}&limit=100`, key);
  expect(response.statusCode, response.body).toBe(200);
  return (response.json().items as { plume_id: string }[]).map((p) => p.plume_id).sort();
}
async function createAoi(key: string, coordinates: unknown) {
  const response = await ctx.request({ method: 'POST', url: '/api/v1/layers/aoi', key, payload: { geometry_json: { type: 'Polygon', coordinates }, name: 'U' } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().id as string;
}

beforeAll(async () => {
  ctx = await createTestContext();
  const acme = await ctx.organization('Acme');
  const rival = await ctx.organization('Rival');
  reader = await acme.key(['catalog:read', 'geo:write']);
  other = await rival.key(['catalog:read', 'geo:write']);
  aoi = await createAoi(reader, U);
  foreignAoi = await createAoi(other, U);
  await insertScenes(ctx.db, SCENES, null);
  const plume = (id: string, sceneId: string, name: string, longitude: number, latitude: number) => ({
    ...fixturePlume(acme.id, id, 0, 'A', { longitude, latitude }),
    scene_id: sceneId,
    scene_name: name.slice(0, -2),
    plume_id: name,
  });
  await upsertPlumes(ctx.db, [
    plume('00000000-0000-4000-8000-0000000000b1', ARM, IN, -100.75, 32),
    plume('00000000-0000-4000-8000-0000000000b2', GAP, NOTCH, -100, 32.5),
    plume('00000000-0000-4000-8000-0000000000b3', CITY, NY, -73.7562, 42.6526),
  ]);
});
afterAll(() => ctx?.close());

describe('area filters on plumes', () => {
  it('keeps a plume inside a concave AOI and drops one inside its bounding box but outside the polygon', async () => {
    expect(await plumeNames('')).toEqual([IN, NOTCH, NY]);
    expect(await plumeNames(`aoi_id=${aoi}`)).toEqual([IN]);
  });

  it('filters by a US state as GADM numbers it (Texas is USA.44_1), and by the whole country', async () => {
    expect(await plumeNames(`gadm_composite_id=${TEXAS}`)).toEqual([IN, NOTCH]);
    expect(await plumeNames(`gadm_composite_id=${NEW_YORK}`)).toEqual([NY]);
    expect(await plumeNames('gadm_composite_id=USA')).toEqual([IN, NOTCH, NY]);
    expect(await plumeNames('gadm_composite_id=MEX')).toEqual([]);
  });

  it('matches plumes in ANY of the areas named, repeated keys and both kinds together', async () => {
    expect(await plumeNames(`aoi_id=${aoi}&gadm_composite_id=${NEW_YORK}`)).toEqual([IN, NY]);
    expect(await plumeNames(`gadm_composite_id=${NEW_YORK}&gadm_composite_id=${TEXAS}`)).toEqual([IN, NOTCH, NY]);
  });

  it('accepts the bracketed array form (aoi_id[]=…) some clients send', async () => {
    expect(await plumeNames(`aoi_id[]=${aoi}&gadm_composite_id[]=${NEW_YORK}`)).toEqual([IN, NY]);
  });

  it('counts with the filter: bbox_count and total_count on plumes/related', async () => {
    const response = await get(`/plumes/related?aoi_id=${aoi}`, reader);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ total_count: 1, bbox_count: 1 });
  });

  it('filters the plume CSV (rows and pagination-count)', async () => {
    const response = await get(`/plume-csv?gadm_composite_id=${TEXAS}&sort=asc`, reader);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['pagination-count']).toBe('2');
    const rows = response.body.trim().split('\r\n').slice(1).map((line) => line.split(',')[0]);
    expect(rows).toEqual([IN, NOTCH]);
  });

  it('filters sources and their aggregate', async () => {
    const sources = await get(`/sources.geojson?aoi_id=${aoi}`, reader);
    expect(sources.statusCode, sources.body).toBe(200);
    expect(sources.json().features.map((f: { properties: { plume_ids: string[] } }) => f.properties.plume_ids)).toEqual([[IN]]);
    const aggregate = await get(`/sources/aggregate?gadm_composite_id=${TEXAS}`, reader);
    expect(aggregate.statusCode, aggregate.body).toBe(200);
    expect(aggregate.json().reduce((n: number, s: { plume_count: number }) => n + s.plume_count, 0)).toBe(2);
  });
});

describe('area filters on scenes', () => {
  const sceneIds = async (query: string) => {
    const response = await get(`/scenes?${query}`, reader);
    expect(response.statusCode, response.body).toBe(200);
    return (response.json().items as { id: string }[]).map((s) => s.id).sort();
  };

  it('keeps a footprint crossing the AOI and drops one lying in its notch', async () => {
    expect(await sceneIds(`aoi_id=${aoi}`)).toEqual([ARM]);
    expect(await sceneIds(`gadm_composite_id=${TEXAS}`)).toEqual([ARM, GAP]);
    expect(await sceneIds(`aoi_id=${aoi}&gadm_composite_id=${NEW_YORK}`)).toEqual([ARM, CITY]);
  });

  it('filters scene-count and the scene downloads alike', async () => {
    expect((await get(`/scene-count?aoi_id=${aoi}`, reader)).json()).toBe(1);
    const download = await get(`/download-scenes?gadm_composite_id=${NEW_YORK}`, reader);
    expect(download.statusCode, download.body).toBe(200);
    expect(download.json().features.map((f: { id: string }) => f.id)).toEqual([CITY]);
  });
});

describe('areas a caller may not use', () => {
  it("refuses another organization's AOI with the 422 of an unknown one, never an empty or unfiltered answer", async () => {
    for (const id of [foreignAoi, '47ac573b-504e-44c4-a998-0f3c19fa0f21']) {
      const response = await get(`/plumes/annotated?aoi_id=${id}`, reader);
      expect(response.statusCode).toBe(422);
      expect(response.json()).toEqual({ detail: [{ type: 'value_error', loc: ['query', 'aoi_id'], msg: `No area of interest ${id} (or not one you may use).` }] });
    }
    // Its owner uses it.
    expect(await plumeNames(`aoi_id=${foreignAoi}`, other)).toEqual([IN]);
  });

  it('refuses an AOI to an anonymous caller on a public route', async () => {
    expect((await get(`/plumes/annotated?aoi_id=${aoi}`)).statusCode).toBe(422);
    expect((await get(`/plumes/annotated?gadm_composite_id=${TEXAS}`)).statusCode).toBe(200);
  });

  it('refuses an unknown administrative area, and malformed ids at validation', async () => {
    const unknown = await get('/plumes/annotated?gadm_composite_id=USA.99_1', reader);
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().detail[0]).toMatchObject({ loc: ['query', 'gadm_composite_id'], msg: 'No administrative area USA.99_1.' });
    expect((await get('/plumes/annotated?aoi_id=not-a-uuid', reader)).statusCode).toBe(422);
    expect((await get('/scenes?gadm_composite_id=', reader)).statusCode).toBe(422);
    expect((await get('/scenes?gadm_composite_id=%3Cscript%3E', reader)).statusCode).toBe(422);
  });

  it('refuses area filters on routes that have none, instead of ignoring them', async () => {
    for (const route of ['/scenes/dates', '/scenes/annotated', `/plume/${IN}`]) {
      const response = await get(`${route}?aoi_id=${aoi}`, reader);
      expect(response.statusCode, route).toBe(422);
      expect(response.json().detail[0]).toMatchObject({ loc: ['query', 'aoi_id'], msg: 'aoi_id is not a filter of this route; leave it out.' });
    }
  });

  it('still asks for credentials first', async () => {
    expect((await get(`/scenes?aoi_id=${aoi}`)).statusCode).toBe(401);
  });
});
