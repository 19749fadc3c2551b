import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test/support/test-app.js';
import * as identity from './platform/identity/identity.service.js';
import { DEMO_USER_EMAIL, seedDemoData } from './seed.js';
import { DEMO_ANALYST_EMAIL } from './modules/picker/picker.seed.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx?.close());

describe('seeding beside accounts people registered', () => {
  it('never makes an account someone registered under the demo addresses a member of the demo organization, nor resets its password', { timeout: 300_000 }, async () => {
    const squatter = await identity.createUser(ctx.db, { email: DEMO_USER_EMAIL, password: 'their own password 1', firstName: 'Not', lastName: 'Demo' });
    const analyst = await identity.createUser(ctx.db, { email: DEMO_ANALYST_EMAIL, password: 'their own password 2', firstName: 'Not', lastName: 'Analyst' });
    const [before] = await ctx.db.query<{ password_hash: string }>(sql`SELECT password_hash FROM users WHERE id = ${squatter.id}`);
    const result = await seedDemoData(ctx.db, undefined);
    expect(result.user).toEqual({ email: DEMO_USER_EMAIL, password: null });
    expect(await identity.getMembership(ctx.db, squatter.id, result.organizationId)).toBeFalsy();
    expect(await identity.getMembership(ctx.db, analyst.id, result.organizationId)).toBeFalsy();
    const [after] = await ctx.db.query<{ password_hash: string }>(sql`SELECT password_hash FROM users WHERE id = ${squatter.id}`);
    expect(after!.password_hash).toBe(before!.password_hash);
  });
});
