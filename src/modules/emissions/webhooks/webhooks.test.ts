import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sql from 'sql-template-tag';
import { createTestContext, type TestContext, type TestOrganization } from '../../../../test/support/test-app.js';
import { drainQueue } from '../../../platform/jobs/jobs.js';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { deliver, WEBHOOK_QUEUE } from './webhooks.service.js';
import { signatureHeader, verifySignature } from '../../../platform/webhooks/signature.js';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let ctx: TestContext;
let acme: TestOrganization;
let key: string;
let receiver: Server;
let url: string;
const received: Received[] = [];
let failuresToGive = 0;
/** Hears a request to /silent, an endpoint that never answers. */
let onSilentRequest = () => undefined as void;
/** Requests to any path but /hooks: the redirecting one, and any that followed its redirect. */
const redirected: string[] = [];

const perEndpoint = new RateLimiterMemory({ points: 50, duration: 60 });
// The receiver listens on 127.0.0.1: this file opts in to private targets, as local testing does.
const localTargets = { allowPrivateTargets: true };
const drain = async () => {
  // Retries are due after a back-off; make them due now instead of waiting.
  await ctx.db.query(sql`UPDATE jobs SET run_after = now() WHERE queue = ${WEBHOOK_QUEUE} AND state = 'queued'`);
  return drainQueue(ctx.db, WEBHOOK_QUEUE, (payload, db) => deliver(db, perEndpoint, String(payload.deliveryId), localTargets));
};

