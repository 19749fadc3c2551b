import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../../test/support/test-app.js';
import { drainQueue } from '../../../platform/jobs/jobs.js';
import { IMPORT_QUEUE, runImport } from './imports.service.js';

let ctx: TestContext;
let acme: TestOrganization;
let key: string;

const line = (i: number, extra: object = {}) =>
  JSON.stringify({ facility_id: 'fac_job', scope: 1, category: 'fuel', value: 1, unit: 'kgCO2e', timestamp: '2024-03-05T00:00:00Z', external_id: `job-${i}`, ...extra });
const start = (body: string, type = 'application/x-ndjson', headers: Record<string, string> = {}, as = key) =>
  ctx.request({ method: 'POST', url: '/v2/emissions/imports', key: as, headers: { 'content-type': type, ...headers }, payload: body });
const status = (id: string, as = key) => ctx.request({ method: 'GET', url: `/v2/emissions/imports/${id}`, key: as });
const run = () => drainQueue(ctx.db, IMPORT_QUEUE, (payload, db) => runImport(db, String(payload.importId)));

beforeAll(async () => {
  // No worker in the server: the test runs the queue itself, so every state can be observed.
  ctx = await createTestContext({ IMPORT_WORKERS: '0', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  acme = await ctx.organization('Acme');
  key = await acme.key(['emissions:write', 'emissions:read']);
});
afterAll(() => ctx?.close());

describe('import jobs (/v2/emissions/imports)', () => {
  it('stores a 1.3 MB upload in parts, answers 202 at once, and reports progress and rows when the job has run', async () => {
    // 9,000 lines of ~150 bytes: two parts of the stored upload, so the job reads across a part boundary.
    const lines = Array.from({ length: 9000 }, (_, i) => (i === 4499 ? '{broken' : line(i)));
    const accepted = await start(lines.join('\n'));
    expect(accepted.statusCode).toBe(202);
    const job = accepted.json();
    expect(accepted.headers.location).toBe(`/v2/emissions/imports/${job.id}`);
    expect(job).toMatchObject({ status: 'queued', format: 'ndjson', received: 0, started_at: null });
    expect(job.bytes).toBe(Buffer.byteLength(lines.join('\n')));
    const [parts] = await ctx.db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM upload_parts WHERE upload_id = ${job.id}`);
    expect(parts!.n).toBe(2);

    expect(await run()).toBe(1);
    const done = (await status(job.id)).json();
    expect(done).toMatchObject({ status: 'completed', received: 9000, created: 8999, duplicates: 0, failed: 1, errors: [{ row: 4500, message: 'not valid JSON' }], failure: null });
    expect(done.finished_at).not.toBeNull();
    const [left] = await ctx.db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM upload_parts WHERE upload_id = ${job.id}`);
    expect(left!.n).toBe(0);
    const [stored] = await ctx.db.query<{ n: number; kg: number }>(sql`SELECT count(*)::int AS n, sum(value_kg)::float8 AS kg FROM emissions WHERE facility_id = 'fac_job'`);
    expect(stored).toEqual({ n: 8999, kg: 8999 });
    expect((await ctx.request({ method: 'GET', url: '/v2/emissions/imports', key })).json().data[0]).toMatchObject({ id: job.id, status: 'completed' });
  });

  it('creates nothing twice when re-sent with the same Idempotency-Key, or with the same external_ids', async () => {
    const csv = ['facility_id,scope,category,value,unit,timestamp,external_id', 'fac_csvjob,2,electricity,3,tCO2e,2024-04-01T00:00:00Z,cj-1'].join('\r\n');
    const headers = { 'idempotency-key': 'monthly-upload-2024-04' };
    const first = (await start(csv, 'text/csv', headers)).json();
    const again = await start(csv, 'text/csv', headers);
    expect(again.statusCode).toBe(202);
    expect(again.json().id).toBe(first.id);
    expect(await run()).toBe(1);
    expect((await start(csv, 'text/csv', headers)).json()).toMatchObject({ id: first.id, status: 'completed', created: 1 });
    const resent = (await start(csv, 'text/csv')).json();
    await run();
    expect((await status(resent.id)).json()).toMatchObject({ status: 'completed', created: 0, duplicates: 1 });
    const [stored] = await ctx.db.query<{ kg: number }>(sql`SELECT sum(value_kg)::float8 AS kg FROM emissions WHERE facility_id = 'fac_csvjob'`);
    expect(stored!.kg).toBe(3000);
  });

  it('raises threshold.exceeded when imported records take a month across the threshold', async () => {
    await ctx.request({ method: 'PUT', url: '/v2/emissions/thresholds/3', key, payload: { monthly_kg: 50 } });
    const hook = (await ctx.request({ method: 'POST', url: '/v2/webhooks', key, payload: { url: 'http://127.0.0.1:9/hook', events: ['threshold.exceeded', 'import.completed'] } })).json();
    const lines = [30, 30, 5].map((value, i) => line(90_000 + i, { facility_id: 'fac_thr', scope: 3, value, timestamp: '2024-09-0' + (i + 1) + 'T00:00:00Z' }));
    const job = (await start(lines.join('\n'))).json();
    await run();
    const log = (await ctx.request({ method: 'GET', url: `/v2/webhooks/${hook.id}/deliveries`, key })).json().data;
    const byEvent = Object.fromEntries(log.map((d: { event: string; payload: { data: unknown } }) => [d.event, d.payload]));
    expect(JSON.stringify(byEvent['threshold.exceeded'])).toContain('"month":"2024-09"');
    expect(JSON.stringify(byEvent['threshold.exceeded'])).toContain('"total_kg":65');
    expect(JSON.stringify(byEvent['import.completed'])).toContain(`"import_id":"${job.id}"`);
  });

  it('answers 415, 401, 403, and 404 to other organizations', async () => {
    expect((await start('x', 'text/plain')).statusCode).toBe(415);
    expect((await ctx.request({ method: 'GET', url: '/v2/emissions/imports' })).statusCode).toBe(401);
    const reader = await acme.key(['emissions:read']);
    expect((await start(line(1), 'application/x-ndjson', {}, reader)).statusCode).toBe(403);
    const mine = (await ctx.request({ method: 'GET', url: '/v2/emissions/imports', key })).json().data[0].id;
    const other = await (await ctx.organization('Other')).key(['emissions:write', 'emissions:read']);
    const denied = await status(mine, other);
    expect(denied.statusCode).toBe(404);
    expect(denied.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await ctx.request({ method: 'GET', url: '/v2/emissions/imports', key: other })).json().data).toEqual([]);
  });
});
