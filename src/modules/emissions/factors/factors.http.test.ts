import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../../test/support/test-app.js';

let ctx: TestContext;
let acme: TestOrganization;
let globex: TestOrganization;
let acmeKey: string;
let globexKey: string;

beforeAll(async () => {
  ctx = await createTestContext();
  acme = await ctx.organization('Acme');
  globex = await ctx.organization('Globex');
  acmeKey = await acme.key(['emissions:write']);
  globexKey = await globex.key(['emissions:read']);
});
afterAll(() => ctx?.close());

const get = (key: string, url: string) => ctx.request({ method: 'GET', url, key });

describe('/v2/emission-factors', () => {
  it('searches the library by activity, region and year and reads one factor', async () => {
    const es = (await get(globexKey, '/v2/emission-factors?activity=electricity&region=ES')).json();
    expect(es.total).toBe(1);
    expect(es.data[0]).toMatchObject({ id: 'ember-grid-electricity:ES', kg_co2e_per_unit: 0.14615, year: 2024, unit: 'kWh', scope: 2 });
    expect((await get(globexKey, '/v2/emission-factors?activity=electricity&year=2022')).json().total).toBe(39);
    const refrigerants = (await get(globexKey, '/v2/emission-factors?activity=refrigerant:R-404A')).json();
    expect(refrigerants.data.map((f: { gwp_set: string; kg_co2e_per_unit: number }) => [f.gwp_set, f.kg_co2e_per_unit])).toEqual([['AR5', 3942.8], ['AR6', 4728]]);
    const one = await get(globexKey, '/v2/emission-factors/desnz-ghg-conversion-factors:diesel-litre');
    expect(one.json()).toMatchObject({ kg_co2e_per_unit: 2.51279, unit: 'litre', source: { table: 'Fuels', row: 'Liquid fuels / Diesel (average biofuel blend) / litres' }, licence: 'Open Government Licence v3.0' });
    expect((await get(globexKey, '/v2/emission-factors/nope')).statusCode).toBe(404);
  });

  it("lets an organization add its own factor, which wins for it alone", async () => {
    const created = await ctx.request({
      method: 'POST',
      url: '/v2/emission-factors',
      key: acmeKey,
      payload: { activity: 'electricity', unit: 'kWh', region: 'ES', year: 2024, kg_co2e_per_unit: 0.012, scope: 2, method: 'market-based', source: 'Supplier fuel-mix disclosure 2024' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: expect.stringMatching(/^ef_/), organization_id: acme.id, method: 'market-based' });

    const mine = (await get(acmeKey, '/v2/emission-factors/resolve?activity=electricity&region=ES&year=2024')).json();
    expect(mine).toEqual({ factor: created.json(), reason: "the organization's own factor for the region, latest year not after 2024: 2024" });
    const theirs = (await get(globexKey, '/v2/emission-factors/resolve?activity=electricity&region=ES&year=2024')).json();
    expect(theirs.factor.id).toBe('ember-grid-electricity:ES');
    expect((await get(globexKey, `/v2/emission-factors/${created.json().id}`)).statusCode).toBe(404);
    expect((await get(acmeKey, `/v2/emission-factors/${created.json().id}`)).json().kg_co2e_per_unit).toBe(0.012);
  });

  it('answers 400 INVALID_PAYLOAD, 401 and 403 in the emissions format', async () => {
    const bad = await ctx.request({ method: 'POST', url: '/v2/emission-factors', key: acmeKey, payload: { activity: 'x', unit: 'kWh', region: 'Spain', year: 2024, kg_co2e_per_unit: -1, scope: 2, source: 's' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect((await get(acmeKey, '/v2/emission-factors/resolve?activity=electricity')).statusCode).toBe(400);
    expect((await get(acmeKey, '/v2/emission-factors/resolve?activity=unobtainium&region=ES&year=2024')).statusCode).toBe(404);
    expect((await ctx.request({ method: 'GET', url: '/v2/emission-factors' })).json()).toMatchObject({ code: 'UNAUTHORIZED' });
    const facilitiesOnly = await acme.key(['facilities:read']);
    expect((await get(facilitiesOnly, '/v2/emission-factors')).json()).toMatchObject({ code: 'FORBIDDEN' });
    expect((await ctx.request({ method: 'POST', url: '/v2/emission-factors', key: globexKey, payload: {} })).statusCode).toBe(403);
  });
});
