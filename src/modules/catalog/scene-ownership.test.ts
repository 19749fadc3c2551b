import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { drainQueue } from '../../platform/jobs/jobs.js';
import { PLUME_IMPORT_QUEUE, runPlumeImport } from './plume-imports.service.js';

/*
 * Scenes belong to their owner as plumes do: an import finds or creates a scene of its own
 * organization, never updates or joins another's, and a scene made by a private import stays
 * private until it holds a published plume.
 */
let ctx: TestContext;
let acme: string;
let rival: string;
let outsider: string;

const HEADER = 'plume_id,plume_latitude,plume_longitude,datetime,gas,instrument,published_at,platform,provider';
const row = (plumeId: string, fields: { platform?: string; provider?: string; publishedAt?: string } = {}) =>
  `${plumeId},36.5,-111,,CH4,ang,${fields.publishedAt ?? ''},${fields.platform ?? ''},${fields.provider ?? ''}`;

const get = (url: string, key: string) => ctx.request({ method: 'GET', url: `/api/v1/catalog${url}`, key });
const run = () => drainQueue(ctx.db, PLUME_IMPORT_QUEUE, (payload, db) => runPlumeImport(db, String(payload.importId)));
async function importAs(key: string, rows: string[]) {
  const accepted = await ctx.request({ method: 'POST', url: '/api/v1/catalog/imports', headers: { 'content-type': 'text/csv' }, payload: [HEADER, ...rows].join('\r\n'), key });
  expect(accepted.statusCode, accepted.body).toBe(202);
  await run();
  return (await get(`/imports/${accepted.json().id}`, key)).json();
}
const sceneIdOf = async (plumeId: string, key: string) => (await get(`/plume/${plumeId}`, key)).json().scene_id as string;
const datesOf = async (key: string) => ((await get('/scenes/dates', key)).json() as { date: string; scene_count: number }[]).find((d) => d.date === '2024-05-12');

beforeAll(async () => {
  ctx = await createTestContext({ IMPORT_WORKERS: '0' });
  acme = await (await ctx.organization('Acme')).key(['catalog:read', 'catalog:write']);
  rival = await (await ctx.organization('Rival')).key(['catalog:read', 'catalog:write']);
  outsider = await (await ctx.organization('Outsider')).key(['catalog:read']);
});
afterAll(() => ctx?.close());

