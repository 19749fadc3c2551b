import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import { DEMO_DECK_NAME, DEMO_TLE, seedDemoTasking } from './tasking.seed.js';
import { bruteForcePasses } from './tasking.fixture.js';
import { withChecksum } from './tle.js';

let ctx: TestContext;
let acme: TestOrganization;
let writer: string;
let reader: string;
let noTasking: string;
let rival: string;

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, key?: string, payload?: unknown) =>
  ctx.request({ method, url: `/api/v1/tasking${url}`, ...(key ? { key } : {}), ...(payload === undefined ? {} : { payload: payload as object }) });

async function ok(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, key: string, payload?: unknown, status = method === 'POST' ? 201 : 200) {
  const response = await call(method, url, key, payload);
  expect(response.statusCode, response.body).toBe(status);
  return status === 204 ? null : response.json();
}

async function layer(organizationId: string, name: string, points: [number, number][]) {
  const [row] = await ctx.db.query<{ id: string }>(sql`
    INSERT INTO layers (name, verbose_name, status, organization_id, bounds) VALUES (${name}, ${`${name} (test)`}, 0, ${organizationId}, ARRAY[-105, 30, -101, 33]::float8[]) RETURNING id`);
  for (const [i, [lon, lat]] of points.entries()) {
    await ctx.db.query(sql`INSERT INTO layer_features (layer_id, geom, properties) VALUES (${row!.id}, ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326), ${JSON.stringify({ name: `well ${i + 1}` })}::jsonb)`);
  }
  return Number(row!.id);
}

const square = (lon: number, lat: number, d = 0.1) => ({ type: 'Polygon', coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]] });
const areas = (...geometries: object[]) => ({ type: 'FeatureCollection', features: geometries.map((geometry, i) => ({ type: 'Feature', geometry, properties: { name: `area ${i + 1}` } })) });

let wellsLayerId: number;
beforeAll(async () => {
  ctx = await createTestContext();
  acme = await ctx.organization('Acme Tasking');
  writer = await acme.key(['tasking:write']);
  reader = await acme.key(['tasking:read']);
  noTasking = await acme.key(['catalog:read']);
  const other = await ctx.organization('Rival Tasking');
  rival = await other.key(['tasking:write']);
  wellsLayerId = await layer(acme.id, 'permian_wells', [[-103.5, 31.9], [-102.0, 31.8]]);
  // A feature without a position is no target (its centroid would otherwise read as 0°, 0°).
  await ctx.db.query(sql`INSERT INTO layer_features (layer_id, geom, properties) VALUES (${wellsLayerId}, ST_GeomFromText('POINT EMPTY', 4326), '{"name": "empty"}'::jsonb)`);
  await layer(other.id, 'rival_wells', [[-100, 30]]);
});
afterAll(() => ctx?.close());

