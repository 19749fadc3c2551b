import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import { asUser, signedInUser, type TestUser } from '../../../test/support/accounts.js';

let ctx: TestContext;
let acme: TestOrganization;
let globex: TestOrganization;
let admin: TestUser;
let member: TestUser;
let outsider: TestUser;
let staff: TestUser;

beforeAll(async () => {
  ctx = await createTestContext();
  acme = await ctx.organization('Acme');
  globex = await ctx.organization('Globex');
  admin = await signedInUser(ctx, 'admin@acme.test', { organization: { id: acme.id, role: 'admin' } });
  member = await signedInUser(ctx, 'member@acme.test', { organization: { id: acme.id, role: 'viewer' } });
  outsider = await signedInUser(ctx, 'outsider@globex.test', { organization: { id: globex.id, role: 'owner' } });
  staff = await signedInUser(ctx, 'staff@atlas.test', { staff: true });
});
afterAll(() => ctx?.close());

const get = (user: TestUser, url: string) => ctx.request({ method: 'GET', url, headers: asUser(user.access) });
const patch = (user: TestUser, url: string, payload: object) => ctx.request({ method: 'PATCH', url, headers: asUser(user.access), payload });

describe('GET/PATCH /api/v1/account/me', () => {
  it('shows the page fields with organizations and groups, and patches the profile', async () => {
    const me = await get(member, '/api/v1/account/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      id: member.number,
      email: 'member@acme.test',
      label: 'Test member',
      organizations: [{ id: acme.id, name: 'Acme', role: 'viewer' }],
      groups: { platform: ['users'], [acme.id]: ['viewer'] },
      industry: null,
      usage: null,
      is_staff: false,
    });
    expect(Date.parse(me.json().date_joined)).toBeGreaterThan(0);

    const changed = await patch(member, '/api/v1/account/me', { title: 'Methane analyst', industry: 'government', usage: 'developer', notes: 'hi' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ title: 'Methane analyst', industry: 'government', usage: 'developer', notes: 'hi', organization: '' });
    expect((await get(member, '/api/v1/account/me')).json().title).toBe('Methane analyst');
  });

  it('answers 422 for a value outside the enums, 401 anonymously and 403 to API keys', async () => {
    const invalid = await patch(member, '/api/v1/account/me', { industry: 'mining' });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().detail[0].loc).toEqual(['body', 'industry']);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/account/me' })).statusCode).toBe(401);
    const key = await acme.key();
    const keyed = await ctx.request({ method: 'GET', url: '/api/v1/account/me', key });
    expect(keyed.statusCode).toBe(403);
    expect(keyed.json().detail).toMatch(/user token/);
  });
});

describe('GET/PATCH /api/v1/account/user/{user_id}', () => {
  it('lets a user read and change themselves', async () => {
    expect((await get(outsider, `/api/v1/account/user/${outsider.number}`)).json().email).toBe('outsider@globex.test');
    expect((await patch(outsider, `/api/v1/account/user/${outsider.number}`, { organization: 'Globex' })).json().organization).toBe('Globex');
  });

  it('refuses another user, even an organization admin, whether or not the id exists', async () => {
    for (const url of [`/api/v1/account/user/${member.number}`, '/api/v1/account/user/999999']) {
      expect((await get(admin, url)).statusCode).toBe(403);
      expect((await patch(admin, url, { title: 'changed by someone else' })).statusCode).toBe(403);
    }
    expect((await get(member, '/api/v1/account/me')).json().title).not.toBe('changed by someone else');
  });

  it('lets staff read and change anyone, with 404 for unknown ids', async () => {
    expect((await get(staff, `/api/v1/account/user/${member.number}`)).json().email).toBe('member@acme.test');
    expect((await patch(staff, `/api/v1/account/user/${member.number}`, { notes: 'verified researcher' })).json().notes).toBe('verified researcher');
    expect((await get(staff, '/api/v1/account/user/999999')).statusCode).toBe(404);
    expect((await get(staff, '/api/v1/account/user/abc')).statusCode).toBe(422);
  });
});

