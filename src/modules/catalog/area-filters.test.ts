import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';

// The page's area filters (aoi_id, gadm_composite_id) until areas exist: refused, never ignored.
let ctx: TestContext;
let key: string;

beforeAll(async () => {
  ctx = await createTestContext();
  key = await (await ctx.organization('Readers')).key(['catalog:read']);
});
afterAll(() => ctx?.close());

const PAGE_AOI = '47ac573b-504e-44c4-a998-0f3c19fa0f21';
const ROUTES = [
  '/plume',
  '/plumes/annotated',
  '/plumes/related',
  '/plume-csv',
  '/scenes',
  '/scenes/annotated',
  '/scene-count',
  '/download-scenes',
  '/download/scenes.geojson',
  '/sources.geojson',
  '/sources/aggregate',
];

describe('area filters on the catalog', () => {
  it.each(ROUTES)('answers %s?aoi_id=<the page’s uuid> with a 422 saying areas are not supported yet', async (route) => {
    const response = await ctx.request({ method: 'GET', url: `/api/v1/catalog${route}?aoi_id=${PAGE_AOI}`, key });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ detail: [{ type: 'value_error', loc: ['query', 'aoi_id'], msg: expect.stringContaining('aoi_id is not supported yet') }] });
  });

  it('names both filters when both are sent, including gadm_composite_id as the page writes it', async () => {
    const response = await ctx.request({ method: 'GET', url: `/api/v1/catalog/plumes/annotated?gadm_composite_id=USA.5.19_1&aoi_id=${PAGE_AOI}&limit=10`, key });
    expect(response.statusCode).toBe(422);
    expect(response.json().detail.map((issue: { loc: string[] }) => issue.loc)).toEqual([['query', 'aoi_id'], ['query', 'gadm_composite_id']]);
    expect(response.json().detail[1].msg).toContain('will not answer the unfiltered results instead');
  });

  it('refuses the bracketed array form (aoi_id[]=…) that some clients send', async () => {
    const response = await ctx.request({ method: 'GET', url: `/api/v1/catalog/plumes/annotated?aoi_id[]=${PAGE_AOI}&limit=10`, key });
    expect(response.statusCode).toBe(422);
    expect(response.json().detail[0].loc).toEqual(['query', 'aoi_id']);
  });

  it('refuses an empty area filter too, and still asks for credentials first', async () => {
    expect((await ctx.request({ method: 'GET', url: '/api/v1/catalog/scenes?gadm_composite_id=', key })).statusCode).toBe(422);
    expect((await ctx.request({ method: 'GET', url: `/api/v1/catalog/scenes?aoi_id=${PAGE_AOI}` })).statusCode).toBe(401);
  });

  it('answers the same routes without area filters as before', async () => {
    expect((await ctx.request({ method: 'GET', url: '/api/v1/catalog/plumes/annotated', key })).statusCode).toBe(200);
  });
});