describe('target decks', () => {
  it('creates a DRAFT deck, reads it with permissions, lists it, and refuses a second deck of the same name', async () => {
    const deck = await ok('POST', '/target_deck', writer, { name: 'winter-2026', verbose_name: 'Winter revisits' });
    expect(deck).toMatchObject({ status: 'DRAFT', name: 'winter-2026', verbose_name: 'Winter revisits', organization: 'Acme Tasking', replacement_method: null, target_specs: [] });
    expect(deck.permissions).toEqual(['tasking.view_targetdeck', 'tasking.change_targetdeck', 'tasking.delete_targetdeck']);
    expect((await ok('GET', `/target_deck/${deck.id}`, reader)).permissions).toEqual(['tasking.view_targetdeck']);
    const list = await ok('GET', '/target_decks?status=DRAFT&limit=10', reader);
    expect(list.items.find((d: { id: string }) => d.id === deck.id)).toMatchObject({ target_spec_count: 0, status: 'DRAFT' });
    const duplicate = await call('POST', '/target_deck', writer, { name: 'WINTER-2026' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().detail).toContain('already has a target deck');
  });

  it('refuses invalid input with the platform’s 422, and a status outside the workflow', async () => {
    const bad = await call('POST', '/target_deck', writer, { name: 'no spaces allowed' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().detail[0].loc).toEqual(['body', 'name']);
    const deck = await ok('POST', '/target_deck', writer, { name: 'statuses' });
    expect((await call('PATCH', `/target_deck/${deck.id}`, writer, { status: 'LAUNCHED' })).statusCode).toBe(422);
    expect((await call('PATCH', `/target_deck/${deck.id}`, writer, { replacement_method: 'SOMETIMES' })).statusCode).toBe(422);
    expect((await call('GET', '/target_decks?limit=0', reader)).statusCode).toBe(422);
  });

  it('walks the status workflow: no empty submission, no skipping, specs frozen while active, FULL_REPLACEMENT replaces', async () => {
    const first = await ok('POST', '/target_deck', writer, { name: 'first', replacement_method: 'APPEND' });
    const empty = await call('PATCH', `/target_deck/${first.id}`, writer, { status: 'SUBMITTED' });
    expect(empty.statusCode).toBe(422);
    const spec = await ok('POST', `/target_deck/${first.id}/target_spec`, writer, { name: 'one', areas: areas({ type: 'Point', coordinates: [-103.5, 31.9] }) });
    const skip = await call('PATCH', `/target_deck/${first.id}`, writer, { status: 'ACTIVE' });
    expect(skip.statusCode).toBe(409);
    expect(skip.json().detail).toContain('can become SUBMITTED, CANCELLED');
    await ok('PATCH', `/target_deck/${first.id}`, writer, { status: 'SUBMITTED' });
    const active = await ok('PATCH', `/target_deck/${first.id}`, writer, { status: 'ACTIVE', verbose_name: 'running' });
    expect(active).toMatchObject({ status: 'ACTIVE', verbose_name: 'running', replacement_method: 'APPEND' });
    expect(active.target_specs.map((s: { id: string }) => s.id)).toEqual([spec.id]);
    expect((await call('PATCH', `/target_spec/${spec.id}`, writer, { priority: 1 })).statusCode).toBe(409);
    expect((await call('DELETE', `/target_deck/${first.id}`, writer)).statusCode).toBe(409);
    await ok('PATCH', `/target_deck/${first.id}`, writer, { status: 'PAUSED' });
    expect((await ok('PATCH', `/target_spec/${spec.id}`, writer, { priority: 1 })).priority).toBe(1);
    await ok('PATCH', `/target_deck/${first.id}`, writer, { status: 'ACTIVE' });

    const second = await ok('POST', '/target_deck', writer, { name: 'second', replacement_method: 'FULL_REPLACEMENT' });
    await ok('POST', `/target_deck/${second.id}/target_spec`, writer, { name: 'two', areas: areas({ type: 'Point', coordinates: [-102, 31] }) });
    await ok('PATCH', `/target_deck/${second.id}`, writer, { status: 'SUBMITTED' });
    await ok('PATCH', `/target_deck/${second.id}`, writer, { status: 'ACTIVE' });
    expect((await ok('GET', `/target_deck/${first.id}`, reader)).status).toBe('REPLACED');
    expect((await call('PATCH', `/target_deck/${first.id}`, writer, { status: 'ACTIVE' })).statusCode).toBe(409);

    await ok('PATCH', `/target_deck/${second.id}`, writer, { status: 'CANCELLED' });
    await ok('DELETE', `/target_deck/${second.id}`, writer, undefined, 204);
    expect((await call('GET', `/target_deck/${second.id}`, reader)).statusCode).toBe(404);
  });
});

describe('target specs', () => {
  it('creates a spec with layers by name and GeoJSON areas, patches some fields and keeps the rest', async () => {
    const deck = await ok('POST', '/target_deck', writer, { name: 'specs' });
    const spec = await ok('POST', `/target_deck/${deck.id}/target_spec`, writer, {
      name: 'Permian',
      input_layers_names: ['PERMIAN_WELLS'],
      sensitivity_mode: 'normal',
      off_nadir_angle_max: 30,
      satellite_elevation_angle_min: 50,
      solar_zenith_angle_max: 70,
      start_time: '2026-12-02T00:00:00Z',
      end_time: '2026-12-09T00:00:00Z',
      recurrence_frequency: 'WEEKLY',
      recurrence_interval: 1,
      count: 4,
      priority: 50,
      areas: areas(square(-104, 31.6), { type: 'Point', coordinates: [-102.1, 31.9] }),
    });
    const layerRef = { id: wellsLayerId, name: 'permian_wells', verbose_name: 'permian_wells (test)', bounds: [-105, 30, -101, 33] };
    expect(spec).toMatchObject({ target_deck: deck.id, input_layers: [layerRef], target_layer: layerRef, name: 'Permian', off_nadir_angle_min: null, off_nadir_angle_max: 30, start_time: '2026-12-02T00:00:00.000Z' });
    expect(spec.areas.features).toHaveLength(2);
    expect(spec.areas.features[1]).toMatchObject({ geometry: { type: 'Point', coordinates: [-102.1, 31.9] }, properties: { name: 'area 2' } });

    const patched = await ok('PATCH', `/target_spec/${spec.id}`, writer, { priority: 90, off_nadir_angle_min: 5, areas: null, input_layers_names: [] });
    expect(patched).toMatchObject({ priority: 90, off_nadir_angle_min: 5, off_nadir_angle_max: 30, count: 4, areas: null, input_layers: [], target_layer: null, sensitivity_mode: 'normal' });
    expect(await ok('GET', `/target_spec/${spec.id}`, reader)).toEqual(patched);
    expect((await ok('GET', `/target_deck/${deck.id}`, reader)).target_specs).toEqual([patched]);

    await ok('DELETE', `/target_spec/${spec.id}`, writer, undefined, 204);
    expect((await call('GET', `/target_spec/${spec.id}`, reader)).statusCode).toBe(404);
  });

  it('refuses crossed limits, unknown layers, bad geometry and out-of-range values with 422 naming the field', async () => {
    const deck = await ok('POST', '/target_deck', writer, { name: 'invalid-specs' });
    const post = (body: object) => call('POST', `/target_deck/${deck.id}/target_spec`, writer, body);
    const loc = async (body: object) => {
      const response = await post(body);
      expect(response.statusCode, response.body).toBe(422);
      return response.json().detail.map((d: { loc: unknown[] }) => d.loc.join('.'));
    };
    expect(await loc({ off_nadir_angle_min: 40, off_nadir_angle_max: 30 })).toEqual(['body.off_nadir_angle_min']);
    expect(await loc({ start_time: '2027-01-02T00:00:00Z', end_time: '2027-01-01T00:00:00Z' })).toEqual(['body.end_time']);
    expect(await loc({ input_layers_names: ['permian_wells', 'rival_wells'] })).toEqual(['body.input_layers_names.1']);
    expect(await loc({ areas: areas({ type: 'Point', coordinates: [200, 10] }) })).toEqual(['body.areas.features.0.geometry']);
    expect(await loc({ areas: areas({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] }) })).toEqual(['body.areas.features.0.geometry']);
    // A bow tie: its ring crosses itself.
    expect(await loc({ areas: areas({ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] }) })).toEqual(['body.areas.features.0.geometry']);
    expect((await post({ off_nadir_angle_max: 91 })).statusCode).toBe(422);
    expect((await post({ priority: 1.5 })).statusCode).toBe(422);
    expect((await post({ recurrence_frequency: 'HOURLY' })).statusCode).toBe(422);
    expect((await ok('GET', `/target_deck/${deck.id}`, reader)).target_specs).toEqual([]);
  });
});