describe('GET /api/v1/account/users', () => {
  const emails = (body: { items: { email: string }[] }) => body.items.map((user) => user.email);

  it('shows staff everyone, with count, limit and offset', async () => {
    const all = (await get(staff, '/api/v1/account/users')).json();
    expect(all.count).toBe(4);
    expect(emails(all)).toEqual(['admin@acme.test', 'member@acme.test', 'outsider@globex.test', 'staff@atlas.test']);
    const page = (await get(staff, '/api/v1/account/users?limit=2&offset=1')).json();
    expect(page).toMatchObject({ count: 4 });
    expect(emails(page)).toEqual(['member@acme.test', 'outsider@globex.test']);
  });

  it('shows an organization admin its members only, and anyone else only themselves', async () => {
    expect(emails((await get(admin, '/api/v1/account/users')).json())).toEqual(['admin@acme.test', 'member@acme.test']);
    expect((await get(member, '/api/v1/account/users')).json()).toMatchObject({ count: 1, items: [{ email: 'member@acme.test' }] });
    expect(emails((await get(outsider, `/api/v1/account/users?ids=${member.number}`)).json())).toEqual([]);
  });

  it('filters by ids (repeated), search and organizations', async () => {
    const byIds = (await get(staff, `/api/v1/account/users?ids=${admin.number}&ids=${outsider.number}`)).json();
    expect(emails(byIds)).toEqual(['admin@acme.test', 'outsider@globex.test']);
    expect(emails((await get(staff, '/api/v1/account/users?search=GLOBEX')).json())).toEqual(['outsider@globex.test']);
    expect(emails((await get(staff, '/api/v1/account/users?search=%25')).json())).toEqual([]);
    expect(emails((await get(staff, `/api/v1/account/users?organizations=${acme.id}`)).json())).toEqual(['admin@acme.test', 'member@acme.test']);
    expect((await get(staff, '/api/v1/account/users?limit=0')).statusCode).toBe(422);
    expect((await get(staff, '/api/v1/account/users?organizations=acme')).statusCode).toBe(422);
  });
});

describe('saved search requests', () => {
  const create = (user: TestUser, payload: object) => ctx.request({ method: 'POST', url: '/api/v1/account/search-request', headers: asUser(user.access), payload });

  it('creates, reads, patches, lists and deletes the caller’s own searches', async () => {
    const payload = {
      aoi_id: '47ac573b-504e-44c4-a998-0f3c19fa0f21',
      name: 'Permian CH4',
      query: { gas: 'CH4', bbox: [-104, 31, -101, 33], sectors: ['1B2'] },
      change_detection_enabled: true,
      change_detection_schedule: 'Daily',
    };
    const created = await create(member, payload);
    expect(created.statusCode).toBe(200);
    const search = created.json();
    expect(search).toMatchObject({ aoi: payload.aoi_id, name: 'Permian CH4', query: payload.query, change_detection_enabled: true, change_detection_schedule: 'Daily' });
    expect(Date.parse(search.created)).toBeGreaterThan(0);

    expect((await get(member, `/api/v1/account/search-request/${search.id}`)).json()).toEqual(search);
    const patched = await patch(member, `/api/v1/account/search-request/${search.id}`, { change_detection_schedule: 'Weekly', aoi_id: null });
    expect(patched.json()).toMatchObject({ change_detection_schedule: 'Weekly', aoi: null, name: 'Permian CH4', query: payload.query });

    await create(member, { name: 'second' });
    const list = (await get(member, '/api/v1/account/search-requests?limit=1')).json();
    expect(list.count).toBe(2);
    expect(list.items).toHaveLength(1);
    expect(list.items[0].name).toBe('second');
    expect((await create(member, {})).json()).toMatchObject({ name: '', query: {}, change_detection_enabled: false, change_detection_schedule: null });

    const deleted = await ctx.request({ method: 'DELETE', url: `/api/v1/account/search-request/${search.id}`, headers: asUser(member.access) });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toBe(`Search request ${search.id} deleted.`);
    expect((await get(member, `/api/v1/account/search-request/${search.id}`)).statusCode).toBe(404);
  });

  it('never shows or changes another user’s search (404)', async () => {
    const search = (await create(admin, { name: 'private' })).json();
    const url = `/api/v1/account/search-request/${search.id}`;
    expect((await get(outsider, url)).statusCode).toBe(404);
    expect((await get(outsider, url)).json()).toEqual({ detail: `Search request ${search.id} not found.`, code: 'NOT_FOUND' });
    expect((await patch(outsider, url, { name: 'mine now' })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'DELETE', url, headers: asUser(outsider.access) })).statusCode).toBe(404);
    expect((await get(outsider, '/api/v1/account/search-requests')).json()).toEqual({ items: [], count: 0 });
    expect((await get(admin, url)).json().name).toBe('private');
  });

  it('validates the schedule, the query object and the ids', async () => {
    expect((await create(member, { change_detection_schedule: 'Hourly' })).statusCode).toBe(422);
    expect((await create(member, { query: [1, 2] })).statusCode).toBe(422);
    expect((await create(member, { aoi_id: 'nope' })).statusCode).toBe(422);
    expect((await get(member, '/api/v1/account/search-request/not-a-uuid')).statusCode).toBe(422);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/account/search-requests' })).statusCode).toBe(401);
  });
});
