import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sql from 'sql-template-tag';
import { createTestContext, type TestContext } from '../test/support/test-app.js';
import type { Database, Queryable } from './platform/db/database.js';
import { DEMO_USER_EMAIL, seedDemoData } from './seed.js';
import * as identity from './platform/identity/identity.service.js';
import { loadDemoCatalog } from './modules/catalog/demo/demo.service.js';

const DEMO = identity.BOOTSTRAP_ORGANIZATION_ID;
let ctx: TestContext;
let first: Awaited<ReturnType<typeof seedDemoData>>;

beforeAll(async () => {
  ctx = await createTestContext();
  first = await seedDemoData(ctx.db, undefined);
});
afterAll(() => ctx?.close());

async function liveDemoKeys() {
  return (await identity.listApiKeys(ctx.db, DEMO)).filter((key) => key.name === 'demo' && !key.revoked_at);
}

/** The database, failing the first statement of the seed's transaction that matches `pattern`. */
function failingOn(db: Database, pattern: RegExp): Database {
  const wrap = (target: Queryable): Queryable => ({
    query: (statement) => (pattern.test(statement.text) ? Promise.reject(new Error('injected failure')) : target.query(statement)),
  });
  return { ...db, transaction: (work) => db.transaction((tx) => work(wrap(tx))) };
}

describe('demo data', { timeout: 120_000 }, () => {
  it('gives the demo organization a year of consumption, scope 1-3 records and a user who can sign in', async () => {
    expect(first).toMatchObject({ organizationId: DEMO, facilities: 5, emissions: 218, plumes: 3000, user: { email: DEMO_USER_EMAIL } });
    expect(first.apiKey).toMatch(/^sk_live_/);

    const facilities = await ctx.request({ method: 'GET', url: '/v1/facilities?size=100', key: first.apiKey! });
    const byName = Object.fromEntries((facilities.json().items as { name: string; co2e: number }[]).map((f) => [f.name, f.co2e]));
    expect(byName['Madrid Office']).toBeGreaterThan(0);
    expect(byName['Frankfurt Datacenter']).toBeGreaterThan(byName['Madrid Office']!);
    expect(byName['Seville Store']).toBe(0);

    const scopes = await ctx.db.query<{ scope: number; n: number }>(sql`
      SELECT scope, count(*)::int AS n FROM emissions WHERE organization_id = ${DEMO} AND voided_at IS NULL GROUP BY scope ORDER BY scope`);
    expect(scopes.map((row) => row.scope)).toEqual([1, 2, 3]);
    expect(scopes.reduce((sum, row) => sum + row.n, 0)).toBe(218);

    const listed = await ctx.request({ method: 'GET', url: '/v2/emissions?start_date=2024-01-01&end_date=2024-12-31&scope=1,2,3', key: first.apiKey! });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().data.length).toBeGreaterThan(0);

    const pair = await ctx.request({ method: 'POST', url: '/api/v1/token/pair', payload: { email: DEMO_USER_EMAIL, password: first.user.password } });
    expect(pair.statusCode, pair.body).toBe(200);
    const me = await ctx.request({ method: 'GET', url: '/v1/whoami', key: pair.json().access });
    expect(me.statusCode).toBe(200);
  });

  it('is idempotent: seeding again adds nothing, rotates the key and the password, and leaves one live demo key', async () => {
    const count = async () => (await ctx.db.query<{ n: number }>(sql`SELECT (SELECT count(*) FROM emissions) + (SELECT count(*) FROM facility_consumption) + (SELECT count(*) FROM plumes) + (SELECT count(*) FROM facilities) AS n`))[0]!.n;
    const before = await count();
    const again = await seedDemoData(ctx.db, undefined);
    expect(await count()).toBe(before);
    expect(again).toMatchObject({ facilities: 5, emissions: 218, plumes: 3000 });
    expect(again.apiKey).not.toBe(first.apiKey);
    expect(again.user.password).not.toBe(first.user.password);
    expect(await liveDemoKeys()).toHaveLength(1);
    // Revoked in the database at once; a server may trust a key it looked up for 5 s more (api-key-cache.ts).
    const old = (await identity.listApiKeys(ctx.db, DEMO)).find((key) => first.apiKey!.startsWith(key.prefix));
    expect(old?.revoked_at).toBeTruthy();
    first = again;
  });

  it('two seeds at once both succeed and leave one live demo key', async () => {
    const [a, b] = await Promise.all([seedDemoData(ctx.db, undefined), seedDemoData(ctx.db, undefined)]);
    expect(a.plumes).toBe(3000);
    expect(b.plumes).toBe(3000);
    const live = await liveDemoKeys();
    expect(live).toHaveLength(1);
    first = [a, b].find((result) => result.apiKey!.startsWith(live[0]!.prefix))!;
    expect(first).toBeDefined();
  });

  it('a seed that fails part-way changes nothing: the demo key stays live and no new one exists', async () => {
    const keysBefore = (await identity.listApiKeys(ctx.db, DEMO)).length;
    await expect(seedDemoData(failingOn(ctx.db, /INSERT INTO scenes/), undefined)).rejects.toThrow('injected failure');
    expect((await identity.listApiKeys(ctx.db, DEMO)).length).toBe(keysBefore);
    expect((await ctx.request({ method: 'GET', url: '/v1/whoami', key: first.apiKey! })).statusCode).toBe(200);
  });

  it('still seeds after a user re-created a demo site with its CUPS (the demo site returns without it)', async () => {
    const madrid = '550e8400-e29b-41d4-a716-446655440000';
    expect((await ctx.request({ method: 'DELETE', url: `/v1/facilities/${madrid}`, key: first.apiKey! })).statusCode).toBe(204);
    const mine = await ctx.request({
      method: 'POST',
      url: '/v1/facilities',
      key: first.apiKey!,
      payload: { name: 'My Madrid', type: 'office', country: 'ES', categories: ['electricity'], cups_list: ['ES0021000000000001RK'] },
    });
    expect(mine.statusCode, mine.body).toBe(201);
    first = await seedDemoData(ctx.db, undefined);
    const back = await ctx.request({ method: 'GET', url: `/v1/facilities/${madrid}`, key: first.apiKey! });
    expect(back.json()).toMatchObject({ name: 'Madrid Office', cups_list: [] });
    expect(back.json().co2e).toBeGreaterThan(0);
  });

  it('a public demo catalog (demo-plumes) beside the demo data never collides, and seeding still works after it', async () => {
    const sameNames = await loadDemoCatalog(ctx.db, { plumes: 300, seed: 2019, organizationId: null });
    expect(sameNames.plumes + sameNames.skipped).toBe(300);
    const other = await loadDemoCatalog(ctx.db, { plumes: 300, seed: 42, organizationId: null });
    expect(other.plumes).toBeGreaterThan(250);
    const again = await loadDemoCatalog(ctx.db, { plumes: 300, seed: 42, organizationId: null });
    expect(again.plumes).toBe(other.plumes);
    first = await seedDemoData(ctx.db, undefined);
    expect(first.plumes).toBe(3000);
    const orphans = await ctx.db.query<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM plumes p JOIN scenes s ON s.id = p.scene_id
      WHERE s.name <> p.scene_name OR s.organization_id IS DISTINCT FROM p.organization_id`);
    expect(orphans[0]!.n).toBe(0);
  });
});