describe('tenancy and credentials', () => {
  it('answers 401 without credentials, 403 without the tasking scope, and 404 to another organization', async () => {
    const deck = await ok('POST', '/target_deck', writer, { name: 'private' });
    const spec = await ok('POST', `/target_deck/${deck.id}/target_spec`, writer, { areas: areas({ type: 'Point', coordinates: [-103, 32] }) });
    expect((await call('GET', `/target_deck/${deck.id}`)).statusCode).toBe(401);
    expect((await call('GET', `/target_spec/${spec.id}`)).statusCode).toBe(401);
    expect((await call('GET', `/target_deck/${deck.id}`, noTasking)).statusCode).toBe(403);
    expect((await call('PATCH', `/target_deck/${deck.id}`, reader, { verbose_name: 'x' })).statusCode).toBe(403);
    expect((await call('POST', `/target_deck/${deck.id}/target_spec`, reader, {})).statusCode).toBe(403);
    for (const [method, url, body] of [
      ['GET', `/target_deck/${deck.id}`],
      ['PATCH', `/target_deck/${deck.id}`, { verbose_name: 'mine now' }],
      ['DELETE', `/target_deck/${deck.id}`],
      ['POST', `/target_deck/${deck.id}/target_spec`, {}],
      ['GET', `/target_spec/${spec.id}`],
      ['PATCH', `/target_spec/${spec.id}`, { priority: 1 }],
      ['DELETE', `/target_spec/${spec.id}`],
      ['GET', `/target_spec/${spec.id}/opportunities`],
    ] as const) {
      const response = await call(method, url, rival, body);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await ok('GET', '/target_decks', rival)).count).toBe(0);
    expect((await call('GET', '/target_deck/not-a-uuid', writer)).statusCode).toBe(404);
    expect(await ok('GET', `/target_deck/${deck.id}`, reader)).toMatchObject({ verbose_name: null, target_specs: [{ id: spec.id }] });
  });
});

