import { gunzipSync } from 'node:zlib';
import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/test-app.js';
import * as catalogTiles from '../../catalog/tiles.service.js';
import { ANONYMOUS } from '../../catalog/plume-filter.js';
import { layerTile, findReadyLayer } from './layer-tiles.service.js';
import { comparable, decodeTile, normalRing, pixel } from './tile-decode.fixture.js';

/*
 * A hand-made catalog, at zoom 2 (tiles 90° wide):
 * - PUB1 at 90.5°E 10°N, just east of the border between tiles 2/2/1 and 2/3/1: in both (buffer);
 * - PUB2 (CO2, 20 t/h) at 179.99°E and PUB3 (emission hidden) at 179.99°W: each on its side of the antimeridian only;
 * - DRAFT (valid, unpublished) at 45°E 10°N, in tile 2/2/1: its owner's only;
 * scene S1 (published, 85–95°E × 10–20°N, across the border) holds the published plumes, scene S2
 * (unpublished, 40–50°E × 5–15°N) the draft.
 */
const S1 = '00000000-0000-4000-8000-000000000001';
const S2 = '00000000-0000-4000-8000-000000000002';
const PUB1 = '00000000-0000-4000-8000-0000000000a1';
const PUB2 = '00000000-0000-4000-8000-0000000000a2';
const PUB3 = '00000000-0000-4000-8000-0000000000a3';
const DRAFT = '00000000-0000-4000-8000-0000000000d1';
const TILE = '/api/v1/layers';

let ctx: TestContext;
let owner: string;
let ownerReader: string;
let other: string;
let noCatalog: string;
let ownerId: string;

async function tile(url: string, key?: string, headers: Record<string, string> = {}) {
  const response = await ctx.request({ method: 'GET', url, ...(key ? { key } : {}), headers });
  const gzipped = response.headers['content-encoding'] === 'gzip';
  const layers = response.statusCode === 200 ? decodeTile(response.rawPayload, gzipped) : {};
  return { response, layers };
}

const ids = (layers: ReturnType<typeof decodeTile>, name: string) => (layers[name]?.features ?? []).map((f) => f.properties.id).sort();

beforeAll(async () => {
  // Plumes at every zoom: this fixture checks plume by plume at zoom 2, where a map is otherwise
  // given cells (their tests: plume-cell-tiles.test.ts).
  ctx = await createTestContext({ PLUME_TILE_CELLS_MAX_ZOOM: '-1' });
  const a = await ctx.organization('Tiles owner');
  const b = await ctx.organization('Tiles other');
  ownerId = a.id;
  owner = await a.key();
  ownerReader = await a.key(['catalog:read']);
  other = await b.key();
  noCatalog = await a.key(['geo:read']);
  await ctx.db.query(sql`
    INSERT INTO scenes (id, name, instrument, "timestamp", footprint, cloud_cover, qa_flags, status, assessed, organization_id) VALUES
      (${S1}, 'GAO20240110t150000p0000', 'GAO', '2024-01-10T15:00:00Z', ST_MakeEnvelope(85, 10, 95, 20, 4326), 12.5, '{ok}', 'published', true, ${a.id}),
      (${S2}, 'GAO20240120t150000p0000', 'GAO', '2024-01-20T15:00:00Z', ST_MakeEnvelope(40, 5, 50, 15, 4326), 40, '{}', 'valid', false, ${a.id})`);
  const plume = (id: string, scene: string, name: string, lon: number, lat: number, extra: { gas?: string; emission?: number; hide?: boolean; status?: string; sector?: string }) => sql`
    (${id}, ${name}, ${scene}, ${name.split('-')[0]!}, 'GAO', '2024-01-10T15:00:00Z', ${a.id}, ${extra.gas ?? 'CH4'}, ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326),
     ${extra.sector ?? '1B2'}, ${extra.emission ?? null}::float8, ${extra.emission ? extra.emission / 5 : null}::float8, ${extra.hide ?? false}, ${extra.status ?? 'published'})`;
  for (const row of [
    plume(PUB1, S1, 'GAO20240110t150000p0000-A', 90.5, 10, { emission: 500 }),
    plume(PUB2, S1, 'GAO20240110t150000p0000-B', 179.99, 10, { gas: 'CO2', emission: 20000, sector: '1A1' }),
    plume(PUB3, S1, 'GAO20240110t150000p0000-C', -179.99, 10, { emission: 300, hide: true }),
    plume(DRAFT, S2, 'GAO20240120t150000p0000-A', 45, 10, { emission: 50, status: 'valid' }),
  ]) {
    await ctx.db.query(sql`INSERT INTO plumes (id, plume_id, scene_id, scene_name, instrument, "datetime", organization_id, gas, geometry, sector, emission_auto, emission_uncertainty_auto, hide_emission, status) VALUES ${row}`);
  }
  // Uploaded layers: org a's ready one, its processing one, org b's.
  await ctx.db.query(sql`
    INSERT INTO layers (name, status, organization_id, schema, bounds) VALUES
      ('pipelines', 0, ${a.id}, '{"name": "string", "diameter": "number", "meta": "object"}', '{10, 10, 30, 20}'),
      ('pipelines-draft', 1, ${a.id}, '{}', NULL),
      ('other-layer', 0, ${b.id}, '{}', NULL)`);
  await ctx.db.query(sql`
    INSERT INTO layer_features (layer_id, geom, properties)
    SELECT l.id, f.geom, f.properties FROM layers l, (VALUES
      (ST_GeomFromText('LINESTRING(10 10, 30 20)', 4326), '{"name": "trunk", "diameter": 1.5, "meta": {"owner": "x", "years": [1990, 2001]}, "gone": null}'::jsonb),
      (ST_GeomFromText('POINT(20 15)', 4326), '{"name": "valve", "diameter": 2}'::jsonb)
    ) f(geom, properties) WHERE l.name IN ('pipelines', 'other-layer')`);
});