beforeAll(async () => {
  receiver = createServer((request, response) => {
    if (request.url === '/silent') return onSilentRequest(); // never answered
    if (request.url === '/moved') {
      redirected.push(request.url);
      response.writeHead(307, { location: '/hooks/elsewhere' });
      return response.end();
    }
    if (request.url !== '/hooks') redirected.push(request.url ?? '');
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (failuresToGive > 0) {
        failuresToGive -= 1;
        response.statusCode = 503;
        return response.end('busy');
      }
      received.push({ headers: request.headers, body });
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  ctx = await createTestContext({ WEBHOOK_WORKERS: '0', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  acme = await ctx.organization('Acme');
  key = await acme.key(['emissions:write']);
});
afterAll(async () => {
  await ctx?.close();
  receiver?.close();
});

describe('webhooks', () => {
  let secret: string;
  let subscriptionId: string;

  it('subscribes a URL and shows the secret once', async () => {
    const created = await ctx.request({ method: 'POST', url: '/v2/webhooks', key, payload: { url, events: ['emission.created', 'import.completed', 'threshold.exceeded'] } });
    expect(created.statusCode).toBe(201);
    ({ secret, id: subscriptionId } = created.json());
    expect(secret).toMatch(/^whsec_/);
    const listed = (await ctx.request({ method: 'GET', url: '/v2/webhooks', key })).json();
    expect(listed.data).toEqual([expect.objectContaining({ id: subscriptionId, url })]);
    expect(JSON.stringify(listed)).not.toContain(secret);
  });

  it('delivers emission.created signed with HMAC-SHA256 and a timestamp, retrying after a failure', async () => {
    failuresToGive = 1;
    const emission = (await ctx.request({ method: 'POST', url: '/v2/emissions', key, payload: { facility_id: 'fac_1', scope: 2, value: 10, timestamp: '2024-05-01T00:00:00Z' } })).json();
    expect(await drain()).toBe(1);
    expect(received).toHaveLength(0);
    let log = (await ctx.request({ method: 'GET', url: `/v2/webhooks/${subscriptionId}/deliveries`, key })).json().data;
    expect(log[0]).toMatchObject({ event: 'emission.created', state: 'pending', attempts: 1, last_status_code: 503 });

    expect(await drain()).toBe(1);
    expect(received).toHaveLength(1);
    const [{ headers, body }] = received as [Received];
    expect(headers['carbon-atlas-event']).toBe('emission.created');
    expect(verifySignature(secret, body, String(headers['carbon-atlas-signature']), Math.floor(Date.now() / 1000))).toBe(true);
    expect(verifySignature('whsec_wrong', body, String(headers['carbon-atlas-signature']), Math.floor(Date.now() / 1000))).toBe(false);
    expect(JSON.parse(body)).toMatchObject({ event: 'emission.created', data: { id: emission.id, value: 10 } });
    log = (await ctx.request({ method: 'GET', url: `/v2/webhooks/${subscriptionId}/deliveries`, key })).json().data;
    expect(log[0]).toMatchObject({ state: 'delivered', attempts: 2, last_status_code: 200 });
  });

  it('announces import.completed and threshold.exceeded once, when a month crosses the threshold', async () => {
    received.length = 0;
    expect((await ctx.request({ method: 'PUT', url: '/v2/emissions/thresholds/1', key, payload: { monthly_kg: 100 } })).json()).toEqual({ data: [{ scope: 1, monthly_kg: 100 }] });
    for (const value of [60, 50, 30]) {
      await ctx.request({ method: 'POST', url: '/v2/emissions', key, payload: { facility_id: 'fac_1', scope: 1, value, timestamp: '2024-06-10T00:00:00Z' } });
    }
    await ctx.request({ method: 'POST', url: '/v2/emissions/batch', key, payload: { records: [{ facility_id: 'fac_1', scope: 3, value: 1, timestamp: '2024-06-10T00:00:00Z' }, { scope: 9 }] } });
    await drain();
    const events = received.map((r) => JSON.parse(r.body));
    expect(events.filter((e) => e.event === 'emission.created')).toHaveLength(3);
    expect(events.filter((e) => e.event === 'threshold.exceeded').map((e) => e.data)).toEqual([{ scope: 1, month: '2024-06', threshold_kg: 100, total_kg: 110 }]);
    expect(events.find((e) => e.event === 'import.completed').data).toMatchObject({ source: 'batch', received: 2, created: 1, failed: 1 });
  });

  it('keeps other organizations out, validates, and stops delivering after unsubscribing', async () => {
    const other = await (await ctx.organization('Other')).key(['emissions:write']);
    expect((await ctx.request({ method: 'GET', url: `/v2/webhooks/${subscriptionId}/deliveries`, key: other })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'DELETE', url: `/v2/webhooks/${subscriptionId}`, key: other })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'POST', url: '/v2/webhooks', key, payload: { url: 'ftp://x', events: ['emission.created'] } })).json()).toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect((await ctx.request({ method: 'POST', url: '/v2/webhooks', key, payload: { url, events: ['emission.deleted'] } })).statusCode).toBe(400);
    expect((await ctx.request({ method: 'GET', url: '/v2/webhooks' })).statusCode).toBe(401);

    expect((await ctx.request({ method: 'DELETE', url: `/v2/webhooks/${subscriptionId}`, key })).statusCode).toBe(204);
    received.length = 0;
    await ctx.request({ method: 'POST', url: '/v2/emissions', key, payload: { facility_id: 'fac_1', scope: 2, value: 1, timestamp: '2024-07-01T00:00:00Z' } });
    await drain();
    expect(received).toEqual([]);
  });

  it('holds deliveries beyond the per-endpoint budget for later, without counting an attempt', async () => {
    const created = (await ctx.request({ method: 'POST', url: '/v2/webhooks', key, payload: { url, events: ['emission.created'] } })).json();
    const tight = new RateLimiterMemory({ points: 1, duration: 60 });
    received.length = 0;
    for (const value of [1, 2]) await ctx.request({ method: 'POST', url: '/v2/emissions', key, payload: { facility_id: 'fac_rl', scope: 2, value, timestamp: '2024-08-01T00:00:00Z' } });
    await ctx.db.query(sql`UPDATE jobs SET run_after = now() WHERE queue = ${WEBHOOK_QUEUE} AND state = 'queued'`);
    expect(await drainQueue(ctx.db, WEBHOOK_QUEUE, (payload, db) => deliver(db, tight, String(payload.deliveryId), localTargets))).toBe(2);
    expect(received).toHaveLength(1);
    const [held] = await ctx.db.query<{ attempts: number; wait: number }>(sql`
      SELECT attempts, extract(epoch FROM run_after - now())::float8 AS wait FROM jobs WHERE queue = ${WEBHOOK_QUEUE} AND state = 'queued'`);
    expect(held!.attempts).toBe(0);
    expect(held!.wait).toBeGreaterThan(30);
    const log = (await ctx.request({ method: 'GET', url: `/v2/webhooks/${created.id}/deliveries`, key })).json().data;
    expect(log.map((d: { state: string; attempts: number }) => [d.state, d.attempts]).sort()).toEqual([['delivered', 1], ['pending', 0]]);
  });

  it('when the worker stops during a delivery to an endpoint that never answers, abandons it at once and hands it back uncounted', async () => {
    const created = (await ctx.request({ method: 'POST', url: '/v2/webhooks', key, payload: { url: url.replace('/hooks', '/silent'), events: ['emission.created'] } })).json();
    await ctx.request({ method: 'POST', url: '/v2/emissions', key, payload: { facility_id: 'fac_silent', scope: 2, value: 1, timestamp: '2024-10-01T00:00:00Z' } });
    const stopping = new AbortController();
    onSilentRequest = () => stopping.abort(); // SIGTERM while the endpoint keeps the delivery waiting
    await ctx.db.query(sql`UPDATE jobs SET run_after = now() WHERE queue = ${WEBHOOK_QUEUE} AND state = 'queued'`);
    await drainQueue(ctx.db, WEBHOOK_QUEUE, (payload, db, signal) => deliver(db, perEndpoint, String(payload.deliveryId), localTargets, signal), 60, stopping.signal);
    expect(stopping.signal.aborted).toBe(true);
    const log = (await ctx.request({ method: 'GET', url: `/v2/webhooks/${created.id}/deliveries`, key })).json().data;
    expect(log).toEqual([expect.objectContaining({ state: 'pending', attempts: 0 })]);
    const [job] = await ctx.db.query<{ state: string; attempts: number }>(sql`SELECT state, attempts FROM jobs WHERE payload->>'deliveryId' = ${log[0].id}`);
    expect(job).toEqual({ state: 'queued', attempts: 0 });
    await ctx.request({ method: 'DELETE', url: `/v2/webhooks/${created.id}`, key });
  });

  it('never follows a redirect: a 3xx is a failed attempt and the signature goes nowhere else', async () => {
    const created = (await ctx.request({ method: 'POST', url: '/v2/webhooks', key, payload: { url: url.replace('/hooks', '/moved'), events: ['emission.created'] } })).json();
    received.length = 0;
    await ctx.request({ method: 'POST', url: '/v2/emissions', key, payload: { facility_id: 'fac_redirect', scope: 2, value: 1, timestamp: '2024-09-01T00:00:00Z' } });
    await drain();
    expect(redirected).toEqual(['/moved']);
    const log = (await ctx.request({ method: 'GET', url: `/v2/webhooks/${created.id}/deliveries`, key })).json().data;
    expect(log[0]).toMatchObject({ state: 'pending', attempts: 1, last_status_code: 307, last_error: 'HTTP 307: redirects are not followed' });
  });

  it('signs as "t=<seconds>,v1=<hex>" and refuses stale timestamps', () => {
    const header = signatureHeader('s3cret', '{"a":1}', 1_700_000_000);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature('s3cret', '{"a":1}', header, 1_700_000_100)).toBe(true);
    expect(verifySignature('s3cret', '{"a":1}', header, 1_700_001_000)).toBe(false);
    expect(verifySignature('s3cret', '{"a":2}', header, 1_700_000_100)).toBe(false);
  });
});