describe('platforms', () => {
  it('registers a platform from a valid TLE, refuses broken ones, renames and deletes it; others see nothing', async () => {
    const created = await ok('POST', '/platform', writer, { ...DEMO_TLE, name: 'Spare', unknown_key: true });
    expect(created).toMatchObject({ name: 'Spare', epoch: '2026-12-01T00:00:00.000Z', inclination_deg: 97.48, mean_motion_rev_per_day: 15.19 });
    const broken = await call('POST', '/platform', writer, { name: 'Broken', tle_line1: DEMO_TLE.tle_line1.slice(0, 68) + '3', tle_line2: DEMO_TLE.tle_line2 });
    expect(broken.statusCode).toBe(422);
    expect(broken.json().detail[0]).toMatchObject({ loc: ['body', 'tle_line1'], msg: expect.stringContaining('Checksum') });
    expect((await call('POST', '/platform', writer, { name: 'Short', tle_line1: 'x', tle_line2: 'y' })).statusCode).toBe(422);
    expect((await call('POST', '/platform', writer, { ...DEMO_TLE, name: 'spare' })).statusCode).toBe(409);
    const fresher = withChecksum(DEMO_TLE.tle_line1.replace('26335.00000000', '26340.50000000'));
    const renamed = await ok('PATCH', `/platform/${created.id}`, writer, { name: 'Spare 2', tle_line1: fresher });
    expect(renamed).toMatchObject({ name: 'Spare 2', epoch: '2026-12-06T12:00:00.000Z' });
    expect((await ok('GET', '/platforms', reader)).items.map((p: { name: string }) => p.name)).toContain('Spare 2');
    expect((await call('GET', `/platform/${created.id}`, rival)).statusCode).toBe(404);
    expect((await call('PATCH', `/platform/${created.id}`, rival, { name: 'x' })).statusCode).toBe(404);
    expect((await call('DELETE', `/platform/${created.id}`, rival)).statusCode).toBe(404);
    expect((await call('POST', '/platform', reader, { ...DEMO_TLE })).statusCode).toBe(403);
    expect((await call('GET', '/platforms')).statusCode).toBe(401);
    await ok('DELETE', `/platform/${created.id}`, writer, undefined, 204);
    expect((await call('GET', `/platform/${created.id}`, reader)).statusCode).toBe(404);
  });
});