afterAll(async () => {
  await ctx?.close();
});

describe('plume tiles', () => {
  it('when anonymous, a tile holds the published plumes at their pixel, with the properties a map styles and pops up', async () => {
    const { response, layers } = await tile(`${TILE}/plumes/2/2/1.mvt`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(layers.plumes!.extent).toBe(4096);
    expect(layers.plumes!.version).toBe(2);
    expect(layers.plumes!.features).toEqual([
      {
        id: undefined,
        type: 1,
        geometry: [[pixel(90.5, 10, 2, 2, 1)]],
        properties: {
          id: PUB1, plume_id: 'GAO20240110t150000p0000-A', gas: 'CH4', sector: '1B2', emission_auto: 500, emission_uncertainty_auto: 100,
          datetime: '2024-01-10T15:00:00.000Z', instrument: 'GAO', status: 'published',
        },
      },
    ]);
    // In the buffer east of the tile: x beyond 4096, within 4096 + 64.
    expect(pixel(90.5, 10, 2, 2, 1)).toEqual([4119, 3639]);
  });

  it('when a plume lies near a tile border, it is in both neighbours; near the antimeridian, only on its own side', async () => {
    const east = (await tile(`${TILE}/plumes/2/3/1.mvt`)).layers.plumes!.features;
    expect(east.map((f) => [f.properties.id, f.geometry[0]![0]])).toEqual(
      expect.arrayContaining([
        [PUB1, pixel(90.5, 10, 2, 3, 1)],
        [PUB2, pixel(179.99, 10, 2, 3, 1)],
      ]),
    );
    expect(east).toHaveLength(2);
    expect(pixel(90.5, 10, 2, 3, 1)).toEqual([23, 3639]);
    expect(pixel(179.99, 10, 2, 3, 1)).toEqual([4096, 3639]);
    const west = (await tile(`${TILE}/plumes/2/0/1.mvt`)).layers.plumes!.features;
    expect(west.map((f) => [f.properties.id, f.geometry[0]![0]])).toEqual([[PUB3, [0, 3639]]]);
    // Hidden emission: not shown to anyone but the owner.
    expect(west[0]!.properties).not.toHaveProperty('emission_auto');
    expect(west[0]!.properties).not.toHaveProperty('emission_uncertainty_auto');
  });

  it('when the owner asks, its unpublished plume and hidden emissions show; another organization sees neither', async () => {
    expect(ids((await tile(`${TILE}/plumes/2/2/1.mvt`, owner)).layers, 'plumes')).toEqual([PUB1, DRAFT].sort());
    expect((await tile(`${TILE}/plumes/2/0/1.mvt`, owner)).layers.plumes!.features[0]!.properties.emission_auto).toBe(300);
    expect(ids((await tile(`${TILE}/plumes/2/2/1.mvt`, other)).layers, 'plumes')).toEqual([PUB1]);
    expect((await tile(`${TILE}/plumes/2/0/1.mvt`, other)).layers.plumes!.features[0]!.properties).not.toHaveProperty('emission_auto');
  });

  it('when filters are given, the tile shows what the plume list shows with the same filters', async () => {
    expect(ids((await tile(`${TILE}/plumes/2/3/1.mvt?plume_gas=CO2`)).layers, 'plumes')).toEqual([PUB2]);
    expect(ids((await tile(`${TILE}/plumes/2/3/1.mvt?emission_min=1000`)).layers, 'plumes')).toEqual([PUB2]);
    expect(ids((await tile(`${TILE}/plumes/2/3/1.mvt?sectors=1B2&sectors=6A`)).layers, 'plumes')).toEqual([PUB1]);
    const list = await ctx.request({ method: 'GET', url: '/api/v1/catalog/plumes/annotated?bbox=90&bbox=0&bbox=180&bbox=66&plume_gas=CO2' });
    expect(list.json().items.map((p: { id: string }) => p.id)).toEqual([PUB2]);
    // Python clients send booleans as True.
    expect((await tile(`${TILE}/plumes/2/3/1.mvt?has_phme=True`)).response.statusCode).toBe(204);
  });

  it("filters by the caller's area of interest by true intersection, and refuses another organization's area", async () => {
    const created = await ctx.request({
      method: 'POST',
      url: '/api/v1/layers/aoi',
      key: owner,
      payload: { name: 'Draft site', geometry_json: { type: 'Polygon', coordinates: [[[44, 9], [46, 9], [46, 11], [44, 11], [44, 9]]] } },
    });
    expect(created.statusCode).toBe(200);
    const aoi = created.json().id as string;
    const everything = await tile(`${TILE}/plumes/2/2/1.mvt`, owner);
    expect(ids(everything.layers, 'plumes')).toEqual([PUB1, DRAFT].sort());
    const inArea = await tile(`${TILE}/plumes/2/2/1.mvt?aoi_id=${aoi}`, owner);
    expect(ids(inArea.layers, 'plumes')).toEqual([DRAFT]);
    expect((await ctx.request({ method: 'GET', url: `${TILE}/plumes/2/2/1.mvt?aoi_id=${aoi}`, key: other })).statusCode).toBe(422);
  });

  it('when a filter is invalid or unsupported, the tile is refused with 422 in the plume family body', async () => {
    const bad = await ctx.request({ method: 'GET', url: `${TILE}/plumes/2/3/1.mvt?emission_min=lots` });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().detail[0].loc).toEqual(['query', 'emission_min']);
    expect((await ctx.request({ method: 'GET', url: `${TILE}/plumes/2/3/1.mvt?datetime=yesterday` })).statusCode).toBe(422);
    expect((await ctx.request({ method: 'GET', url: `${TILE}/plumes/2/3/1.mvt?aoi_id=3` })).statusCode).toBe(422);
  });

  it('when a tile does not exist, 400 in the plume family body', async () => {
    for (const path of ['2/4/1', '2/0/4', '23/0/0']) {
      const response = await ctx.request({ method: 'GET', url: `${TILE}/plumes/${path}.mvt` });
      expect(response.statusCode, path).toBe(400);
      expect(response.json()).toMatchObject({ code: 'INVALID_PAYLOAD', detail: expect.stringContaining('not') });
    }
    expect((await ctx.request({ method: 'GET', url: `${TILE}/plumes/a/0/0.mvt` })).statusCode).toBe(422);
  });

  it('when no plume is in a tile, 204 with no body', async () => {
    const response = await ctx.request({ method: 'GET', url: `${TILE}/plumes/2/0/3.mvt` });
    expect(response.statusCode).toBe(204);
    expect(response.rawPayload.length).toBe(0);
  });

  it('when the client accepts gzip, the tile is gzipped; ETag and If-None-Match answer 304', async () => {
    const plain = await ctx.request({ method: 'GET', url: `${TILE}/plumes/2/3/1.mvt` });
    const zipped = await ctx.request({ method: 'GET', url: `${TILE}/plumes/2/3/1.mvt`, headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(Buffer.compare(gunzipSync(zipped.rawPayload), plain.rawPayload)).toBe(0);
    expect(zipped.headers.vary).toContain('Accept-Encoding');
    expect(plain.headers.etag).toMatch(/^"t-[A-Za-z0-9_-]{27}"$/);
    expect(zipped.headers.etag).not.toBe(plain.headers.etag);
    const again = await ctx.request({ method: 'GET', url: `${TILE}/plumes/2/3/1.mvt`, headers: { 'if-none-match': plain.headers.etag as string } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    // The tag is the bytes' digest: where the owner sees its unpublished draft, its tile is another
    // tile with another tag (2/2/1 holds the draft; 2/3/1 is the same for both, so 304 there is right).
    const anonymous = await ctx.request({ method: 'GET', url: `${TILE}/plumes/2/2/1.mvt` });
    const owned = await ctx.request({ method: 'GET', url: `${TILE}/plumes/2/2/1.mvt`, key: owner, headers: { 'if-none-match': anonymous.headers.etag as string } });
    expect(owned.statusCode).toBe(200);
    expect(owned.headers['cache-control']).toContain('private');
  });

  it('when a plume is published, the next cached tile shows it at once and the old ETag no longer matches', async () => {
    const before = await tile(`${TILE}/plumes/2/2/1.mvt`);
    expect(ids(before.layers, 'plumes')).toEqual([PUB1]);
    for (const status of ['publish_ready', 'published']) {
      const patched = await ctx.request({ method: 'PATCH', url: `/api/v1/catalog/plume/${DRAFT}`, key: owner, payload: { status } });
      expect(patched.statusCode).toBe(200);
    }
    const after = await tile(`${TILE}/plumes/2/2/1.mvt`, undefined, { 'if-none-match': before.response.headers.etag as string });
    expect(after.response.statusCode).toBe(200);
    expect(ids(after.layers, 'plumes')).toEqual([PUB1, DRAFT].sort());
    // The draft's scene holds a published plume now: public too.
    expect(ids((await tile(`${TILE}/scenes/2/2/1.mvt`)).layers, 'scenes')).toEqual([S1, S2]);
    await ctx.db.query(sql`UPDATE plumes SET status = 'valid', published_at = NULL WHERE id = ${DRAFT}`);
    expect(ids((await tile(`${TILE}/plumes/2/2/1.mvt`)).layers, 'plumes')).toEqual([PUB1]);
  });

  it("an organization's private edit does not move a public tile's ETag (the validator tells nothing of others' activity)", async () => {
    const before = await tile(`${TILE}/plumes/2/2/1.mvt`);
    expect(before.response.statusCode).toBe(200);
    const edited = await ctx.request({ method: 'PATCH', url: `/api/v1/catalog/plume/${DRAFT}`, key: owner, payload: { notes: 'private note' } });
    expect(edited.statusCode).toBe(200);
    const after = await ctx.request({ method: 'GET', url: `${TILE}/plumes/2/2/1.mvt`, headers: { 'if-none-match': before.response.headers.etag as string } });
    expect(after.statusCode).toBe(304);
  });

  it('when the uncached variant is asked without credentials 401, without catalog:read 403; with them the same tile', async () => {
    expect((await ctx.request({ method: 'GET', url: `${TILE}/plumes/uncached/2/2/1.mvt` })).statusCode).toBe(401);
    expect((await ctx.request({ method: 'GET', url: `${TILE}/plumes/uncached/2/2/1.mvt`, key: noCatalog })).statusCode).toBe(403);
    const uncached = await tile(`${TILE}/plumes/uncached/2/2/1.mvt`, ownerReader);
    expect(uncached.response.headers['cache-control']).toBe('no-store');
    expect(uncached.response.headers.etag).toBeUndefined();
    // A reader without catalog:write sees what anonymous callers see.
    expect(uncached.layers).toEqual((await tile(`${TILE}/plumes/2/2/1.mvt`)).layers);
    expect(ids((await tile(`${TILE}/plumes/uncached/2/2/1.mvt`, owner)).layers, 'plumes')).toEqual([PUB1, DRAFT].sort());
  });

  it('spends the tiles budget, not the anonymous one', async () => {
    const response = await ctx.request({ method: 'GET', url: `${TILE}/plumes/2/2/1.mvt` });
    expect(response.headers['x-ratelimit-limit']).toBe(String(ctx.config.RATE_LIMIT_TILES));
    const keyed = await ctx.request({ method: 'GET', url: `${TILE}/plumes/2/2/1.mvt`, key: owner });
    expect(keyed.headers['x-ratelimit-limit']).toBe(String(ctx.config.RATE_LIMIT_TILES));
  });
});

describe('scene tiles', () => {
  it('when anonymous, the public scene footprint is clipped to the tile with its buffer; the unpublished scene is not there', async () => {
    const { layers } = await tile(`${TILE}/scenes/2/2/1.mvt`);
    const [scene, ...rest] = layers.scenes!.features;
    expect(rest).toEqual([]);
    expect(scene!.type).toBe(3);
    expect(scene!.properties).toEqual({ id: S1, name: 'GAO20240110t150000p0000', instrument: 'GAO', timestamp: '2024-01-10T15:00:00.000Z', cloud_cover_pct: 12.5, qa_flags: '["ok"]', assessed: true, status: 'published' });
    const [x85] = pixel(85, 10, 2, 2, 1);
    const [, y10] = pixel(85, 10, 2, 2, 1);
    const [, y20] = pixel(85, 20, 2, 2, 1);
    expect(scene!.geometry.map(normalRing)).toEqual([normalRing([[x85, y10], [x85, y20], [4160, y20], [4160, y10]])]);
  });

  it('when the owner asks, its unpublished scene shows; another organization does not see it', async () => {
    expect(ids((await tile(`${TILE}/scenes/2/2/1.mvt`, owner)).layers, 'scenes')).toEqual([S1, S2]);
    expect(ids((await tile(`${TILE}/scenes/2/2/1.mvt`, other)).layers, 'scenes')).toEqual([S1]);
  });

  it('when scene filters are given, they apply as on /scenes', async () => {
    expect((await ctx.request({ method: 'GET', url: `${TILE}/scenes/2/2/1.mvt?instrument=emi` })).statusCode).toBe(204);
    expect(ids((await tile(`${TILE}/scenes/2/2/1.mvt?cloud_cover_pct_max=20`, owner)).layers, 'scenes')).toEqual([S1]);
    expect((await ctx.request({ method: 'GET', url: `${TILE}/scenes/2/2/1.mvt?cloud_cover_pct_max=200` })).statusCode).toBe(422);
  });

  it('when the uncached scene tile is asked anonymously, 401', async () => {
    expect((await ctx.request({ method: 'GET', url: `${TILE}/scenes/uncached/2/2/1.mvt` })).statusCode).toBe(401);
    expect(ids((await tile(`${TILE}/scenes/uncached/2/2/1.mvt`, owner)).layers, 'scenes')).toEqual([S1, S2]);
  });
});

describe('layer tiles', () => {
  it('when the owner asks, its ready layer is one MVT layer named after it, with stored properties and feature ids', async () => {
    const { response, layers } = await tile(`${TILE}/pipelines/2/2/1.mvt`, owner);
    expect(response.statusCode).toBe(200);
    const features = layers.pipelines!.features;
    expect(features.map((f) => f.type).sort()).toEqual([1, 2]);
    const line = features.find((f) => f.type === 2)!;
    expect(line.properties).toEqual({ name: 'trunk', diameter: 1.5, meta: '{"owner": "x", "years": [1990, 2001]}' });
    expect(line.geometry).toEqual([[pixel(10, 10, 2, 2, 1), pixel(30, 20, 2, 2, 1)]]);
    const point = features.find((f) => f.type === 1)!;
    expect(point.properties).toEqual({ name: 'valve', diameter: 2 });
    expect(point.geometry).toEqual([[pixel(20, 15, 2, 2, 1)]]);
    expect(typeof point.id).toBe('number');
  });

  it('when the layer is another organization’s, still processing, or absent: 404; without credentials 401', async () => {
    expect((await ctx.request({ method: 'GET', url: `${TILE}/other-layer/2/2/1.mvt`, key: owner })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'GET', url: `${TILE}/pipelines/2/2/1.mvt`, key: other })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'GET', url: `${TILE}/pipelines-draft/2/2/1.mvt`, key: owner })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'GET', url: `${TILE}/nothing-here/2/2/1.mvt`, key: owner })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'GET', url: `${TILE}/pipelines/2/2/1.mvt` })).statusCode).toBe(401);
    expect((await ctx.request({ method: 'GET', url: `${TILE}/bad%20name/2/2/1.mvt`, key: owner })).statusCode).toBe(422);
  });

  it('when a feature is added, the next tile has it', async () => {
    const before = await tile(`${TILE}/pipelines/2/2/1.mvt`, owner);
    await ctx.db.query(sql`INSERT INTO layer_features (layer_id, geom, properties) SELECT id, ST_GeomFromText('POINT(60 30)', 4326), '{"name": "new"}' FROM layers WHERE name = 'pipelines'`);
    const after = await tile(`${TILE}/pipelines/2/2/1.mvt`, owner, { 'if-none-match': before.response.headers.etag as string });
    expect(after.response.statusCode).toBe(200);
    expect(after.layers.pipelines!.features.map((f) => f.properties.name).sort()).toEqual(['new', 'trunk', 'valve']);
  });
});

