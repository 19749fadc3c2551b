import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../../test/support/test-app.js';
import * as queries from './webhooks.queries.js';
import { DROPPED_REASON, emit, MAX_PENDING_DELIVERIES } from './webhooks.service.js';

let ctx: TestContext;
let acme: TestOrganization;
beforeAll(async () => {
  ctx = await createTestContext({ WEBHOOK_WORKERS: '0' });
  acme = await ctx.organization('Acme');
});
afterAll(() => ctx?.close());

const subscribe = (url: string) => queries.insertSubscription(ctx.db, { organizationId: acme.id, url, events: ['emission.created'], secret: 'whsec_test' });

/** An endpoint that has not taken its deliveries: `count` pending, a second apart, oldest first. */
async function backlog(subscriptionId: string, count: number) {
  await ctx.db.query(sql`
    INSERT INTO webhook_deliveries (organization_id, subscription_id, event, payload, created_at)
    SELECT ${acme.id}, ${subscriptionId}, 'emission.created', jsonb_build_object('n', n), now() - make_interval(secs => ${count} - n + 1)
    FROM generate_series(1, ${count}) AS n`);
}

const states = (subscriptionId: string) =>
  ctx.db.query<{ state: string; last_error: string | null; n: number }>(sql`
    SELECT state, last_error, count(*)::int AS n FROM webhook_deliveries WHERE subscription_id = ${subscriptionId} GROUP BY 1, 2 ORDER BY 1`);

describe('webhook backlog per endpoint', () => {
  it(`keeps at most ${MAX_PENDING_DELIVERIES} pending deliveries per endpoint: the oldest are dropped, marked failed and shown in the log`, async () => {
    const slow = await subscribe('https://slow.example.com/hook');
    await backlog(slow.id, MAX_PENDING_DELIVERIES);
    for (const n of [1, 2, 3]) await emit(ctx.db, acme.id, 'emission.created', { fresh: n });

    expect(await states(slow.id)).toEqual([
      { state: 'failed', last_error: DROPPED_REASON, n: 3 },
      { state: 'pending', last_error: null, n: MAX_PENDING_DELIVERIES },
    ]);
    const dropped = await ctx.db.query<{ n: number }>(sql`SELECT (payload->>'n')::int AS n FROM webhook_deliveries WHERE subscription_id = ${slow.id} AND state = 'failed' ORDER BY 1`);
    expect(dropped.map((row) => row.n)).toEqual([1, 2, 3]);
    const [newest] = await queries.selectDeliveries(ctx.db, acme.id, slow.id, 1);
    expect(newest!.payload).toEqual({ fresh: 3 });
  });

  it("does not touch another endpoint's deliveries, and drops nothing below the bound", async () => {
    const healthy = await subscribe('https://healthy.example.com/hook');
    await backlog(healthy.id, 10);
    await emit(ctx.db, acme.id, 'emission.created', { fresh: 4 });
    expect(await states(healthy.id)).toEqual([{ state: 'pending', last_error: null, n: 11 }]);
  });
});
