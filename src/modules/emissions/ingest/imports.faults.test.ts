import { connect } from 'node:net';
import { Readable } from 'node:stream';
import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../../test/support/test-app.js';
import { requestHash } from '../../../platform/idempotency/idempotency.js';
import { drainQueue } from '../../../platform/jobs/jobs.js';
import * as uploads from '../../../platform/uploads/uploads.js';
import * as webhookQueries from '../webhooks/webhooks.queries.js';
import * as importQueries from './imports.queries.js';
import { IMPORT_QUEUE, runImport, sweepAbandoned } from './imports.service.js';

let ctx: TestContext;
let acme: TestOrganization;
let key: string;
let base: string;

/** Records without external_id: stored twice, they would be counted twice. */
const lines = (facility: string, count: number) =>
  Array.from({ length: count }, (_, i) => JSON.stringify({ facility_id: facility, scope: 1, category: 'fuel', value: 1, unit: 'kgCO2e', timestamp: '2024-05-05T00:00:00Z', metadata: { n: i } })).join('\n');
const start = (body: string, headers: Record<string, string> = {}) =>
  ctx.request({ method: 'POST', url: '/v2/emissions/imports', key, headers: { 'content-type': 'application/x-ndjson', ...headers }, payload: body });
const status = (id: string) => ctx.request({ method: 'GET', url: `/v2/emissions/imports/${id}`, key }).then((response) => response.json());
const stored = async (facility: string) => (await ctx.db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM emissions WHERE facility_id = ${facility}`))[0]!.n;
const jobOf = async (importId: string) => (await ctx.db.query<{ state: string; attempts: number }>(sql`SELECT state, attempts FROM jobs WHERE payload->>'importId' = ${importId}`))[0];

async function until(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 300; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Sends the headers and half of an upload over a raw socket, then drops the connection. */
async function abortedUpload(body: string, idempotencyKey: string) {
  const url = new URL(base);
  const socket = connect(Number(url.port), url.hostname);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    [`POST /v2/emissions/imports HTTP/1.1`, `Host: ${url.host}`, `Authorization: Bearer ${key}`, 'Content-Type: application/x-ndjson', `Idempotency-Key: ${idempotencyKey}`, `Content-Length: ${Buffer.byteLength(body)}`, '', ''].join('\r\n'),
  );
  socket.write(body.slice(0, body.length / 2));
  await new Promise((resolve) => setTimeout(resolve, 300));
  socket.destroy();
}

beforeAll(async () => {
  ctx = await createTestContext({ IMPORT_WORKERS: '0' });
  acme = await ctx.organization('Acme', 'enterprise');
  key = await acme.key(['emissions:write', 'emissions:read']);
  base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => ctx?.close());

describe('import jobs under faults', () => {
  it('when a client drops mid-upload, its Idempotency-Key is released and the same request sent again succeeds', async () => {
    const body = lines('fac_abort', 3000);
    await abortedUpload(body, 'dropped-upload');
    await until(async () => (await ctx.db.query(sql`SELECT 1 FROM idempotency_keys WHERE key = 'dropped-upload'`)).length === 0, 'the key to be released');
    const [abandoned] = await ctx.db.query<{ id: string; status: string }>(sql`SELECT id, status FROM emission_imports WHERE organization_id = ${acme.id} ORDER BY created_at DESC LIMIT 1`);
    expect(abandoned!.status).toBe('failed');
    expect(await uploads.countParts(ctx.db, abandoned!.id)).toBe(0);

    const resent = await start(body, { 'idempotency-key': 'dropped-upload' });
    expect(resent.statusCode).toBe(202);
    await drainQueue(ctx.db, IMPORT_QUEUE, (payload, db) => runImport(db, String(payload.importId)));
    expect(await status(resent.json().id)).toMatchObject({ status: 'completed', received: 3000, created: 3000 });
    expect(await stored('fac_abort')).toBe(3000);
  });

  it('lets a retry take over an Idempotency-Key whose request died (lease run out), but not one still leased', async () => {
    const hash = requestHash(['imports', 'ndjson']);
    await ctx.db.query(sql`
      INSERT INTO idempotency_keys (organization_id, key, request_hash, locked_until) VALUES
        (${acme.id}, 'killed-mid-request', ${hash}, now() - interval '1 second'),
        (${acme.id}, 'still-working', ${hash}, now() + interval '1 minute')`);
    const body = lines('fac_takeover', 2);
    expect((await start(body, { 'idempotency-key': 'killed-mid-request' })).statusCode).toBe(202);
    expect(await drainQueue(ctx.db, IMPORT_QUEUE, (payload, db) => runImport(db, String(payload.importId)))).toBe(1);
    expect(await stored('fac_takeover')).toBe(2);
    const busy = await start(body, { 'idempotency-key': 'still-working' });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().message).toMatch(/still being processed/);
  });

  it('sweeps an upload abandoned by a killed process: the import fails and its parts are deleted', async () => {
    const id = 'imp_killedupload';
    await uploads.beginUpload(ctx.db, id);
    await importQueries.insertImport(ctx.db, acme.id, id, 'ndjson');
    await uploads.storeUpload(ctx.db, id, Readable.from([Buffer.from(lines('fac_swept', 10))]));
    expect(await sweepAbandoned(ctx.db)).not.toContain(id); // its lease still runs
    await ctx.db.query(sql`UPDATE uploads SET lease_until = now() - interval '1 second' WHERE id = ${id}`);
    expect(await sweepAbandoned(ctx.db)).toContain(id);
    expect(await status(id)).toMatchObject({ status: 'failed', failure: 'The upload was interrupted or refused. Send it again.' });
    expect(await uploads.countParts(ctx.db, id)).toBe(0);
  });

  it('hands an import back at a stopping worker after its current chunk, and resumes it exactly, even after its next worker died', async () => {
    const subscription = await webhookQueries.insertSubscription(ctx.db, { organizationId: acme.id, url: 'https://hooks.example.com/imports', events: ['import.completed'], secret: 'whsec_test' });
    const job = (await start(lines('fac_resume', 1200))).json();
    const stopping = new AbortController();
    const stopDuringTheJob = (payload: Record<string, unknown>, db: typeof ctx.db) => {
      stopping.abort();
      return runImport(db, String(payload.importId), stopping.signal);
    };
    expect(await drainQueue(ctx.db, IMPORT_QUEUE, stopDuringTheJob, 60, stopping.signal)).toBe(1);
    expect(await status(job.id)).toMatchObject({ status: 'queued', received: 500, created: 500 });
    expect(await jobOf(job.id)).toEqual({ state: 'queued', attempts: 0 });
    expect(await stored('fac_resume')).toBe(500);

    // The worker that took it next was killed: the import is 'running' and its job's lease ran out.
    await ctx.db.query(sql`UPDATE emission_imports SET status = 'running' WHERE id = ${job.id}`);
    await ctx.db.query(sql`UPDATE jobs SET state = 'running', attempts = 1, locked_until = now() - interval '1 second' WHERE payload->>'importId' = ${job.id}`);
    expect(await drainQueue(ctx.db, IMPORT_QUEUE, (payload, db) => runImport(db, String(payload.importId)))).toBe(1);
    expect(await status(job.id)).toMatchObject({ status: 'completed', received: 1200, created: 1200, duplicates: 0, failed: 0, failure: null });
    expect(await stored('fac_resume')).toBe(1200);
    const completed = await webhookQueries.selectDeliveries(ctx.db, acme.id, subscription.id, 10);
    expect(completed.map((delivery) => [delivery.event, delivery.payload.import_id, delivery.payload.created])).toEqual([['import.completed', job.id, 1200]]);
  });

  it('stores nothing more from a stalled run whose import another worker took over meanwhile', async () => {
    const job = (await start(lines('fac_stalled', 1200))).json();
    await ctx.db.query(sql`UPDATE jobs SET state = 'running', attempts = 1, locked_until = now() - interval '1 second' WHERE payload->>'importId' = ${job.id}`);
    await ctx.db.query(sql`UPDATE emission_imports SET status = 'running' WHERE id = ${job.id}`);
    // Between this run's start and its first chunk, the worker that took the import over stored one.
    let overtaken = false;
    const stalled: typeof ctx.db = {
      ...ctx.db,
      async transaction(work) {
        if (!overtaken) {
          overtaken = true;
          await ctx.db.query(sql`UPDATE emission_imports SET received = 500, created = 500 WHERE id = ${job.id}`);
        }
        return ctx.db.transaction(work);
      },
    };
    await drainQueue(ctx.db, IMPORT_QUEUE, (payload) => runImport(stalled, String(payload.importId)));
    expect(await stored('fac_stalled')).toBe(0);
    expect(await status(job.id)).toMatchObject({ status: 'running', received: 500, failure: null });
    expect(await jobOf(job.id)).toMatchObject({ state: 'running' }); // left to its new owner
  });

  it('keeps answering /healthz and /readyz while an import runs on the embedded database', async () => {
    await start(lines('fac_busy', 30_000));
    const answered: string[] = [];
    const importing = drainQueue(ctx.db, IMPORT_QUEUE, (payload, db) => runImport(db, String(payload.importId))).then(() => answered.push('import done'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (const path of ['/healthz', '/readyz']) {
      const response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(60_000) });
      expect(response.status).toBe(200);
      answered.push(path);
    }
    await importing;
    // Both probes were answered while the import was still running, not after it.
    expect(answered).toEqual(['/healthz', '/readyz', 'import done']);
    expect(await stored('fac_busy')).toBe(30_000);
  });
});