describe('TileJSON and style', () => {
  it('gives absolute tile URLs carrying the filters, the fields, zooms and bounds', async () => {
    const response = await ctx.request({ method: 'GET', url: `${TILE}/plumes/tilejson.json?plume_gas=CO2&sectors=1A1`, headers: { host: 'maps.example.org' } });
    // PUBLIC_URL is not set in this context: the request's own well-formed Host is used (the
    // PUBLIC_URL case is in public-origin.test.ts).
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc).toMatchObject({ tilejson: '3.0.0', scheme: 'xyz', minzoom: 0, maxzoom: 22, tiles: ['http://maps.example.org/api/v1/layers/plumes/{z}/{x}/{y}.mvt?plume_gas=CO2&sectors=1A1'] });
    expect(doc.vector_layers[0].id).toBe('plumes');
    expect(doc.vector_layers[0].fields).toMatchObject({ emission_auto: 'Number', plume_id: 'String' });
    expect(doc.bounds).toHaveLength(4);
    expect((await ctx.request({ method: 'GET', url: `${TILE}/plumes/tilejson.json?emission_min=x` })).statusCode).toBe(422);
    const scenes = (await ctx.request({ method: 'GET', url: `${TILE}/scenes/tilejson.json` })).json();
    expect(scenes.vector_layers[0]).toMatchObject({ id: 'scenes', fields: { cloud_cover_pct: 'Number' } });
  });

  it('gives a layer’s TileJSON to its owner only, with its bounds and schema', async () => {
    const doc = (await ctx.request({ method: 'GET', url: `${TILE}/pipelines/tilejson.json`, key: owner })).json();
    expect(doc.bounds).toEqual([10, 10, 30, 20]);
    expect(doc.vector_layers[0]).toMatchObject({ id: 'pipelines', fields: { name: 'String', diameter: 'Number', meta: 'String' } });
    expect(doc.tiles[0]).toMatch(/\/api\/v1\/layers\/pipelines\/\{z\}\/\{x\}\/\{y\}\.mvt$/);
    expect((await ctx.request({ method: 'GET', url: `${TILE}/pipelines/tilejson.json`, key: other })).statusCode).toBe(404);
  });

  it('gives a MapLibre style whose sources are the TileJSON documents, with no glyphs or sprites', async () => {
    const style = (await ctx.request({ method: 'GET', url: `${TILE}/style.json`, headers: { host: 'maps.example.org' } })).json();
    expect(style.version).toBe(8);
    expect(style.sources.plumes.url).toBe('http://maps.example.org/api/v1/layers/plumes/tilejson.json');
    expect(style.sources.scenes.url).toBe('http://maps.example.org/api/v1/layers/scenes/tilejson.json');
    expect(style.layers.map((l: { type: string }) => l.type)).toEqual(['fill', 'line', 'circle']);
    // Low-zoom cells (plume_count) are coloured by their mean emission and sized by their count.
    expect(JSON.stringify(style.layers[2].paint['circle-radius'])).toContain('plume_count');
    expect(JSON.stringify(style.layers[2].paint['circle-color'])).toContain('emission_sum');
    expect(style).not.toHaveProperty('glyphs');
    expect(style).not.toHaveProperty('sprite');
  });
});

