import { beforeAll, describe, expect, it } from 'vitest';
import type { TestOrganization } from '../../../test/support/test-app.js';
import sql from 'sql-template-tag';
import { useFacilitiesFixture } from './facilities.fixture.js';

const { fx, create, expectCountsExact } = useFacilitiesFixture();

describe('listing facilities', () => {
  let org: TestOrganization;
  let key: string;

  beforeAll(async () => {
    org = await fx.ctx.organization('Lister');
    key = await org.key(['facilities:read', 'facilities:write']);
    const sites = [
      { name: 'Madrid Office', type: 'office', country: 'ES' },
      { name: 'Madrid Warehouse', type: 'warehouse', country: 'ES' },
      { name: 'Paris Office', type: 'office', country: 'FR' },
      { name: 'Berlin Office', type: 'office', country: 'DE', status: 'archived' },
      { name: '100% Renewable_Site', type: 'datacenter', country: 'IS' },
    ];
    for (const site of sites) expect((await create(site, key)).status).toBe(201);
  });

  async function list(query: string) {
    const response = await fx.ctx.request({ method: 'GET', url: `/v1/facilities${query}`, key });
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  it('lists newest first with total, total2 (archived), page, size and pages', async () => {
    const body = await list('');
    expect(body).toMatchObject({ total: 5, total2: 1, page: 1, size: 10, pages: 1 });
    expect(body.items.map((f: { name: string }) => f.name)).toEqual([
      '100% Renewable_Site', 'Berlin Office', 'Paris Office', 'Madrid Warehouse', 'Madrid Office',
    ]);
  });

  it('pages in a stable order without gaps or repeats', async () => {
    const pages = [await list('?size=2&page=1'), await list('?size=2&page=2'), await list('?size=2&page=3')];
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    expect(pages[0].pages).toBe(3);
    const names = pages.flatMap((p) => p.items.map((f: { name: string }) => f.name));
    expect(new Set(names).size).toBe(5);
    expect((await list('?size=2&page=4')).items).toEqual([]);
  });

  it('filters by status[], type, country and name (partial, any case, wildcards literal)', async () => {
    expect((await list('?status[]=active')).total).toBe(4);
    expect((await list('?status[]=archived')).items.map((f: { name: string }) => f.name)).toEqual(['Berlin Office']);
    expect((await list('?status[]=active&status[]=archived')).total).toBe(5);
    expect((await list('?status=archived')).total).toBe(1);
    expect((await list('?type=office')).total).toBe(3);
    expect((await list('?type=office&status[]=active')).total).toBe(2);
    expect((await list('?country=es')).total).toBe(2);
    expect((await list('?name=madrid')).items.map((f: { name: string }) => f.name)).toEqual(['Madrid Warehouse', 'Madrid Office']);
    expect((await list('?name=%25')).items.map((f: { name: string }) => f.name)).toEqual(['100% Renewable_Site']);
    expect((await list('?name=_')).total).toBe(1);
    const officesAnyStatus = await list('?type=office&status[]=active');
    expect(officesAnyStatus.total2).toBe(1);
  });

  it('lists each facility exactly as GET shows it: every field, timestamps cut to the millisecond', async () => {
    // Microseconds a Date cannot hold (cut, as toISOString cuts them), a whole second, odd text and figures.
    const { body: odd } = await create({ name: 'Quote " and ünïcödé\ttab', type: 'laboratory', country: 'NO', address: null, categories: ['water'], logistic_factor: 0.1 }, key);
    await fx.ctx.db.query(sql`UPDATE facilities SET created_at = '2031-05-06T07:08:09.999999Z', updated_at = '2031-05-06T07:08:10Z', co2e = 1e-7, co2e_biomass = 123456789.125 WHERE id = ${odd.id}::uuid`);
    const body = await list('?size=100');
    for (const item of body.items) {
      const read = await fx.ctx.request({ method: 'GET', url: `/v1/facilities/${item.id}`, key });
      expect(item).toEqual(read.json());
    }
    expect(body.items[0]).toEqual({
      ...odd,
      created_at: '2031-05-06T07:08:09.999Z',
      updated_at: '2031-05-06T07:08:10.000Z',
      co2e: 1e-7,
      co2e_biomass: 123456789.125,
    });
    await fx.ctx.request({ method: 'DELETE', url: `/v1/facilities/${odd.id}`, key });
  });

  it.each(['?size=101', '?size=0', '?page=0', '?status[]=closed', '?type=castle', '?country=Spain', '?sort=name'])(
    'refuses %s with 422',
    async (query) => {
      const response = await fx.ctx.request({ method: 'GET', url: `/v1/facilities${query}`, key });
      expect(response.statusCode).toBe(422);
      expect(response.json().code).toBe('VALIDATION_ERROR');
    },
  );
});

describe('facility counts', () => {
  it('stay exact through creates, edits, archiving and deletes (checked against the rows)', async () => {
    const org = await fx.ctx.organization('Counter');
    const key = await org.key(['facilities:read', 'facilities:write']);
    const ids: string[] = [];
    for (const [name, type, country] of [['A', 'office', 'ES'], ['B', 'office', 'FR'], ['C', 'store', 'ES']] as const) {
      ids.push((await create({ name, type, country }, key)).body.id);
    }
    await fx.ctx.request({ method: 'PATCH', url: `/v1/facilities/${ids[0]}`, key, payload: { status: 'archived' } });
    await fx.ctx.request({ method: 'PATCH', url: `/v1/facilities/${ids[1]}`, key, payload: { type: 'store', country: 'DE' } });
    await fx.ctx.request({ method: 'DELETE', url: `/v1/facilities/${ids[2]}`, key });

    const list = async (query: string) => (await fx.ctx.request({ method: 'GET', url: `/v1/facilities${query}`, key })).json();
    expect(await list('')).toMatchObject({ total: 2, total2: 1 });
    expect(await list('?type=store')).toMatchObject({ total: 1, total2: 0 });
    expect(await list('?country=ES&status[]=archived')).toMatchObject({ total: 1, total2: 1 });
    expect(await list('?name=a')).toMatchObject({ total: 1, total2: 1 });

    await expectCountsExact();
  });
});

describe('list responses and concurrent writers', () => {
  it('never serve a page older than the last committed change, whoever made it', async () => {
    const org = await fx.ctx.organization('Cached');
    const key = await org.key(['facilities:read', 'facilities:write']);
    const id = (await create({ name: 'Before', type: 'office', country: 'ES' }, key)).body.id;
    const get = async () => (await fx.ctx.request({ method: 'GET', url: '/v1/facilities?size=5', key })).json();

    const first = await get();
    expect(await get()).toEqual(first);
    await fx.ctx.request({ method: 'PATCH', url: `/v1/facilities/${id}`, key, payload: { name: 'After API' } });
    expect((await get()).items[0].name).toBe('After API');

    // Another process writing straight to the database must be seen too.
    await fx.ctx.db.query(sql`UPDATE facilities SET name = 'After SQL' WHERE id = ${id}`);
    expect((await get()).items[0].name).toBe('After SQL');
    await fx.ctx.db.query(sql`DELETE FROM facilities WHERE id = ${id}`);
    expect(await get()).toMatchObject({ items: [], total: 0 });
  });

  it('show a committed change to every request that starts after it, however many run at once', async () => {
    const org = await fx.ctx.organization('Busy reader', 'enterprise');
    const key = await org.key(['facilities:read', 'facilities:write']);
    const id = (await create({ name: 'v0', type: 'office', country: 'ES' }, key)).body.id;
    const get = async () => (await fx.ctx.request({ method: 'GET', url: '/v1/facilities', key })).json().items[0].name;
    for (let version = 1; version <= 5; version++) {
      const during = Array.from({ length: 10 }, get);
      await fx.ctx.request({ method: 'PATCH', url: `/v1/facilities/${id}`, key, payload: { name: `v${version}` } });
      const after = await Promise.all(Array.from({ length: 10 }, get));
      expect(after).toEqual(Array(10).fill(`v${version}`));
      for (const name of await Promise.all(during)) expect([`v${version - 1}`, `v${version}`]).toContain(name);
    }
  });

  it('lets many writers change one organization at once without errors, keeping counts exact', async () => {
    const org = await fx.ctx.organization('Many writers', 'enterprise');
    const key = await org.key(['facilities:read', 'facilities:write']);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await create({ name: `W${i}`, type: i % 2 ? 'office' : 'store', country: i % 3 ? 'ES' : 'FR' }, key)).body.id);
    for (let round = 0; round < 3; round++) {
      const writes = ids.flatMap((id, i) => [
        fx.ctx.request({ method: 'PATCH', url: `/v1/facilities/${id}`, key, payload: { status: (round + i) % 2 ? 'archived' : 'active', type: round % 2 ? 'factory' : 'office' } }),
        fx.ctx.request({ method: 'POST', url: '/v1/facilities', key, payload: { name: `N${round}-${i}`, type: 'warehouse', country: 'DE' } }),
      ]);
      const codes = (await Promise.all(writes)).map((response) => response.statusCode);
      expect(codes.filter((code) => code >= 300)).toEqual([]);
    }
    const listed = (await fx.ctx.request({ method: 'GET', url: '/v1/facilities', key })).json();
    const [row] = await fx.ctx.db.query<{ n: number; archived: number }>(sql`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'archived')::int AS archived FROM facilities WHERE organization_id = ${org.id}`);
    expect({ total: listed.total, total2: listed.total2 }).toEqual({ total: row!.n, total2: row!.archived });
  });
});
