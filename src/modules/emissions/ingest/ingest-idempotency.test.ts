import sql from 'sql-template-tag';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../../test/support/test-app.js';
import { databaseFaults } from '../../../../test/support/in-doubt.js';
import { drainQueue } from '../../../platform/jobs/jobs.js';
import { IMPORT_QUEUE, runImport } from './imports.service.js';

let ctx: TestContext;
let acme: TestOrganization;
let key: string;
let faults: ReturnType<typeof databaseFaults>;

const STORE_ANSWER = /UPDATE idempotency_keys SET status/;
/** Records without external_id: stored twice, they would be counted twice. */
const records = (facility: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({ facility_id: facility, scope: 1, category: 'fuel', value: 1, unit: 'kgCO2e', timestamp: '2024-05-05T00:00:00Z', metadata: { n: i } }));
const stored = async (facility: string) => (await ctx.db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM emissions WHERE facility_id = ${facility}`))[0]!.n;
const batch = (idempotencyKey: string, facility: string) =>
  ctx.request({ method: 'POST', url: '/v2/emissions/batch', key, headers: { 'idempotency-key': idempotencyKey }, payload: { records: records(facility, 20) } });
const upload = (idempotencyKey: string, facility: string) =>
  ctx.request({
    method: 'POST',
    url: '/v2/emissions/imports',
    key,
    headers: { 'content-type': 'application/x-ndjson', 'idempotency-key': idempotencyKey },
    payload: records(facility, 30).map((record) => JSON.stringify(record)).join('\n'),
  });
const importsOf = async () => ctx.db.query<{ id: string; status: string }>(sql`SELECT id, status FROM emission_imports WHERE organization_id = ${acme.id} ORDER BY created_at, id`);
const runQueued = () => drainQueue(ctx.db, IMPORT_QUEUE, (payload, db) => runImport(db, String(payload.importId)));

beforeAll(async () => {
  ctx = await createTestContext({ IMPORT_WORKERS: '0' });
  faults = databaseFaults(ctx.db);
  acme = await ctx.organization('Acme', 'enterprise');
  key = await acme.key(['emissions:write', 'emissions:read']);
});
afterEach(() => faults.restore());
afterAll(() => ctx?.close());

describe('emission writes left in doubt, re-sent with the same Idempotency-Key', () => {
  it('stores a batch once when writing the answer failed: its records rolled back with it, and the retry stores them', async () => {
    faults.failStatement(STORE_ANSWER);
    expect((await batch('batch-doubt', 'fac_batch_a')).statusCode).toBe(503);
    expect(await stored('fac_batch_a')).toBe(0);
    const again = await batch('batch-doubt', 'fac_batch_a');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ received: 20, created: 20 });
    expect(await stored('fac_batch_a')).toBe(20);
  });

  it('stores a batch once when its COMMIT was lost on the way back: the retry gets the first report', async () => {
    faults.loseCommitOf(STORE_ANSWER);
    expect((await batch('batch-commit', 'fac_batch_b')).statusCode).toBe(503);
    const again = await batch('batch-commit', 'fac_batch_b');
    expect(again.json()).toMatchObject({ received: 20, created: 20, duplicates: 0 });
    expect(await stored('fac_batch_b')).toBe(20);
  });

  it('stores a streamed upload once when the COMMIT of its last chunk was lost: the retry gets the first report', async () => {
    faults.loseCommitOf(STORE_ANSWER);
    const send = () =>
      ctx.request({ method: 'POST', url: '/v2/emissions/import', key, headers: { 'content-type': 'application/x-ndjson', 'idempotency-key': 'import-commit' }, payload: records('fac_stream', 25).map((record) => JSON.stringify(record)).join('\n') });
    expect((await send()).statusCode).toBe(503);
    const again = await send();
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ received: 25, created: 25 });
    expect(await stored('fac_stream')).toBe(25);
  });

  it('queues an upload once when the COMMIT queueing it was lost: the retry answers with that same import', async () => {
    const before = (await importsOf()).length;
    faults.loseCommitOf(STORE_ANSWER);
    expect((await upload('imports-commit', 'fac_upload_a')).statusCode).toBe(503);
    const again = await upload('imports-commit', 'fac_upload_a');
    expect(again.statusCode).toBe(202);
    const created = (await importsOf()).slice(before);
    expect(created).toHaveLength(1);
    expect(again.json()).toMatchObject({ id: created[0]!.id, status: 'queued' });
    expect(await runQueued()).toBe(1);
    expect(await stored('fac_upload_a')).toBe(30);
  });

  it('fails the upload whose queueing failed, and the retry imports the records once', async () => {
    const before = (await importsOf()).length;
    faults.failStatement(STORE_ANSWER);
    expect((await upload('imports-doubt', 'fac_upload_b')).statusCode).toBe(503);
    const again = await upload('imports-doubt', 'fac_upload_b');
    expect(again.statusCode).toBe(202);
    const created = (await importsOf()).slice(before);
    expect(created.map((row) => row.status)).toEqual(['failed', 'queued']);
    expect(await runQueued()).toBe(1);
    expect(await stored('fac_upload_b')).toBe(30);
  });
});
