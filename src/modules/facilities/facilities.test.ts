import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import sql from 'sql-template-tag';
import * as identity from '../../platform/identity/identity.service.js';

const MADRID = {
  name: 'Madrid Office',
  type: 'office',
  country: 'ES',
  address: 'Calle Gran Vía 1, Madrid',
  categories: ['heat', 'electricity', 'water'],
  cups_list: ['ES0021000000000001RK'],
};

let ctx: TestContext;
let acme: TestOrganization;
let globex: TestOrganization;
let acmeKey: string;
let globexKey: string;

beforeAll(async () => {
  ctx = await createTestContext();
  acme = await ctx.organization('Acme');
  globex = await ctx.organization('Globex');
  acmeKey = await acme.key(['facilities:read', 'facilities:write']);
  globexKey = await globex.key(['facilities:read', 'facilities:write']);
});
afterAll(() => ctx?.close());

async function create(body: Record<string, unknown>, key = acmeKey) {
  const response = await ctx.request({ method: 'POST', url: '/v1/facilities', key, payload: body });
  return { status: response.statusCode, body: response.json() };
}

describe('facilities CRUD', () => {
  it("creates the page's example facility with 201 and the Facility Object fields", async () => {
    const { status, body } = await create(MADRID);
    expect(status).toBe(201);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ...MADRID,
      status: 'active',
      co2e: 0,
      co2e_biomass: 0,
      logistic_factor: 0.8,
      facility_purpose_type: 'facilities',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const read = await ctx.request({ method: 'GET', url: `/v1/facilities/${body.id}`, key: acmeKey });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(body);
  });

  it('updates only the fields sent, with PATCH and with PUT', async () => {
    const { body: created } = await create({ name: 'Lyon Plant', type: 'factory', country: 'fr', logistic_factor: 0.5 });
    expect(created.country).toBe('FR');
    const patched = await ctx.request({ method: 'PATCH', url: `/v1/facilities/${created.id}`, key: acmeKey, payload: { name: 'Lyon HQ', categories: ['heat', 'electricity', 'water', 'recharge'] } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Lyon HQ', type: 'factory', country: 'FR', logistic_factor: 0.5, categories: ['heat', 'electricity', 'water', 'recharge'] });
    const put = await ctx.request({ method: 'PUT', url: `/v1/facilities/${created.id}`, key: acmeKey, payload: { status: 'archived', address: null } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ name: 'Lyon HQ', status: 'archived', address: null, logistic_factor: 0.5 });
    expect(Date.parse(put.json().updated_at)).toBeGreaterThanOrEqual(Date.parse(created.updated_at));
  });

  it('accepts a read object sent back, ignoring its read-only fields', async () => {
    const { body: created } = await create({ name: 'Round Trip', type: 'store', country: 'PT' });
    const response = await ctx.request({ method: 'PUT', url: `/v1/facilities/${created.id}`, key: acmeKey, payload: { ...created, co2e: 999, name: 'Round Trip 2' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: created.id, co2e: 0, name: 'Round Trip 2', created_at: created.created_at });
  });

  it('deletes with 204, after which the facility is 404', async () => {
    const { body: created } = await create({ name: 'Temporary', type: 'other', country: 'DE' });
    const deleted = await ctx.request({ method: 'DELETE', url: `/v1/facilities/${created.id}`, key: acmeKey });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    const again = await ctx.request({ method: 'GET', url: `/v1/facilities/${created.id}`, key: acmeKey });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toEqual({ code: 'NOT_FOUND', detail: `Facility with id=${created.id} not found` });
    expect((await ctx.request({ method: 'DELETE', url: `/v1/facilities/${created.id}`, key: acmeKey })).statusCode).toBe(404);
  });
});

describe('facility validation', () => {
  it('requires name, type and country, naming each missing field', async () => {
    const { status, body } = await create({});
    expect(status).toBe(422);
    expect(body.code).toBe('VALIDATION_ERROR');
    const fields = body.detail.map((issue: { loc: string[] }) => issue.loc.join('.'));
    expect(fields).toEqual(expect.arrayContaining(['body.name', 'body.type', 'body.country']));
  });

  it.each([
    [{ ...MADRID, type: 'castle' }, 'body.type'],
    [{ ...MADRID, country: 'ESP' }, 'body.country'],
    [{ ...MADRID, country: 'XX', cups_list: [] }, 'body.country'],
    [{ ...MADRID, logistic_factor: 1.2, cups_list: [] }, 'body.logistic_factor'],
    [{ ...MADRID, logistic_factor: -0.1, cups_list: [] }, 'body.logistic_factor'],
    [{ ...MADRID, categories: ['gas'] }, 'body.categories.0'],
    [{ ...MADRID, categories: ['heat', 'heat'] }, 'body.categories'],
    [{ ...MADRID, name: '   ' }, 'body.name'],
    [{ ...MADRID, status: 'closed' }, 'body.status'],
    [{ ...MADRID, unexpected: true }, 'body.unexpected'],
    [{ ...MADRID, cups_list: ['ES12'] }, 'body.cups_list.0'],
    [{ ...MADRID, logistic_factor: null }, 'body.logistic_factor'],
    [{ ...MADRID, logistic_factor: true }, 'body.logistic_factor'],
    [{ ...MADRID, logistic_factor: [0.3] }, 'body.logistic_factor'],
    [{ ...MADRID, name: 123 }, 'body.name'],
    [{ ...MADRID, name: ['Madrid'] }, 'body.name'],
    [{ ...MADRID, cups_list: 'ES1234123456789012JY' }, 'body.cups_list'],
    [{ ...MADRID, facility_purpose_type: 'castle' }, 'body.facility_purpose_type'],
    [{ ...MADRID, address: 'x'.repeat(501) }, 'body.address'],
  ])('refuses %j with 422 at %s and stores nothing', async (payload, field) => {
    const before = (await ctx.request({ method: 'GET', url: '/v1/facilities', key: acmeKey })).json().total;
    const { status, body } = await create(payload);
    expect(status).toBe(422);
    expect(body.detail.map((issue: { loc: (string | number)[] }) => issue.loc.join('.'))).toContain(field);
    expect((await ctx.request({ method: 'GET', url: '/v1/facilities', key: acmeKey })).json().total).toBe(before);
  });

  it("refuses the page's sample CUPS, whose control letters should be RK, naming the code", async () => {
    const { status, body } = await create({ ...MADRID, name: 'Bad CUPS', cups_list: ['ES1234123456789012JY', 'ES0021000000000001AA'] });
    expect(status).toBe(422);
    expect(body.detail).toEqual([
      { loc: ['body', 'cups_list', 1], msg: 'CUPS ES0021000000000001AA is invalid: control letters AA do not match the digits (expected RK)', type: 'cups' },
    ]);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const response = await ctx.request({ method: 'POST', url: '/v1/facilities', key: acmeKey, headers: { 'content-type': 'application/json' }, payload: '{"name": "Madrid' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ code: 'INVALID_PAYLOAD', detail: 'Request body is not valid JSON.' });
  });

  it('answers 422 to a facility id that is not a UUID', async () => {
    const response = await ctx.request({ method: 'GET', url: '/v1/facilities/not-a-uuid', key: acmeKey });
    expect(response.statusCode).toBe(422);
    expect(response.json().detail[0].loc).toEqual(['path', 'facility_id']);
  });
});

describe('CUPS ownership', () => {
  const cups = 'ES9750210987654321CQ';

  it('lets one active facility per organization hold a supply point, and frees it on archive', async () => {
    const first = await create({ name: 'Holder', type: 'office', country: 'ES', cups_list: [cups] });
    expect(first.status).toBe(201);
    const second = await create({ name: 'Intruder', type: 'office', country: 'ES', cups_list: [`${cups}0F`] });
    expect(second.status).toBe(422);
    expect(second.body.detail[0]).toMatchObject({ loc: ['body', 'cups_list', 0], msg: `CUPS ${cups}0F already belongs to active facility ${first.body.id}` });

    const archived = await create({ name: 'Archived holder', type: 'office', country: 'ES', status: 'archived', cups_list: [cups] });
    expect(archived.status).toBe(201);
    const reactivate = await ctx.request({ method: 'PATCH', url: `/v1/facilities/${archived.body.id}`, key: acmeKey, payload: { status: 'active' } });
    expect(reactivate.statusCode).toBe(422);

    await ctx.request({ method: 'PATCH', url: `/v1/facilities/${first.body.id}`, key: acmeKey, payload: { status: 'archived' } });
    const now = await ctx.request({ method: 'PATCH', url: `/v1/facilities/${archived.body.id}`, key: acmeKey, payload: { status: 'active' } });
    expect(now.statusCode).toBe(200);
  });

  it('lets another organization use the same supply point', async () => {
    expect((await create({ name: 'Globex Madrid', type: 'office', country: 'ES', cups_list: [cups] }, globexKey)).status).toBe(201);
  });

  it('refuses the same supply point twice in one list', async () => {
    const { status, body } = await create({ name: 'Twice', type: 'office', country: 'ES', cups_list: ['ES0291000000000001DN', 'es0291000000000001dn'] });
    expect(status).toBe(422);
    expect(body.detail[0].loc).toEqual(['body', 'cups_list', 1]);
  });
});

describe('listing facilities', () => {
  let org: TestOrganization;
  let key: string;

  beforeAll(async () => {
    org = await ctx.organization('Lister');
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
    const response = await ctx.request({ method: 'GET', url: `/v1/facilities${query}`, key });
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
    await ctx.db.query(sql`UPDATE facilities SET created_at = '2031-05-06T07:08:09.999999Z', updated_at = '2031-05-06T07:08:10Z', co2e = 1e-7, co2e_biomass = 123456789.125 WHERE id = ${odd.id}::uuid`);
    const body = await list('?size=100');
    for (const item of body.items) {
      const read = await ctx.request({ method: 'GET', url: `/v1/facilities/${item.id}`, key });
      expect(item).toEqual(read.json());
    }
    expect(body.items[0]).toEqual({
      ...odd,
      created_at: '2031-05-06T07:08:09.999Z',
      updated_at: '2031-05-06T07:08:10.000Z',
      co2e: 1e-7,
      co2e_biomass: 123456789.125,
    });
    await ctx.request({ method: 'DELETE', url: `/v1/facilities/${odd.id}`, key });
  });

  it.each(['?size=101', '?size=0', '?page=0', '?status[]=closed', '?type=castle', '?country=Spain', '?sort=name'])(
    'refuses %s with 422',
    async (query) => {
      const response = await ctx.request({ method: 'GET', url: `/v1/facilities${query}`, key });
      expect(response.statusCode).toBe(422);
      expect(response.json().code).toBe('VALIDATION_ERROR');
    },
  );
});

describe('facility credentials and tenancy', () => {
  let acmeFacility: string;

  beforeAll(async () => {
    acmeFacility = (await create({ name: 'Acme Secret Site', type: 'factory', country: 'US' })).body.id;
  });

  it('accepts Authorization: Bearer <api key>', async () => {
    const response = await ctx.request({ method: 'GET', url: `/v1/facilities/${acmeFacility}`, headers: { authorization: `Bearer ${acmeKey}` } });
    expect(response.statusCode).toBe(200);
  });

  it('accepts x-api-key with a matching x-organization-id, and x-api-key alone', async () => {
    const withOrg = await ctx.request({ method: 'GET', url: `/v1/facilities/${acmeFacility}`, headers: { 'x-api-key': acmeKey, 'x-organization-id': acme.id } });
    expect(withOrg.statusCode).toBe(200);
    const alone = await ctx.request({ method: 'GET', url: `/v1/facilities/${acmeFacility}`, headers: { 'x-api-key': acmeKey } });
    expect(alone.statusCode).toBe(200);
  });

  it("refuses x-api-key with another organization's id with 403", async () => {
    const response = await ctx.request({ method: 'GET', url: '/v1/facilities', headers: { 'x-api-key': acmeKey, 'x-organization-id': globex.id } });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('FORBIDDEN');
  });

  it('accepts a user access token with x-organization-id of an organization the user belongs to', async () => {
    const user = await identity.createUser(ctx.db, { email: 'ana@acme.test', password: 'correct horse battery' });
    await identity.addMember(ctx.db, acme.id, user.id, 'member');
    const token = (await ctx.request({ method: 'POST', url: '/v1/auth/token', payload: { email: 'ana@acme.test', password: 'correct horse battery' } })).json().access_token;
    const own = await ctx.request({ method: 'GET', url: `/v1/facilities/${acmeFacility}`, headers: { authorization: `Bearer ${token}`, 'x-organization-id': acme.id } });
    expect(own.statusCode).toBe(200);
    const other = await ctx.request({ method: 'GET', url: '/v1/facilities', headers: { authorization: `Bearer ${token}`, 'x-organization-id': globex.id } });
    expect(other.statusCode).toBe(403);
  });

  it('answers 401 without credentials or with an unknown key, before validating input', async () => {
    const none = await ctx.request({ method: 'POST', url: '/v1/facilities', payload: {} });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ code: 'UNAUTHORIZED', detail: 'Missing or invalid credentials.' });
    const unknown = await ctx.request({ method: 'GET', url: '/v1/facilities', headers: { 'x-api-key': 'sk_live_doesnotexist' } });
    expect(unknown.statusCode).toBe(401);
  });

  it('answers 403 to a key without the facilities scopes', async () => {
    const readOnly = await acme.key(['facilities:read']);
    expect((await ctx.request({ method: 'GET', url: '/v1/facilities', key: readOnly })).statusCode).toBe(200);
    const write = await ctx.request({ method: 'POST', url: '/v1/facilities', key: readOnly, payload: MADRID });
    expect(write.statusCode).toBe(403);
    expect(write.json()).toEqual({ code: 'FORBIDDEN', detail: 'This credential lacks the scope facilities:write.' });
    const emissionsOnly = await acme.key(['emissions:read']);
    expect((await ctx.request({ method: 'GET', url: '/v1/facilities', key: emissionsOnly })).statusCode).toBe(403);
  });

  it("never shows, lists, changes or deletes another organization's facility", async () => {
    const url = `/v1/facilities/${acmeFacility}`;
    const read = await ctx.request({ method: 'GET', url, key: globexKey });
    expect(read.statusCode).toBe(404);
    expect(read.json()).toEqual({ code: 'NOT_FOUND', detail: `Facility with id=${acmeFacility} not found` });
    const listed = await ctx.request({ method: 'GET', url: '/v1/facilities?size=100&name=Acme', key: globexKey });
    expect(listed.json().items).toEqual([]);
    expect((await ctx.request({ method: 'PATCH', url, key: globexKey, payload: { name: 'Pwned' } })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'PUT', url, key: globexKey, payload: { name: 'Pwned' } })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'DELETE', url, key: globexKey })).statusCode).toBe(404);
    const intact = await ctx.request({ method: 'GET', url, key: acmeKey });
    expect(intact.json().name).toBe('Acme Secret Site');
  });
});