describe('capture opportunities', () => {
  const target = { longitude: -103.5, latitude: 31.9 };

  it('lists the passes over the spec’s areas as a 1-second brute force finds them, within its limits', async () => {
    const org = await ctx.organization('Opportunities');
    const key = await org.key(['tasking:write']);
    const none = await ok('POST', '/target_deck', key, { name: 'passes' });
    const spec = await ok('POST', `/target_deck/${none.id}/target_spec`, key, {
      start_time: '2026-12-02T00:00:00Z',
      end_time: '2026-12-03T00:00:00Z',
      areas: { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [target.longitude, target.latitude] }, properties: { name: 'Permian' } }] },
    });
    const noPlatform = await call('GET', `/target_spec/${spec.id}/opportunities`, key);
    expect(noPlatform.statusCode).toBe(422);
    expect(noPlatform.json().detail[0].msg).toContain('no platform');
    const platform = await ok('POST', '/platform', key, DEMO_TLE);

    const result = await ok('GET', `/target_spec/${spec.id}/opportunities`, key);
    const reference = bruteForcePasses(target, new Date('2026-12-02T00:00:00Z'), new Date('2026-12-03T00:00:00Z'));
    expect(result).toMatchObject({ target_spec: spec.id, platform: { id: platform.id, name: DEMO_TLE.name }, window: { start_time: '2026-12-02T00:00:00.000Z', end_time: '2026-12-03T00:00:00.000Z' }, count: reference.length });
    expect(reference.length).toBeGreaterThanOrEqual(2);
    result.opportunities.forEach((o: { time: string; satellite_elevation_angle: number; off_nadir_angle: number; solar_zenith_angle: number; area: { name: string } }, i: number) => {
      const expected = reference[i]!;
      expect(Math.abs(Date.parse(o.time) - expected.time.getTime())).toBeLessThanOrEqual(1000);
      expect(Math.abs(o.satellite_elevation_angle - expected.elevation)).toBeLessThan(0.1);
      expect(Math.abs(o.off_nadir_angle - expected.offNadir)).toBeLessThan(0.3);
      expect(Math.abs(o.solar_zenith_angle - expected.solarZenith)).toBeLessThan(0.1);
      expect(o.area).toMatchObject({ source: 'area', name: 'Permian', longitude: target.longitude, latitude: target.latitude });
    });

    // Each pass's sub-satellite point is where spherical geometry puts it: at a central angle of
    // 90° − elevation − off-nadir from the target.
    const DEG = Math.PI / 180;
    for (const o of result.opportunities) {
      const { longitude, latitude } = o.sub_satellite_point;
      const cos = Math.sin(latitude * DEG) * Math.sin(target.latitude * DEG) + Math.cos(latitude * DEG) * Math.cos(target.latitude * DEG) * Math.cos((longitude - target.longitude) * DEG);
      expect(Math.abs(Math.acos(cos) / DEG - (90 - o.satellite_elevation_angle - o.off_nadir_angle))).toBeLessThan(0.3);
    }

    // Limits: elevation at least 30°, daylight only.
    await ok('PATCH', `/target_spec/${spec.id}`, key, { satellite_elevation_angle_min: 30, solar_zenith_angle_max: 85 });
    const limited = await ok('GET', `/target_spec/${spec.id}/opportunities?platform_id=${platform.id}`, key);
    const expectedLimited = reference.filter((p) => p.elevation >= 30 && p.solarZenith <= 85);
    expect(limited.count).toBe(expectedLimited.length);
    expect(limited.opportunities.map((o: { time: string }) => Math.round(Date.parse(o.time) / 10_000))).toEqual(expectedLimited.map((p) => Math.round(p.time.getTime() / 10_000)));
  });

  it('uses input layers’ features as targets, bounds the window, and asks which platform when there are several', async () => {
    const deck = await ok('POST', '/target_deck', writer, { name: 'layer-targets' });
    const spec = await ok('POST', `/target_deck/${deck.id}/target_spec`, writer, { input_layers_names: ['permian_wells'], start_time: '2026-12-02T00:00:00Z' });
    await ok('POST', '/platform', writer, { ...DEMO_TLE, name: 'Sat A' });
    const platform = await ok('POST', '/platform', writer, { ...DEMO_TLE, name: 'Sat B' });
    const several = await call('GET', `/target_spec/${spec.id}/opportunities`, writer);
    expect(several.statusCode).toBe(422);
    expect(several.json().detail[0].loc).toEqual(['query', 'platform_id']);
    const window = 'start_time=2026-12-02T00:00:00Z&end_time=2026-12-02T12:00:00Z';
    const result = await ok('GET', `/target_spec/${spec.id}/opportunities?platform_id=${platform.id}&${window}`, writer);
    expect(result.count).toBeGreaterThan(0);
    expect(new Set(result.opportunities.map((o: { area: { layer: string; source: string } }) => `${o.area.source}:${o.area.layer}`))).toEqual(new Set(['layer:permian_wells']));
    expect(new Set(result.opportunities.map((o: { area: { name: string } }) => o.area.name))).toEqual(new Set(['well 1', 'well 2']));
    const tooLong = await call('GET', `/target_spec/${spec.id}/opportunities?platform_id=${platform.id}&start_time=2026-12-02T00:00:00Z&end_time=2027-02-02T00:00:00Z`, writer);
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.json().detail[0].msg).toContain('31 days');
    expect((await call('GET', `/target_spec/${spec.id}/opportunities?start_time=yesterday`, writer)).statusCode).toBe(422);
    const stale = await call('GET', `/target_spec/${spec.id}/opportunities?platform_id=${platform.id}&start_time=2028-06-01T00:00:00Z`, writer);
    expect(stale.statusCode).toBe(422);
    expect(stale.json().detail[0].msg).toContain('fresh TLE');
    expect((await call('GET', `/target_spec/${spec.id}/opportunities?platform_id=${platform.id}`, rival)).statusCode).toBe(404);
    expect((await call('GET', `/target_spec/${spec.id}/opportunities?platform_id=${platform.id}`)).statusCode).toBe(401);
  });
});

