import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import { asUser, signedInUser, type TestUser } from '../../../test/support/accounts.js';
import { insertScenes } from '../catalog/catalog-writes.queries.js';
import { SCENES } from '../catalog/catalog.fixture.js';

let ctx: TestContext;
let acme: TestOrganization;
let globex: TestOrganization;
let staff: TestUser;
let lead: TestUser;
let ana: TestUser;
let bob: TestUser;
let outsider: TestUser;
let acmeKey: string;

const [A, B, , , D] = SCENES.map((s) => s.id) as [string, string, string, string, string, string];
const PRIVATE = '00000000-0000-4000-8000-0000000000c1';

type Who = TestUser | string | undefined;
const auth = (who: Who) => (who === undefined ? {} : typeof who === 'string' ? { key: who } : { headers: asUser(who.access) });
const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, who: Who, payload?: object) =>
  ctx.request({ method, url: url.startsWith('/api') ? url : `/api/v1/picker${url}`, ...auth(who), ...(payload ? { payload } : {}) });

beforeAll(async () => {
  ctx = await createTestContext();
  acme = await ctx.organization('Acme');
  globex = await ctx.organization('Globex');
  staff = await signedInUser(ctx, 'staff@acme.test', { staff: true, organization: { id: acme.id, role: 'member' } });
  lead = await signedInUser(ctx, 'lead@acme.test', { organization: { id: acme.id, role: 'member' } });
  ana = await signedInUser(ctx, 'ana@acme.test', { organization: { id: acme.id, role: 'member' } });
  bob = await signedInUser(ctx, 'bob@acme.test', { organization: { id: acme.id, role: 'member' } });
  outsider = await signedInUser(ctx, 'eve@globex.test', { organization: { id: globex.id, role: 'owner' } });
  acmeKey = await acme.key(['picker:read', 'picker:write', 'catalog:read', 'catalog:write']);
  await insertScenes(ctx.db, SCENES, null);
  await ctx.db.query(sql`UPDATE scenes SET assessed = false WHERE id = ${D}`);
  // Globex's private scene: not visible to Acme.
  await ctx.db.query(sql`
    INSERT INTO scenes (id, name, instrument, "timestamp", status, organization_id)
    VALUES (${PRIVATE}, 'GAO20240401t150000p0000', 'GAO', '2024-04-01T15:00:00Z', 'valid', ${globex.id})`);
});
afterAll(() => ctx?.close());

