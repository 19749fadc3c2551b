import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { insertScenes, upsertPlumes } from './catalog-writes.queries.js';
import { fixturePlume, SCENES } from './catalog.fixture.js';

/* Scene S holds two unpublished plumes of Acme, S-A and S-B; Rival draws plumes in S too. */
let ctx: TestContext;
let acme: string;
let rival: string;
let acmeId: string;
const S = SCENES[0]!;
const ACME_A = '00000000-0000-4000-8000-00000000c00a';
const ACME_B = '00000000-0000-4000-8000-00000000c00b';

const send = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, key?: string, payload?: object) =>
  ctx.request({ method, url: `/api/v1/catalog${url}`, ...(key ? { key } : {}), ...(payload ? { payload } : {}) });
const nameOf = async (id: string, key: string) => (await send('GET', `/plume/${id}`, key)).json().plume_id;
const draw = async (key: string) => {
  const created = await send('POST', '/plume', key, { geometry_json: { type: 'Point', coordinates: [-74, 40.7] }, scene_id: S.id, gas: 'CH4' });
  expect(created.statusCode, created.body).toBe(200);
  return created.json().id as string;
};
const publish = async (id: string, key: string) => {
  expect((await send('PATCH', `/plume/${id}`, key, { status: 'publish_ready' })).statusCode).toBe(200);
  expect((await send('PUT', `/publish_plumes?plume_ids=${id}`, key)).json()).toBe('Published 1 plume.');
};

beforeAll(async () => {
  ctx = await createTestContext();
  const acmeOrg = await ctx.organization('Acme');
  acmeId = acmeOrg.id;
  acme = await acmeOrg.key(['catalog:read', 'catalog:write']);
  rival = await (await ctx.organization('Rival')).key(['catalog:read', 'catalog:write']);
  await insertScenes(ctx.db, [S], null);
  const unpublished = { status: 'valid' as const, published_at: null };
  await upsertPlumes(ctx.db, [fixturePlume(acmeOrg.id, ACME_A, 0, 'A', unpublished), fixturePlume(acmeOrg.id, ACME_B, 0, 'B', unpublished)]);
});
afterAll(() => ctx?.close());

describe('colloquial plume letters', () => {
  let rivalFirst: string;

  it('when another organization draws a plume in a scene, its letter counts only plumes it may see', async () => {
    rivalFirst = await draw(rival);
    expect(await nameOf(rivalFirst, rival)).toBe(`${S.name}-A`);
    // By name, each organization reaches its own plume; anonymous callers see neither unpublished one.
    expect((await send('GET', `/plume/${S.name}-A`, rival)).json().id).toBe(rivalFirst);
    expect((await send('GET', `/plume/${S.name}-A`, acme)).json().id).toBe(ACME_A);
    expect((await send('GET', `/plume/${S.name}-A`)).statusCode).toBe(404);
    expect(await nameOf(await draw(acme), acme)).toBe(`${S.name}-C`);
  });

  it('when a plume is published under a name another organization published first, it takes the next letter its owner sees free', async () => {
    await publish(ACME_A, acme);
    expect(await nameOf(ACME_A, acme)).toBe(`${S.name}-A`);
    await publish(rivalFirst, rival);
    expect(await nameOf(rivalFirst, rival)).toBe(`${S.name}-B`);
    await publish(ACME_B, acme);
    expect(await nameOf(ACME_B, acme)).toBe(`${S.name}-D`);
    const published = (await send('GET', `/plumes/annotated?scene_name=${S.name}&sort=asc`)).json().items.map((p: { plume_id: string; id: string }) => [p.plume_id, p.id]);
    expect(published.sort()).toEqual([[`${S.name}-A`, ACME_A], [`${S.name}-B`, rivalFirst], [`${S.name}-D`, ACME_B]]);
  });

  it('when another organization draws a plume in a scene it may not see, the scene is not found', async () => {
    const hidden = SCENES[1]!;
    await insertScenes(ctx.db, [hidden], acmeId);
    await ctx.db.query(sql`UPDATE scenes SET status = 'valid' WHERE id = ${hidden.id}`);
    const body = { geometry_json: { type: 'Point', coordinates: [-74, 40.7] }, scene_id: hidden.id, gas: 'CH4' };
    expect((await send('POST', '/plume', rival, body)).statusCode).toBe(422);
    expect((await send('POST', '/plume', acme, body)).statusCode).toBe(200);
  });
});
