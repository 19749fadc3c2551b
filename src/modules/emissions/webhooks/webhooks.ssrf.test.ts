import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sql from 'sql-template-tag';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { createTestContext, type TestContext } from '../../../../test/support/test-app.js';
import { drainQueue } from '../../../platform/jobs/jobs.js';
import { deliver, WEBHOOK_QUEUE } from './webhooks.service.js';

// The server as deployed: WEBHOOK_ALLOW_PRIVATE_TARGETS is not set.
let ctx: TestContext;
let key: string;
let organizationId: string;
let receiver: Server;
let port: number;
const hits: string[] = [];

beforeAll(async () => {
  receiver = createServer((request, response) => {
    hits.push(request.url ?? '');
    response.end('ok');
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  port = (receiver.address() as AddressInfo).port;
  ctx = await createTestContext({ WEBHOOK_WORKERS: '0' });
  const acme = await ctx.organization('Acme');
  organizationId = acme.id;
  key = await acme.key(['emissions:write']);
});
afterAll(async () => {
  await ctx?.close();
  receiver?.close();
});

const subscribe = (url: string) => ctx.request({ method: 'POST', url: '/v2/webhooks', key, payload: { url, events: ['emission.created'] } });

describe('webhook targets (SSRF)', () => {
  it.each([
    ['http://127.0.0.1:8080/hooks', 'a loopback address'],
    ['http://2130706433/', 'a loopback address'],
    ['http://0177.0.0.1/', 'a loopback address'],
    ['http://[::1]/', 'a loopback address'],
    ['http://[::ffff:169.254.169.254]/latest/meta-data/', 'a link-local address'],
    ['http://169.254.169.254/latest/meta-data/iam/', 'a link-local address'],
    ['http://10.0.0.5/', 'a private address'],
    ['http://0.0.0.0:3000/', 'an unspecified address'],
    ['http://[fd12::1]/', 'a unique-local address'],
    ['http://localhost:3000/hooks', 'localhost resolves to a loopback address'],
  ])('refuses %s with 422 naming the url', async (url, reason) => {
    const refused = await subscribe(url);
    expect(refused.statusCode).toBe(422);
    const body = refused.json();
    expect(body).toEqual({ code: 'VALIDATION_ERROR', message: expect.stringContaining(`url ${url} is refused:`) });
    expect(body.message).toContain(reason);
    expect((await ctx.request({ method: 'GET', url: '/v2/webhooks', key })).json().data).toEqual([]);
  });

  it('re-checks the address at delivery time: a stored target that now resolves to loopback gets nothing, signature included', async () => {
    // Stored when its name resolved to a public address (or before this check existed); it resolves to 127.0.0.1 now.
    const [{ id: subscriptionId }] = (await ctx.db.query<{ id: string }>(sql`
      INSERT INTO webhook_subscriptions (organization_id, url, events, secret)
      VALUES (${organizationId}, ${`http://localhost:${port}/hooks`}, ARRAY['emission.created'], 'whsec_test') RETURNING id`)) as [{ id: string }];
    await ctx.request({ method: 'POST', url: '/v2/emissions', key, payload: { facility_id: 'fac_1', scope: 2, value: 1, timestamp: '2024-05-01T00:00:00Z' } });

    const perEndpoint = new RateLimiterMemory({ points: 50, duration: 60 });
    expect(await drainQueue(ctx.db, WEBHOOK_QUEUE, (payload, db) => deliver(db, perEndpoint, String(payload.deliveryId), { allowPrivateTargets: false }))).toBe(1);
    expect(hits).toEqual([]);
    const log = (await ctx.request({ method: 'GET', url: `/v2/webhooks/${subscriptionId}/deliveries`, key })).json().data;
    expect(log[0]).toMatchObject({ state: 'pending', attempts: 1, last_status_code: null, last_error: 'Refused: localhost resolves to a loopback address; only public addresses are allowed.' });
  });
});