describe('picker assignments', () => {
  let id: number;

  it('creates an assignment of scenes to members, with a To Do status per assignee and scene', async () => {
    const created = await call('POST', '/assignment', lead, { assignees: [ana.number, bob.number], scenes: [A, B], note: 'January passes' });
    expect(created.statusCode, created.body).toBe(200);
    const body = created.json();
    id = body.id;
    expect(body).toMatchObject({ status: 'To Do', note: 'January passes', user: { id: lead.number, email: 'lead@acme.test', is_staff: false, organizations: [{ id: acme.id, name: 'Acme', role: 'member' }] } });
    expect(body.assignees.map((u: { id: number }) => u.id)).toEqual([ana.number, bob.number].sort((x, y) => x - y));
    expect([...body.scenes].sort()).toEqual([A, B].sort());
    expect(body.usersceneassignmentstatus_set).toHaveLength(4);
    expect(body.usersceneassignmentstatus_set[0]).toMatchObject({ status: 'To Do', assignment: { id, note: 'January passes', status: 'To Do' } });
    const names = body.usersceneassignmentstatus_set.map((s: { scene: { name: string } }) => s.scene.name);
    expect(new Set(names)).toEqual(new Set([SCENES[0]!.name, SCENES[1]!.name]));

    const got = await call('GET', `/assignment/${id}`, ana);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(body);
  });

  it('lists with the page filters and paging', async () => {
    const second = await call('POST', '/assignment', acmeKey, { assignees: [bob.number], scenes: [D], user_id: staff.number });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().user.id).toBe(staff.number);
    const list = async (query: string) => {
      const response = await call('GET', `/assignments${query}`, ana);
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as { items: { id: number }[]; count: number };
    };
    expect((await list('')).count).toBe(2);
    expect((await list(`?assignee_id=${ana.number}`)).items.map((a) => a.id)).toEqual([id]);
    expect((await list(`?assigner_id=${staff.number}`)).items.map((a) => a.id)).toEqual([second.json().id]);
    expect((await list('?scene_search=20240215')).items.map((a) => a.id)).toEqual([second.json().id]);
    expect((await list('?assignment_status=Done')).count).toBe(0);
    expect((await list('?assignment_status=To%20Do')).count).toBe(2);
    const page = await list('?limit=1&offset=1');
    expect(page).toMatchObject({ count: 2, items: [{ id }] });
  });

  it('refuses invalid bodies with 422 naming the field', async () => {
    const empty = await call('POST', '/assignment', lead, { assignees: [], scenes: [A] });
    expect(empty.statusCode).toBe(422);
    expect(empty.json().detail[0].loc).toEqual(['body', 'assignees']);
    const stranger = await call('POST', '/assignment', lead, { assignees: [ana.number, outsider.number], scenes: [A] });
    expect(stranger.statusCode).toBe(422);
    expect(stranger.json().detail[0].loc).toEqual(['body', 'assignees', 1]);
    const hidden = await call('POST', '/assignment', lead, { assignees: [ana.number], scenes: [PRIVATE] });
    expect(hidden.statusCode).toBe(422);
    expect(hidden.json().detail[0]).toMatchObject({ loc: ['body', 'scenes', 0], msg: expect.stringContaining('not found') });
    expect((await call('POST', '/assignment', lead, { assignees: [ana.number], scenes: ['not-a-uuid'] })).statusCode).toBe(422);
    expect((await call('GET', '/assignments?limit=0', lead)).statusCode).toBe(422);
    expect((await call('GET', '/assignments?assignment_status=Later', lead)).statusCode).toBe(422);
  });

  it('asks for credentials and the picker scopes, and hides other organizations’ assignments', async () => {
    expect((await call('GET', '/assignments', undefined)).statusCode).toBe(401);
    expect((await call('POST', '/assignment', undefined, { assignees: [1], scenes: [A] })).statusCode).toBe(401);
    expect((await call('GET', '/assignments', await acme.key(['catalog:read']))).statusCode).toBe(403);
    expect((await call('POST', '/assignment', await acme.key(['picker:read']), { assignees: [ana.number], scenes: [A] })).statusCode).toBe(403);
    expect((await call('GET', `/assignment/${id}`, outsider)).statusCode).toBe(404);
    expect((await call('PUT', `/assignment/${id}`, outsider, { assignees: [outsider.number], scenes: [PRIVATE] })).statusCode).toBe(404);
    expect((await call('DELETE', `/assignment/${id}`, outsider)).statusCode).toBe(404);
    expect((await call('GET', '/assignments', outsider)).json()).toEqual({ items: [], count: 0 });
    // Outsiders cannot assign Acme's members either.
    expect((await call('POST', '/assignment', outsider, { assignees: [ana.number], scenes: [PRIVATE] })).statusCode).toBe(422);
  });

  it('lets staff and the assigner modify and delete; assignees may not', async () => {
    const byAssignee = await call('PUT', `/assignment/${id}`, ana, { assignees: [ana.number], scenes: [A] });
    expect(byAssignee.statusCode).toBe(403);
    expect((await call('DELETE', `/assignment/${id}`, bob)).statusCode).toBe(403);
    expect((await call('POST', '/assignment', ana, { assignees: [ana.number], scenes: [A], user_id: lead.number })).statusCode).toBe(403);

    const before = (await call('GET', `/assignment/${id}`, lead)).json();
    const kept = before.usersceneassignmentstatus_set.find((s: { user: { id: number }; scene_id: string }) => s.user.id === ana.number && s.scene_id === A);
    const modified = await call('PUT', `/assignment/${id}`, lead, { assignees: [ana.number], scenes: [A, D], note: 'now with D' });
    expect(modified.statusCode, modified.body).toBe(200);
    expect(modified.json()).toMatchObject({ note: 'now with D', assignees: [{ id: ana.number }] });
    expect(modified.json().usersceneassignmentstatus_set.map((s: { pk: number }) => s.pk)).toContain(kept.pk);
    expect(modified.json().usersceneassignmentstatus_set).toHaveLength(2);

    const patched = await call('PATCH', `/assignment/${id}`, staff, { note: null });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ note: null, scenes: expect.arrayContaining([A, D]) });

    const throwaway = (await call('POST', '/assignment', lead, { assignees: [bob.number], scenes: [B] })).json();
    const deleted = await call('DELETE', `/assignment/${throwaway.id}`, lead);
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toBe(true);
    expect((await call('GET', `/assignment/${throwaway.id}`, lead)).statusCode).toBe(404);
  });
});

