import sql from 'sql-template-tag';
import { describe, expect, it } from 'vitest';
import { relative, expectStacError, A, B, PERMIAN, LANDFILL, EMI2, CO2, UNPUBLISHED, SCENE, useStacFixture, type Item } from './stac.fixture.js';

const { fx, get, post, page, ids, postIds } = useStacFixture();

describe('search parameters', () => {
  it('reads datetimes as instants, with lowercase t/z, offsets and open intervals', async () => {
    const plumes = '&collections=l3a-ch4-mfa-v2,l3a-co2-mfa-v1';
    expect(await ids(`/search?datetime=2024-03-01T12:00:00Z${plumes}`)).toEqual([LANDFILL]);
    expect(await ids(`/search?datetime=2024-03-01t12:00:00z${plumes}`)).toEqual([LANDFILL]);
    expect(await ids(`/search?datetime=${encodeURIComponent('2024-03-01T13:00:00+01:00')}${plumes}`)).toEqual([LANDFILL]);
    expect(await ids(`/search?datetime=../2024-01-01T00:00:00Z${plumes}`)).toEqual([PERMIAN]);
    expect(await ids(`/search?datetime=2024-01-01T00:00:00Z/..${plumes}`)).toEqual([CO2, EMI2, LANDFILL].sort());
    expect(await ids(`/search?datetime=/2024-01-01T00:00:00Z${plumes}`)).toEqual([PERMIAN]);
    expect(await ids(`/search?datetime=2024-03-01T12:00:00Z/2024-04-02T08:30:00Z${plumes}`)).toEqual([CO2, LANDFILL].sort());
    for (const bad of ['2024-01-01', '../..', '/', 'yesterday', '2024-04-02T08:30:00Z/2024-03-01T12:00:00Z', '2024-01-01T00:00:00Z/2024-02-01T00:00:00Z/2024-03-01T00:00:00Z', '1985-04-12T23:20:50,52Z', '1985-12-12T23:20:50.52+23:60']) {
      expectStacError(await get(`/search?datetime=${encodeURIComponent(bad)}`), 400, /datetime/);
    }
    expectStacError(await post('/search', { datetime: '2024-13-01T00:00:00Z' }), 400, /datetime/);
  });

  it('checks bbox arity and latitudes, and refuses bbox with intersects', async () => {
    expectStacError(await get('/search?bbox=1,2,3'), 400, /4 \(west, south, east, north\) or 6/);
    expectStacError(await get('/search?bbox=0,10,1,5'), 400, /south latitude above its north/);
    expectStacError(await post('/search', { bbox: [0, 10, 1, 5] }), 400, /south latitude/);
    expectStacError(await post('/search', { bbox: [1, 2, 3, 4, 5] }), 400, /4 \(west/);
    expectStacError(await post('/search', { bbox: [-120, 30, -100, 40], intersects: { type: 'Point', coordinates: [0, 0] } }), 400, /bbox and intersects/);
    expectStacError(await get('/search?bbox=a,b,c,d'), 400, /bbox/);
    // A box touching plume A's bounds but not its point finds it: items intersect through their geometry.
    expect(await ids('/search?bbox=-119.095,35.495,-119.09,35.499')).toEqual([A]);
    expect(await ids('/search?bbox=-119.095,35.495,0,-119.09,35.499,100')).toEqual([A]);
    expect(await ids('/search?bbox=-103.5,31.5,-101.5,32.5&collections=l3a-ch4-mfa-v2')).toEqual([EMI2, PERMIAN].sort());
  });

  it('filters by a large intersects polygon (thousands of vertices), returning only items that intersect it', async () => {
    // A circle of 5,000 vertices around the Permian plumes (centre -102.5, 32, radius 1°).
    const ring = Array.from({ length: 5000 }, (_, i) => [-102.5 + Math.cos((2 * Math.PI * i) / 5000), 32 + Math.sin((2 * Math.PI * i) / 5000)]);
    ring.push(ring[0]!);
    const response = await post('/search', { intersects: { type: 'Polygon', coordinates: [ring] }, limit: 100 });
    expect(response.statusCode, response.body).toBe(200);
    const found: Item[] = response.json().features;
    // (The imported scenes have no footprint, so only the plumes meet it.)
    expect(found.map((item) => item.id).sort()).toEqual([EMI2, PERMIAN].sort());
    for (const item of found.filter((i) => i.geometry)) {
      const [x, y] = item.geometry!.coordinates as number[];
      expect(Math.hypot(x! + 102.5, y! - 32)).toBeLessThanOrEqual(1);
    }
    // GET takes the geometry as JSON text; a malformed one is a 400, not a database error.
    expect(await ids(`/search?intersects=${encodeURIComponent(JSON.stringify({ type: 'Point', coordinates: [-102.1, 31.9] }))}&collections=l3a-ch4-mfa-v2`)).toEqual([PERMIAN]);
    expectStacError(await post('/search', { intersects: { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [0, 0]]] } }), 400, /ring/);
    expectStacError(await post('/search', { intersects: { type: 'Blob', coordinates: [] } }), 400, /geometry type/);
    expectStacError(await get('/search?intersects=%7Bnope'), 400, /intersects/);
  });

  it("answers the page's own filters: ids, collections, cmf, gas, instruments, sector, version, created_daterange, query, offset, default limit 10", async () => {
    expect(await ids(`/search?ids=${A},${CO2}`)).toEqual([A, CO2].sort());
    expect(await ids(`/search?ids=${A}&ids=${CO2}`)).toEqual([A, CO2].sort());
    expect(await postIds({ ids: [A, PERMIAN] })).toEqual([A, PERMIAN].sort());
    expect(await ids('/search?gas=CO2')).toEqual([CO2]);
    expect(await ids('/search?instruments=emi&collections=l3a-ch4-mfa-v2')).toEqual([EMI2, PERMIAN].sort());
    expect(await ids('/search?sector=6A')).toEqual([LANDFILL]);
    expect(await ids('/search?cmf=mfa&version=v1&gas=CH4', fx.analyst)).toEqual([A, B, UNPUBLISHED]);
    expect(await postIds({ version: ['v2'], limit: 100 })).toEqual([EMI2, LANDFILL, PERMIAN].sort());
    await fx.ctx.db.query(sql`UPDATE plumes SET emission_version = NULL WHERE plume_id = ${CO2}`);
    expect(await ids('/search?version=v2&version_include_nulls=True&limit=100')).toEqual([CO2, EMI2, LANDFILL, PERMIAN].sort());
    await fx.ctx.db.query(sql`UPDATE plumes SET emission_version = 'v1' WHERE plume_id = ${CO2}`);
    expect((await page('/search?created_daterange=2000-01-01T00:00:00Z/..')).numberMatched).toBeGreaterThan(30);
    expect((await page('/search?created_daterange=../2000-01-01T00:00:00Z')).numberMatched).toBe(0);
    expect(await ids(`/search?query=${encodeURIComponent('{"cm:emission":{"gt":400},"gas":{"eq":"CH4"}}')}`)).toEqual([A, PERMIAN].sort());
    expect(await postIds({ query: { 'cm:emission': { gte: 20000 } } })).toEqual([CO2]);
    expect(await postIds({ query: { 'cm:instrument': { in: ['tan', 'av3'] } }, collections: ['l3a-ch4-mfa-v2', 'l3a-co2-mfa-v1'] })).toEqual([CO2, LANDFILL].sort());
    expectStacError(await post('/search', { query: { nope: { eq: 1 } } }), 400, /unknown property "nope"/);
    expectStacError(await post('/search', { query: { gas: { approx: 'CH4' } } }), 400, /unknown operator/);
    const first = await page('/search');
    expect(first.numberReturned).toBe(10);
    expect(first.context.limit).toBe(10);
    const byOffset = await page('/search?limit=2&offset=2');
    expect(byOffset.features.map((item) => item.id)).toEqual(first.features.slice(2, 4).map((item) => item.id));
    expect(relative(byOffset.links.find((link) => link.rel === 'next')!.href)).toMatch(/offset=4/);
    expect(relative(byOffset.links.find((link) => link.rel === 'prev')!.href)).toMatch(/offset=0|[?&](?!offset)/);
  });

  it('searches free text with q', async () => {
    expect(await ids('/search?q=tan20240301')).toEqual(['tan20240301t120000p0000', LANDFILL].sort());
    expect(await postIds({ q: ['av320240402', 'tan20240301t120000p0000-A'], collections: ['l3a-ch4-mfa-v2', 'l3a-co2-mfa-v1'] })).toEqual([CO2, LANDFILL].sort());
  });

  it('returns the fields asked for (fields extension)', async () => {
    const trimmed = (await page(`/search?ids=${A}&fields=id,properties.cm:emission,-links`)).features[0]!;
    expect(Object.keys(trimmed).sort()).toEqual(['collection', 'id', 'links', 'properties', 'stac_version', 'type']);
    expect(trimmed.properties).toEqual({ 'cm:emission': 500 });
    const without = (await post('/search', { ids: [A], fields: { exclude: ['assets', 'properties.cm:sector'] } })).json().features[0];
    expect(without.assets).toBeUndefined();
    expect(without.properties['cm:sector']).toBeUndefined();
    expect(without.properties['cm:emission']).toBe(500);
  });
});