describe('demo data and OpenAPI', () => {
  it('seeds the demo deck, spec and platform once, and its opportunities can be listed', async () => {
    const demo = await ctx.organization('Demo Tasking');
    const key = await demo.key(['tasking:read']);
    await seedDemoTasking(ctx.db, demo.id);
    await seedDemoTasking(ctx.db, demo.id);
    const decks = await ok('GET', '/target_decks', key);
    expect(decks.items.map((d: { name: string; target_spec_count: number }) => [d.name, d.target_spec_count])).toEqual([[DEMO_DECK_NAME, 1]]);
    const deck = await ok('GET', `/target_deck/${decks.items[0].id}`, key);
    const spec = deck.target_specs[0];
    expect(spec).toMatchObject({ off_nadir_angle_max: 30, satellite_elevation_angle_min: 55, solar_zenith_angle_max: 70, recurrence_frequency: 'WEEKLY' });
    expect(spec.areas.features).toHaveLength(2);
    const passes = await ok('GET', `/target_spec/${spec.id}/opportunities`, key);
    // The spec's window is three months: the list covers its first 31 days.
    expect(passes.window).toEqual({ start_time: '2026-12-01T00:00:00.000Z', end_time: '2027-01-01T00:00:00.000Z' });
    expect(passes.count).toBeGreaterThan(0);
    for (const o of passes.opportunities) {
      expect(o.off_nadir_angle).toBeLessThanOrEqual(30);
      expect(o.satellite_elevation_angle).toBeGreaterThanOrEqual(55);
      expect(o.solar_zenith_angle).toBeLessThanOrEqual(70);
    }
  });

  it('stores 3-D positions in two dimensions', async () => {
    const deck = await ok('POST', '/target_deck', writer, { name: 'three-d' });
    const spec = await ok('POST', `/target_deck/${deck.id}/target_spec`, writer, { areas: areas({ type: 'Point', coordinates: [-103, 32, 850] }) });
    expect(spec.areas.features[0].geometry).toEqual({ type: 'Point', coordinates: [-103, 32] });
  });

  it('documents every tasking route in /openapi.json', async () => {
    const document = (await ctx.request({ method: 'GET', url: '/openapi.json' })).json();
    const paths = Object.keys(document.paths).filter((p) => p.startsWith('/api/v1/tasking'));
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/tasking/task_capture/{task_capture_id}/rejection', '/api/v1/tasking/target_deck/{target_deck_id}', '/api/v1/tasking/target_spec/{target_spec_id}']));
    expect(document.paths['/api/v1/tasking/target_deck/{target_deck_id}'].patch.operationId).toBe('patchTargetDeck');
    expect(document.paths['/api/v1/tasking/target_spec/{target_spec_id}/opportunities'].get.operationId).toBe('listCaptureOpportunities');
  });
});