describe('scene statuses and assessments', () => {
  let assignment: { id: number; usersceneassignmentstatus_set: { pk: number; user: { id: number }; scene_id: string }[] };
  const statusOf = (user: TestUser, scene: string) => assignment.usersceneassignmentstatus_set.find((s) => s.user.id === user.number && s.scene_id === scene)!.pk;

  beforeAll(async () => {
    assignment = (await call('POST', '/assignment', staff, { assignees: [ana.number, bob.number], scenes: [D], note: 'review D' })).json();
  });

  it('lets an assignee move their own status, answering the page’s status object', async () => {
    const response = await call('PUT', `/scene-assessment-status/${statusOf(ana, D)}`, ana, { status: 'In Progress' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      pk: statusOf(ana, D),
      user: { id: ana.number, email: 'ana@acme.test', label: 'Test ana' },
      scene_id: D,
      scene: { name: SCENES[4]!.name },
      assignment: { id: assignment.id, note: 'review D', status: 'In Progress' },
      status: 'In Progress',
    });
    expect((await call('PUT', `/scene-assessment-status/${statusOf(bob, D)}`, ana, { status: 'Done' })).statusCode).toBe(403);
    expect((await call('PUT', `/scene-assessment-status/${statusOf(bob, D)}`, acmeKey, { status: 'Done' })).statusCode).toBe(403);
    expect((await call('PUT', `/scene-assessment-status/${statusOf(bob, D)}`, outsider, { status: 'Done' })).statusCode).toBe(404);
    expect((await call('PUT', `/scene-assessment-status/${statusOf(ana, D)}`, ana, { status: 'Finished' })).statusCode).toBe(422);
    expect((await call('PUT', `/scene-assessment-status/${statusOf(ana, D)}`, undefined, { status: 'Done' })).statusCode).toBe(401);
  });

  it('saves, updates and reads back an assessment; API keys and outsiders cannot', async () => {
    const body = { scene_id: D, scene_assessment_status_id: statusOf(ana, D), image_artifacts: { striping: true }, low_snr: true, cloud_cover_pct: 10, note: 'faint' };
    const saved = await call('PUT', '/scene-assessment', ana, body);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ user: ana.number, image_artifacts: { striping: true }, low_snr: true, geolocation_error: null, atmospheric_artifacts: {}, cloud_cover_pct: 10, note: 'faint' });
    const updated = await call('POST', '/scene-assessment', ana, { scene_id: D, geolocation_error: true, note: null });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ id: saved.json().id, low_snr: true, geolocation_error: true, note: null, cloud_cover_pct: 10 });
    expect((await call('GET', `/${D}/scene-assessment`, ana)).json()).toEqual(updated.json());
    expect((await call('GET', `/${D}/scene-assessment`, acmeKey)).json().id).toBe(saved.json().id);
    expect((await call('GET', `/${D}/scene-assessment`, bob)).statusCode).toBe(404);

    expect((await call('PUT', '/scene-assessment', ana, { scene_id: D, cloud_cover_pct: 101 })).statusCode).toBe(422);
    const notMine = await call('PUT', '/scene-assessment', ana, { scene_id: D, scene_assessment_status_id: statusOf(bob, D) });
    expect(notMine.statusCode).toBe(422);
    expect(notMine.json().detail[0].loc).toEqual(['body', 'scene_assessment_status_id']);
    expect((await call('PUT', '/scene-assessment', acmeKey, { scene_id: D })).statusCode).toBe(403);
    expect((await call('PUT', '/scene-assessment', ana, { scene_id: PRIVATE })).statusCode).toBe(404);
    expect((await call('GET', `/${PRIVATE}/scene-assessment`, ana)).statusCode).toBe(404);
    expect((await call('GET', `/${D}/scene-assessment`, outsider)).statusCode).toBe(404);
  });

  it('feeds the catalog: assignment filters and the assessed rule read the picker', async () => {
    const scenes = async (query: string, key = acmeKey) => {
      const response = await call('GET', `/api/v1/catalog/scenes?${query}`, key);
      expect(response.statusCode, response.body).toBe(200);
      return (response.json().items as { id: string; assessed: boolean }[]).map((s) => s.id).sort();
    };
    expect(await scenes(`assignees=${bob.number}`)).toEqual([D]);
    expect(await scenes('hasAssignees=True')).toEqual([A, D].sort());
    expect(await scenes('hasAssignees=false')).not.toContain(A);
    expect(await scenes('assignment_status=In%20Progress')).toEqual([D]);
    expect(await scenes('assignment_modified_datetime=2000-01-01/..')).toEqual([A, D].sort());
    // Scenes carry your organization's assignee statuses (the page's usersceneassignmentstatus_set).
    const sceneD = (await call('GET', `/api/v1/catalog/scene/${D}`, acmeKey)).json();
    const onD = sceneD.usersceneassignmentstatus_set as { pk: number; user: { id: number }; status: string; assignment: { id: number } }[];
    expect(onD.find((s) => s.pk === statusOf(ana, D))).toMatchObject({ user: { id: ana.number }, status: 'In Progress', assignment: { id: assignment.id } });
    expect(onD.map((s) => s.user.id)).toContain(bob.number);
    // Assignments are Acme's own: other organizations and readers without catalog:write see none.
    const globexKey = await globex.key(['catalog:read', 'catalog:write']);
    expect(await scenes('hasAssignees=true', globexKey)).toEqual([]);
    expect((await call('GET', `/api/v1/catalog/scene/${D}`, globexKey)).json().usersceneassignmentstatus_set).toEqual([]);
    expect(await scenes(`assignees=${bob.number}`, await acme.key(['catalog:read']))).toEqual([]);

    const mql = async () => (await call('GET', '/api/v1/catalog/mql-scene-count', acmeKey)).json();
    const awaiting = await mql();
    expect(await scenes('assessment_status=not-assessed')).toEqual([D]);
    expect((await call('GET', `/api/v1/catalog/can-complete-scene/${D}`, acmeKey)).json()).toBe(false);
    // Ana's assessment counts once her status on D is Done (a staff member made the assignment).
    await call('PUT', `/scene-assessment-status/${statusOf(ana, D)}`, ana, { status: 'Done' });
    expect(await scenes('assessment_status=not-assessed')).toEqual([]);
    expect(await scenes('assessment_status=assessed')).toContain(D);
    expect(await mql()).toBe(awaiting - 1);
    expect((await call('GET', `/api/v1/catalog/can-complete-scene/${D}`, acmeKey)).json()).toBe(true);
    const annotated = await call('GET', '/api/v1/catalog/scenes/annotated', undefined);
    expect((annotated.json().items as { id: string }[]).map((s) => s.id)).toContain(D);
    const assignmentNow = (await call('GET', `/assignment/${assignment.id}`, staff)).json();
    expect(assignmentNow.status).toBe('In Progress');
  });
});