describe('OpenAPI', () => {
  it('documents the tile routes with the page’s paths, their binary answers and the filter parameters', async () => {
    const document = (await ctx.request({ method: 'GET', url: '/openapi.json' })).json();
    const plumes = document.paths['/api/v1/layers/plumes/{z}/{x}/{y}.mvt'].get;
    expect(plumes.operationId).toBe('plumeTile');
    expect(plumes.responses['200'].content).toHaveProperty('application/vnd.mapbox-vector-tile');
    expect(plumes.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['z', 'x', 'y', 'plume_gas', 'emission_min', 'bbox']));
    for (const path of ['/api/v1/layers/plumes/uncached/{z}/{x}/{y}.mvt', '/api/v1/layers/scenes/{z}/{x}/{y}.mvt', '/api/v1/layers/scenes/uncached/{z}/{x}/{y}.mvt', '/api/v1/layers/{name}/{z}/{x}/{y}.mvt']) {
      expect(document.paths, path).toHaveProperty([path]);
    }
  });
});

describe('encoders', () => {
  it('the JavaScript encoder answers the tiles checked above on either database', async () => {
    const bytes = await catalogTiles.plumeTile(ctx.db, {}, ANONYMOUS, { z: 2, x: 3, y: 1 }, { encoder: 'js', limit: 100, cellsMaxZoom: -1 });
    expect(ids(decodeTile(bytes), 'plumes')).toEqual([PUB1, PUB2].sort());
  });

  it.skipIf(!process.env.DATABASE_URL)('on PostgreSQL, ST_AsMVT and the JavaScript encoder give the same features', async () => {
    const cases: [number, number, number][] = [[2, 2, 1], [2, 3, 1], [2, 0, 1], [3, 5, 3], [5, 23, 13], [0, 0, 0]];
    for (const [z, x, y] of cases) {
      const t = { z, x, y };
      for (const viewer of [ANONYMOUS, { organizationId: ownerId }]) {
        const pg = await catalogTiles.plumeTile(ctx.db, {}, viewer, t, { encoder: 'postgis', limit: 100, cellsMaxZoom: -1 });
        const js = await catalogTiles.plumeTile(ctx.db, {}, viewer, t, { encoder: 'js', limit: 100, cellsMaxZoom: -1 });
        expect(comparable(decodeTile(js).plumes?.features ?? []), `plumes ${z}/${x}/${y}`).toEqual(comparable(decodeTile(pg).plumes?.features ?? []));
        const pgScenes = await catalogTiles.sceneTile(ctx.db, { assessment_status: 'exclude-do-not-assess' }, viewer, t, { encoder: 'postgis', limit: 100 });
        const jsScenes = await catalogTiles.sceneTile(ctx.db, { assessment_status: 'exclude-do-not-assess' }, viewer, t, { encoder: 'js', limit: 100 });
        expect(comparable(decodeTile(jsScenes).scenes?.features ?? []), `scenes ${z}/${x}/${y}`).toEqual(comparable(decodeTile(pgScenes).scenes?.features ?? []));
      }
      const layer = await findReadyLayer(ctx.db, 'pipelines', { organizationId: ownerId, userId: null });
      const pgLayer = await layerTile(ctx.db, layer, t, { encoder: 'postgis', limit: 100 });
      const jsLayer = await layerTile(ctx.db, layer, t, { encoder: 'js', limit: 100 });
      expect(comparable(decodeTile(jsLayer).pipelines?.features ?? []), `layer ${z}/${x}/${y}`).toEqual(comparable(decodeTile(pgLayer).pipelines?.features ?? []));
    }
  });
});
