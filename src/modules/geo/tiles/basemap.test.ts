import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/test-app.js';
import { decodeTile } from './tile-decode.fixture.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx?.close());

describe('the offline basemap (GET /api/v1/common/basemap/{z}/{x}/{y}.mvt)', () => {
  it('zoom 0 holds the countries, as polygons with their id, name and level, for anonymous callers', async () => {
    const response = await ctx.request({ method: 'GET', url: '/api/v1/common/basemap/0/0/0.mvt' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(response.headers['cache-control']).toBe('public, max-age=86400');
    const { areas } = decodeTile(response.rawPayload);
    expect(areas!.extent).toBe(4096);
    const levels = new Set(areas!.features.map((feature) => feature.properties.level));
    expect([...levels]).toEqual([0]);
    const france = areas!.features.find((feature) => feature.properties.id === 'FRA');
    expect(france).toMatchObject({ type: 3, properties: { name: 'France', level: 0 } });
    expect(areas!.features.length).toBeGreaterThan(150);
    // The first PostGIS call of a fresh embedded database loads the extension: a generous timeout.
  }, 180_000);

  it('states appear from zoom 3 and counties from zoom 6 (Texas and Harris County around Houston)', async () => {
    // Houston, 29.76 N 95.37 W: zoom 3 tile 1/3, zoom 6 tile 15/26.
    const z3 = decodeTile((await ctx.request({ method: 'GET', url: '/api/v1/common/basemap/3/1/3.mvt' })).rawPayload);
    expect(z3.areas!.features.some((feature) => feature.properties.level === 1 && feature.properties.name === 'Texas')).toBe(true);
    expect(z3.areas!.features.some((feature) => feature.properties.level === 2)).toBe(false);
    const z6 = decodeTile((await ctx.request({ method: 'GET', url: '/api/v1/common/basemap/6/14/26.mvt' })).rawPayload);
    expect(z6.areas!.features.some((feature) => feature.properties.level === 2 && feature.properties.name === 'Harris')).toBe(true);
  });

  it('gzips for clients that accept it, and an empty tile (open ocean) is a 204', async () => {
    const gzipped = await ctx.request({ method: 'GET', url: '/api/v1/common/basemap/0/0/0.mvt', headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(decodeTile(gzipped.rawPayload, true).areas!.features.length).toBeGreaterThan(150);
    // The middle of the South Pacific at zoom 6.
    expect((await ctx.request({ method: 'GET', url: '/api/v1/common/basemap/6/5/37.mvt' })).statusCode).toBe(204);
  });

  it('refuses tiles outside the grid with 400 and non-integers with 422', async () => {
    expect((await ctx.request({ method: 'GET', url: '/api/v1/common/basemap/2/4/0.mvt' })).statusCode).toBe(400);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/common/basemap/23/0/0.mvt' })).statusCode).toBe(400);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/common/basemap/a/0/0.mvt' })).statusCode).toBe(422);
  });

  it('its TileJSON names the tile URL on this server and the layer', async () => {
    const response = await ctx.request({ method: 'GET', url: '/api/v1/common/basemap/tilejson.json', headers: { host: 'maps.example.test' } });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.tiles).toEqual([expect.stringMatching(/\/api\/v1\/common\/basemap\/\{z\}\/\{x\}\/\{y\}\.mvt$/)]);
    expect(document.vector_layers[0].id).toBe('areas');
  });
});
