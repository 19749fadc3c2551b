import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import { insertScenes, upsertPlumes } from '../../modules/catalog/catalog-writes.queries.js';
import { fixturePlume, SCENES } from '../../modules/catalog/catalog.fixture.js';
import { booleanNormaliser } from './query-booleans.js';

let ctx: TestContext;
let acme: TestOrganization;
let key: string;

beforeAll(async () => {
  ctx = await createTestContext({ REGISTRY_WORKERS: '0' });
  acme = await ctx.organization('Acme');
  key = await acme.key(['catalog:read', 'emissions:read', 'emissions:write', 'organization_inventory:read', 'organization_inventory:read_write']);
  await insertScenes(ctx.db, SCENES, null);
  await ctx.db.query(sql`UPDATE scenes SET cloud_cover = 40 WHERE id = ${SCENES[3]!.id}`);
  await upsertPlumes(ctx.db, [
    fixturePlume(acme.id, '00000000-0000-4000-8000-0000000000f1', 0, 'A', { emission_auto: 100 }),
    fixturePlume(acme.id, '00000000-0000-4000-8000-0000000000f2', 3, 'A', { emission_auto: 300 }),
  ]);
});
afterAll(() => ctx?.close());

const get = async (url: string) => {
  const response = await ctx.request({ method: 'GET', url, key });
  expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
  return response.json();
};

describe('query booleans as clients spell them', () => {
  it("reads the plume page's not_cloudy=True (Python's spelling) as true on scenes", async () => {
    const all = (await get('/api/v1/catalog/scenes/annotated?cloud_cover_pct_max=50')).count as number;
    const clear = (await get('/api/v1/catalog/scenes/annotated?cloud_cover_pct_max=50&not_cloudy=True')).count as number;
    expect(clear).toBe(all - 1);
    for (const spelling of ['true', 'TRUE', '1', 'yes', 'on', 't', 'Y']) {
      expect((await get(`/api/v1/catalog/scenes/annotated?cloud_cover_pct_max=50&not_cloudy=${spelling}`)).count, spelling).toBe(clear);
    }
    for (const spelling of ['False', 'false', '0', 'no', 'off', 'f', 'N']) {
      expect((await get(`/api/v1/catalog/scenes/annotated?cloud_cover_pct_max=50&not_cloudy=${spelling}`)).count, spelling).toBe(all);
    }
  });

  it('reads has_phme=True and has_phme=False on plumes as the lower-case forms', async () => {
    const ids = async (query: string) => ((await get(`/api/v1/catalog/plumes/annotated?${query}`)).items as { id: string }[]).map((p) => p.id).sort();
    expect(await ids('has_phme=True')).toEqual(await ids('has_phme=true'));
    expect(await ids('has_phme=False')).toEqual(await ids('has_phme=false'));
    expect(await ids('has_phme=False')).toHaveLength(2);
  });

  it('still refuses a spelling that is no boolean, in the family’s own error body', async () => {
    const response = await ctx.request({ method: 'GET', url: '/api/v1/catalog/plumes/annotated?has_phme=maybe', key });
    expect(response.statusCode).toBe(422);
    expect(response.json().detail[0]).toMatchObject({ loc: ['query', 'has_phme'], msg: 'must be boolean' });
    const emissions = await ctx.request({ method: 'GET', url: '/v2/emissions?include_voided=sometimes', key });
    expect(emissions.statusCode).toBe(400);
    expect(emissions.json()).toMatchObject({ code: 'INVALID_PAYLOAD' });
  });

  it('reads include_voided=True on /v2/emissions', async () => {
    const record = (await ctx.request({ method: 'POST', url: '/v2/emissions', key, payload: { facility_id: 'fac_bool', scope: 1, value: 5, timestamp: '2024-05-01T00:00:00Z' } })).json();
    expect((await ctx.request({ method: 'POST', url: `/v2/emissions/${record.id}/void`, key, payload: { reason: 'duplicate' } })).statusCode).toBe(200);
    const ids = async (flag: string) => ((await get(`/v2/emissions?facility_id=fac_bool&include_voided=${flag}`)).data as { id: string }[]).map((e) => e.id);
    expect(await ids('True')).toEqual([record.id]);
    expect(await ids('yes')).toEqual([record.id]);
    expect(await ids('False')).toEqual([]);
    expect(await ids('0')).toEqual([]);
  });

  it('reads the registry inventory with development=True as the sandbox, as the page defines it (any value)', async () => {
    expect((await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/friendbot`, key })).statusCode).toBe(200);
    expect((await get(`/organizations/${acme.id}/inventory?development=True`)).credits.map((c: { amount: number }) => c.amount)).toEqual([100]);
    expect((await get(`/organizations/${acme.id}/inventory`)).credits).toEqual([]);
  });
});

describe('booleanNormaliser', () => {
  it('rewrites boolean and boolean-array fields only, and leaves unknown spellings for the schema to refuse', () => {
    const normalise = booleanNormaliser({
      type: 'object',
      properties: {
        flag: { type: 'boolean' },
        maybe: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
        flags: { type: 'array', items: { type: 'boolean' } },
        name: { type: 'string' },
      },
    })!;
    const query: Record<string, unknown> = { flag: 'True', maybe: 'off', flags: ['1', 'No', 'perhaps'], name: 'yes' };
    normalise(query);
    expect(query).toEqual({ flag: true, maybe: false, flags: [true, false, 'perhaps'], name: 'yes' });
    expect(booleanNormaliser({ type: 'object', properties: { name: { type: 'string' } } })).toBeUndefined();
  });
});