describe('facility counts', () => {
  it('stay exact through creates, edits, archiving and deletes (checked against the rows)', async () => {
    const org = await ctx.organization('Counter');
    const key = await org.key(['facilities:read', 'facilities:write']);
    const ids: string[] = [];
    for (const [name, type, country] of [['A', 'office', 'ES'], ['B', 'office', 'FR'], ['C', 'store', 'ES']] as const) {
      ids.push((await create({ name, type, country }, key)).body.id);
    }
    await ctx.request({ method: 'PATCH', url: `/v1/facilities/${ids[0]}`, key, payload: { status: 'archived' } });
    await ctx.request({ method: 'PATCH', url: `/v1/facilities/${ids[1]}`, key, payload: { type: 'store', country: 'DE' } });
    await ctx.request({ method: 'DELETE', url: `/v1/facilities/${ids[2]}`, key });

    const list = async (query: string) => (await ctx.request({ method: 'GET', url: `/v1/facilities${query}`, key })).json();
    expect(await list('')).toMatchObject({ total: 2, total2: 1 });
    expect(await list('?type=store')).toMatchObject({ total: 1, total2: 0 });
    expect(await list('?country=ES&status[]=archived')).toMatchObject({ total: 1, total2: 1 });
    expect(await list('?name=a')).toMatchObject({ total: 1, total2: 1 });

    const drift = await ctx.db.query(sql`
      (SELECT organization_id, status, type, country, count(*)::int AS n FROM facilities GROUP BY 1, 2, 3, 4
       EXCEPT SELECT organization_id, status, type, country, facilities FROM facility_counts WHERE facilities <> 0)
      UNION ALL
      (SELECT organization_id, status, type, country, facilities FROM facility_counts WHERE facilities <> 0
       EXCEPT SELECT organization_id, status, type, country, count(*)::int FROM facilities GROUP BY 1, 2, 3, 4)`);
    expect(drift).toEqual([]);
  });
});