describe('CQL2 filter', () => {
  const text = (filter: string, key?: string) => ids(`/search?limit=100&filter=${encodeURIComponent(filter)}`, key);
  const json = (filter: object) => ids(`/search?limit=100&filter-lang=cql2-json&filter=${encodeURIComponent(JSON.stringify(filter))}`);

  it('applies CQL2 text and JSON on GET (never ignored) and POST', async () => {
    expect(await text("cm:emission > 400 AND cm:gas = 'CH4'")).toEqual([A, PERMIAN].sort());
    expect(await json({ op: 'and', args: [{ op: '>', args: [{ property: 'cm:emission' }, 400] }, { op: '=', args: [{ property: 'cm:gas' }, 'CH4'] }] })).toEqual([A, PERMIAN].sort());
    expect(await postIds({ filter: "cm:emission > 400 AND cm:gas = 'CH4'", 'filter-lang': 'cql2-text' })).toEqual([A, PERMIAN].sort());
    expect(await postIds({ filter: { op: '>=', args: [{ property: 'cm:emission' }, 20000] } })).toEqual([CO2]);
  });

  it("answers 400, never 500, for names every JavaScript object inherits, and for an IN list past 1,000 values", async () => {
    for (const name of ['constructor', '__proto__', 'toString']) {
      const filtered = await get(`/search?filter=${encodeURIComponent(`${name} IS NULL`)}`);
      expect(filtered.statusCode, filtered.body).toBe(400);
      expect(filtered.json().description).toContain('unknown queryable');
      expect((await get(`/search?sortby=${encodeURIComponent(name)}`)).statusCode).toBe(400);
      expect((await post('/search', { filter: { op: 'isNull', args: [{ property: name }] } })).statusCode).toBe(400);
    }
    const values = Array.from({ length: 1001 }, (_, i) => `id-${i}`);
    const tooMany = await post('/search', { filter: { op: 'in', args: [{ property: 'id' }, values] } });
    expect(tooMany.statusCode, tooMany.body).toBe(400);
    expect(tooMany.json().description).toContain('at most 1000');
    expect((await post('/search', { filter: { op: 'in', args: [{ property: 'id' }, values.slice(0, 1000)] } })).statusCode).toBe(200);
  });

  it('supports LIKE, IN, BETWEEN, IS NULL, NOT, CASEI and booleans', async () => {
    expect(await text("id LIKE 'emi2023%'")).toEqual([PERMIAN, 'emi20230815t101500p0001'].sort());
    expect(await text("cm:sector IN ('6A', '1A1')")).toEqual([CO2, LANDFILL].sort());
    expect(await text('cm:emission BETWEEN 100 AND 400 AND collection <> \'l3a-ch4-mfa-v9\'')).toEqual([EMI2, LANDFILL].sort());
    expect(await text("cm:sector IS NULL AND collection LIKE 'l3a-%' AND collection <> 'l3a-ch4-mfa-v9'", fx.analyst)).toEqual([UNPUBLISHED]);
    expect(await text("NOT cm:gas = 'CH4' AND collection LIKE 'l3a%'")).toEqual([CO2]);
    expect(await text("CASEI(cm:gas) = CASEI('co2')")).toEqual([CO2]);
    expect(await text('cm:is_offshore = false AND cm:emission >= 1500')).toEqual([CO2, PERMIAN].sort());
  });

  it('supports spatial (S_INTERSECTS, S_WITHIN) and temporal (T_INTERSECTS, T_BEFORE) functions', async () => {
    expect(await text('S_INTERSECTS(geometry, POLYGON((-103.5 31.5, -101.5 31.5, -101.5 32.5, -103.5 32.5, -103.5 31.5))) AND collection = \'l3a-ch4-mfa-v2\'')).toEqual([EMI2, PERMIAN].sort());
    expect(await text('S_WITHIN(geometry, BBOX(-101, 29, -98, 32))')).toEqual([SCENE]);
    expect(await json({ op: 's_intersects', args: [{ property: 'geometry' }, { type: 'Point', coordinates: [-119.09, 35.495] }] })).toEqual([A]);
    expect(await text("T_INTERSECTS(datetime, INTERVAL('2024-03-01T00:00:00Z', '2024-04-30T00:00:00Z')) AND collection LIKE 'l3a%'")).toEqual([CO2, LANDFILL].sort());
    expect(await text("T_INTERSECTS(datetime, INTERVAL('2024-06-01T00:00:00Z', '..')) AND collection LIKE 'l3a%'")).toEqual([EMI2]);
    // As Acme's analyst, who also sees the unpublished plume of 2024 in this collection: A and B share a scene of 2023.
    expect(await text("T_BEFORE(datetime, TIMESTAMP('2023-07-01T00:00:00Z')) AND collection = 'l3a-ch4-mfa-v1'", fx.analyst)).toEqual([A, B]);
    expect(await text("datetime >= TIMESTAMP('2024-06-01T00:00:00Z') AND collection LIKE 'l3a%'")).toEqual([EMI2]);
  });

  it('refuses unparsable filters naming the position, unknown queryables and mismatched types, with 400', async () => {
    expectStacError(await get(`/search?filter=${encodeURIComponent("cm:emission > 100 AND (cm:gas = 'CH4'")}`), 400, /expected "\)" but found the end of the filter \(at position 37\)/);
    expectStacError(await get(`/search?filter=${encodeURIComponent('cm:emission >> 1')}`), 400, /position 13/);
    expectStacError(await post('/search', { filter: 'secret_column = 1' }), 400, /unknown queryable "secret_column"/);
    expectStacError(await get(`/search?filter=${encodeURIComponent("cm:emission = 'lots'")}`), 400, /compares a number with a string/);
    expectStacError(await post('/search', { filter: { op: 'frobnicate', args: [] } }), 400, /frobnicate/);
    expectStacError(await get('/search?filter-lang=cql2-json&filter=%7Bnope'), 400, /filter/);
    expectStacError(await get('/search?filter-lang=ecql&filter=a%3D1'), 400, /filter-lang/);
    expectStacError(await post('/search', { filter: "T_INTERSECTS(datetime, INTERVAL('nope', '..'))" }), 400, /RFC 3339/);
    // Hostile nesting is refused, not a stack overflow.
    expectStacError(await post('/search', { filter: `${'('.repeat(5000)}cm:emission > 1${')'.repeat(5000)}` }), 400, /nested more than 64/);
    let deep: object = { op: '=', args: [{ property: 'cm:gas' }, 'CH4'] };
    for (let i = 0; i < 200; i += 1) deep = { op: 'not', args: [deep] };
    expectStacError(await get(`/search?filter-lang=cql2-json&filter=${encodeURIComponent(JSON.stringify(deep))}`), 400, /nested more than/);
  });
});