describe('scene ownership', () => {
  const SCENE = 'ang20240512t160000p0000';

  it('when another organization imports a plume of a scene an organization imported privately, it gets a scene of its own and learns nothing of the first', async () => {
    expect(await importAs(acme, [row(`${SCENE}-A`, { provider: 'SecretSatCo' })])).toMatchObject({ status: 'completed', created: 1, failed: 0 });
    expect(await importAs(rival, [row(`${SCENE}-Z`, { platform: 'EVILPLATFORM' })])).toMatchObject({ status: 'completed', created: 1, failed: 0 });
    const acmeScene = await sceneIdOf(`${SCENE}-A`, acme);
    const rivalScene = await sceneIdOf(`${SCENE}-Z`, rival);
    expect(rivalScene).not.toBe(acmeScene);

    for (const key of [rival, outsider]) expect((await get(`/scene/${acmeScene}`, key)).statusCode).toBe(404);
    const mine = (await get(`/scene/${acmeScene}`, acme)).json();
    expect(mine).toMatchObject({ name: SCENE, platform: null, provider: 'SecretSatCo', status: 'valid', plume_count: 1 });
    const theirs = (await get(`/scene/${rivalScene}`, rival)).json();
    expect(theirs).toMatchObject({ name: SCENE, platform: 'EVILPLATFORM', provider: null, status: 'valid', plume_count: 1 });

    expect(await datesOf(rival)).toMatchObject({ scene_count: 1 });
    expect(await datesOf(acme)).toMatchObject({ scene_count: 1 });
    expect(await datesOf(outsider)).toBeUndefined();
    expect((await get('/mql-scene-count', rival)).json()).toBe(1);
    expect((await get('/mql-scene-count', outsider)).json()).toBe(0);
    // An imported scene has no cloud cover: it is listed all the same unless a cloud bound is asked for.
    const listed = (await get('/scenes?limit=10', acme)).json();
    expect(listed.items.map((scene: { id: string }) => scene.id)).toContain(acmeScene);
    expect((await get('/scenes?limit=10&cloud_cover_pct_max=50', acme)).json().items.map((scene: { id: string }) => scene.id)).not.toContain(acmeScene);
  });

  it('when an organization imports its scene again, its own scene is completed and no other is touched', async () => {
    expect(await importAs(acme, [row(`${SCENE}-B`, { platform: 'AcmeSat', provider: 'Other' })])).toMatchObject({ created: 1, failed: 0 });
    const acmeScene = await sceneIdOf(`${SCENE}-B`, acme);
    expect(await sceneIdOf(`${SCENE}-A`, acme)).toBe(acmeScene);
    expect((await get(`/scene/${acmeScene}`, acme)).json()).toMatchObject({ platform: 'AcmeSat', provider: 'SecretSatCo', plume_count: 2 });
    expect((await get(`/scene/${await sceneIdOf(`${SCENE}-Z`, rival)}`, rival)).json()).toMatchObject({ platform: 'EVILPLATFORM', provider: null });
  });

  it('a scene imported privately becomes visible to others with its first published plume, counting only what they may see', async () => {
    const scene = 'ang20240601t120000p0000';
    await importAs(acme, [row(`${scene}-A`, { provider: 'SecretSatCo' })]);
    const id = await sceneIdOf(`${scene}-A`, acme);
    expect((await get(`/scene/${id}`, outsider)).statusCode).toBe(404);
    await importAs(acme, [row(`${scene}-B`, { publishedAt: '2024-06-02T00:00:00Z' })]);
    expect(await sceneIdOf(`${scene}-B`, acme)).toBe(id);
    const seen = await get(`/scene/${id}`, outsider);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ name: scene, status: 'valid', plume_count: 1, published_plume_count: 1 });
  });

  it('when another organization imports a plume of a published scene, the published scene keeps its fields and the importer gets its own', async () => {
    const scene = 'ang20240701t120000p0000';
    await importAs(acme, [row(`${scene}-A`, { publishedAt: '2024-07-02T00:00:00Z' })]);
    const published = await sceneIdOf(`${scene}-A`, outsider);
    expect((await get(`/scene/${published}`, outsider)).json()).toMatchObject({ status: 'published', platform: null });
    await importAs(rival, [row(`${scene}-B`, { platform: 'EVILPLATFORM', publishedAt: '2024-07-03T00:00:00Z' })]);
    const rivals = await sceneIdOf(`${scene}-B`, outsider);
    expect(rivals).not.toBe(published);
    expect((await get(`/scene/${published}`, outsider)).json()).toMatchObject({ status: 'published', platform: null, plume_count: 1 });
    // Published names stay unique: the second owner's scene is public through its published plume.
    expect((await get(`/scene/${rivals}`, outsider)).json()).toMatchObject({ status: 'valid', platform: 'EVILPLATFORM', plume_count: 1 });
  });

  it('an analyst may draw a plume in a scene another organization made public, not in one it keeps private', async () => {
    const body = (sceneId: string) => ({ geometry_json: { type: 'Point', coordinates: [-111, 36.5] }, scene_id: sceneId, gas: 'CH4' });
    const draw = (sceneId: string) => ctx.request({ method: 'POST', url: '/api/v1/catalog/plume', key: rival, payload: body(sceneId) });
    expect((await draw(await sceneIdOf(`${SCENE}-A`, acme))).statusCode).toBe(422);
    expect((await draw(await sceneIdOf('ang20240601t120000p0000-A', acme))).statusCode).toBe(200);
  });
});