describe('list responses and concurrent writers', () => {
  it('never serve a page older than the last committed change, whoever made it', async () => {
    const org = await ctx.organization('Cached');
    const key = await org.key(['facilities:read', 'facilities:write']);
    const id = (await create({ name: 'Before', type: 'office', country: 'ES' }, key)).body.id;
    const get = async () => (await ctx.request({ method: 'GET', url: '/v1/facilities?size=5', key })).json();

    const first = await get();
    expect(await get()).toEqual(first);
    await ctx.request({ method: 'PATCH', url: `/v1/facilities/${id}`, key, payload: { name: 'After API' } });
    expect((await get()).items[0].name).toBe('After API');

    // Another process writing straight to the database must be seen too.
    await ctx.db.query(sql`UPDATE facilities SET name = 'After SQL' WHERE id = ${id}`);
    expect((await get()).items[0].name).toBe('After SQL');
    await ctx.db.query(sql`DELETE FROM facilities WHERE id = ${id}`);
    expect(await get()).toMatchObject({ items: [], total: 0 });
  });

  it('show a committed change to every request that starts after it, however many run at once', async () => {
    const org = await ctx.organization('Busy reader', 'enterprise');
    const key = await org.key(['facilities:read', 'facilities:write']);
    const id = (await create({ name: 'v0', type: 'office', country: 'ES' }, key)).body.id;
    const get = async () => (await ctx.request({ method: 'GET', url: '/v1/facilities', key })).json().items[0].name;
    for (let version = 1; version <= 5; version++) {
      const during = Array.from({ length: 10 }, get);
      await ctx.request({ method: 'PATCH', url: `/v1/facilities/${id}`, key, payload: { name: `v${version}` } });
      const after = await Promise.all(Array.from({ length: 10 }, get));
      expect(after).toEqual(Array(10).fill(`v${version}`));
      for (const name of await Promise.all(during)) expect([`v${version - 1}`, `v${version}`]).toContain(name);
    }
  });

  it('lets many writers change one organization at once without errors, keeping counts exact', async () => {
    const org = await ctx.organization('Many writers', 'enterprise');
    const key = await org.key(['facilities:read', 'facilities:write']);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await create({ name: `W${i}`, type: i % 2 ? 'office' : 'store', country: i % 3 ? 'ES' : 'FR' }, key)).body.id);
    for (let round = 0; round < 3; round++) {
      const writes = ids.flatMap((id, i) => [
        ctx.request({ method: 'PATCH', url: `/v1/facilities/${id}`, key, payload: { status: (round + i) % 2 ? 'archived' : 'active', type: round % 2 ? 'factory' : 'office' } }),
        ctx.request({ method: 'POST', url: '/v1/facilities', key, payload: { name: `N${round}-${i}`, type: 'warehouse', country: 'DE' } }),
      ]);
      const codes = (await Promise.all(writes)).map((response) => response.statusCode);
      expect(codes.filter((code) => code >= 300)).toEqual([]);
    }
    const listed = (await ctx.request({ method: 'GET', url: '/v1/facilities', key })).json();
    const [row] = await ctx.db.query<{ n: number; archived: number }>(sql`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'archived')::int AS archived FROM facilities WHERE organization_id = ${org.id}`);
    expect({ total: listed.total, total2: listed.total2 }).toEqual({ total: row!.n, total2: row!.archived });
  });
});
