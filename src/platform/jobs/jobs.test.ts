import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import sql from 'sql-template-tag';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import type { Database } from '../db/database.js';
import { betweenChunks, drainQueue, enqueueJob, startWorker } from './jobs.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ REGISTRY_WORKERS: '0' });
});
afterAll(() => ctx?.close());

describe('job queue', () => {
  it('runs each job once, in order, and deletes it when done', async () => {
    const seen: unknown[] = [];
    for (const n of [1, 2, 3]) await enqueueJob(ctx.db, 'test.order', { n });
    expect(await drainQueue(ctx.db, 'test.order', async (payload) => void seen.push(payload.n))).toBe(3);
    expect(seen).toEqual([1, 2, 3]);
    expect(await drainQueue(ctx.db, 'test.order', async () => undefined)).toBe(0);
    const [{ left }] = (await ctx.db.query<{ left: number }>(sql`SELECT count(*)::int AS left FROM jobs WHERE queue = 'test.order'`)) as [{ left: number }];
    expect(left).toBe(0);
  });

  it('retries a failing job later with back-off, and gives up after max_attempts', async () => {
    await enqueueJob(ctx.db, 'test.fail', { n: 1 });
    expect(await drainQueue(ctx.db, 'test.fail', async () => Promise.reject(new Error('boom')))).toBe(1);
    const [job] = await ctx.db.query<{ state: string; attempts: number; last_error: string; wait: number }>(sql`
      SELECT state, attempts, last_error, extract(epoch FROM run_after - now())::float8 AS wait FROM jobs WHERE queue = 'test.fail'`);
    expect(job).toMatchObject({ state: 'queued', attempts: 1, last_error: 'boom' });
    expect(job!.wait).toBeGreaterThan(1);
    await ctx.db.query(sql`UPDATE jobs SET run_after = now(), attempts = max_attempts - 1 WHERE queue = 'test.fail'`);
    await drainQueue(ctx.db, 'test.fail', async () => Promise.reject(new Error('boom again')));
    const [final] = await ctx.db.query<{ state: string }>(sql`SELECT state FROM jobs WHERE queue = 'test.fail'`);
    expect(final!.state).toBe('failed');
  });

  it('runs a job that met a lost database connection again later, even on its last attempt, the attempt not counted', async () => {
    await enqueueJob(ctx.db, 'test.outage', { n: 1 });
    await ctx.db.query(sql`UPDATE jobs SET attempts = max_attempts - 1 WHERE queue = 'test.outage'`);
    const lost = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    expect(await drainQueue(ctx.db, 'test.outage', async () => Promise.reject(lost))).toBe(1);
    const [job] = await ctx.db.query<{ state: string; spare: number; later: boolean }>(sql`
      SELECT state, max_attempts - attempts AS spare, run_after > now() AS later FROM jobs WHERE queue = 'test.outage'`);
    expect(job).toEqual({ state: 'queued', spare: 1, later: true });
  });

  it('takes back a job whose worker died (its lease ran out)', async () => {
    await enqueueJob(ctx.db, 'test.lease', { n: 7 });
    await ctx.db.query(sql`UPDATE jobs SET state = 'running', attempts = 1, locked_until = now() - interval '1 second' WHERE queue = 'test.lease'`);
    const seen: unknown[] = [];
    expect(await drainQueue(ctx.db, 'test.lease', async (payload) => void seen.push(payload.n))).toBe(1);
    expect(seen).toEqual([7]);
  });

  it('keeps the lease of a job that runs longer than it, so no other worker takes it', async () => {
    await enqueueJob(ctx.db, 'test.long', { n: 1 });
    let runs = 0;
    const slow = async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 5000));
    };
    const first = drainQueue(ctx.db, 'test.long', slow, 2);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(await drainQueue(ctx.db, 'test.long', slow, 2)).toBe(0);
    expect(await first).toBe(1);
    expect(runs).toBe(1);
  });

  it('when stopped, takes no further job and hands its interrupted job back to the queue, the attempt not counted', async () => {
    for (const n of [1, 2, 3]) await enqueueJob(ctx.db, 'test.stop', { n });
    const stopping = new AbortController();
    const seen: unknown[] = [];
    const interruptible = async (payload: Record<string, unknown>, _db: unknown, signal: AbortSignal) => {
      seen.push(payload.n);
      stopping.abort(); // SIGTERM arrives while the first job runs
      await betweenChunks(signal);
    };
    expect(await drainQueue(ctx.db, 'test.stop', interruptible, 60, stopping.signal)).toBe(1);
    expect(seen).toEqual([1]);
    const jobs = await ctx.db.query<{ n: number; state: string; attempts: number; due: boolean }>(sql`
      SELECT (payload->>'n')::int AS n, state, attempts, run_after <= now() AS due FROM jobs WHERE queue = 'test.stop' ORDER BY id`);
    expect(jobs).toEqual([1, 2, 3].map((n) => ({ n, state: 'queued', attempts: 0, due: true })));
  });

  it('lets a polling worker pick jobs up and stop cleanly', async () => {
    const seen: unknown[] = [];
    const worker = startWorker(ctx.db, 'test.poll', async (payload) => void seen.push(payload.n), (error) => { throw error; }, 20);
    await enqueueJob(ctx.db, 'test.poll', { n: 'a' });
    worker.wake();
    for (let i = 0; i < 100 && seen.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    await worker.stop();
    expect(seen).toEqual(['a']);
  });

  it('picks up a job nobody woke it for: after a write on the embedded database, by polling on PostgreSQL', async () => {
    const seen: unknown[] = [];
    const worker = startWorker(ctx.db, 'test.unannounced', async (payload) => void seen.push(payload.n), (error) => { throw error; }, 20, 60_000);
    try {
      await new Promise((resolve) => setTimeout(resolve, 100)); // its first poll found nothing
      await ctx.db.transaction((tx) => enqueueJob(tx, 'test.unannounced', { n: 'b' }));
      await vi.waitFor(() => expect(seen).toEqual(['b']), { timeout: 5_000, interval: 20 });
    } finally {
      await worker.stop();
    }
  });

  it.skipIf(Boolean(process.env.DATABASE_URL))('on the embedded database, does not query while this process writes nothing', async () => {
    const statements: string[] = [];
    // Its own write counter: the app's background sweeps must not count as this test's writes.
    let writes = 0;
    const counting: Database = { ...ctx.db, kind: ctx.db.kind, writesCompleted: () => writes, query: (statement) => (statements.push(statement.text), ctx.db.query(statement)) };
    const worker = startWorker(counting, 'test.idle', async () => undefined, (error) => { throw error; }, 20, 60_000);
    try {
      await vi.waitFor(() => expect(statements.length).toBeGreaterThan(0), { timeout: 5_000, interval: 20 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(statements).toHaveLength(1); // the first poll, a read
      expect(statements[0]).toMatch(/^\s*SELECT extract\(epoch FROM min/);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(statements).toHaveLength(1);
      await enqueueJob(ctx.db, 'test.idle', { n: 1 });
      writes += 1;
      await vi.waitFor(() => expect(statements.some((text) => /UPDATE jobs SET state = 'running'/.test(text))).toBe(true), { timeout: 2_000, interval: 20 });
    } finally {
      await worker.stop();
    }
  });

  it.skipIf(Boolean(process.env.DATABASE_URL))('on the embedded database, runs a retry when its back-off ends although nothing was written', async () => {
    let writes = 0;
    const quietDb: Database = { ...ctx.db, kind: ctx.db.kind, writesCompleted: () => writes };
    await ctx.db.query(sql`INSERT INTO jobs (queue, payload, run_after) VALUES ('test.backoff', '{"n": 5}', now() + interval '600 milliseconds')`);
    const seen: unknown[] = [];
    const worker = startWorker(quietDb, 'test.backoff', async (payload) => void seen.push(payload.n), (error) => { throw error; }, 20, 60_000);
    try {
      await vi.waitFor(() => expect(seen).toEqual([5]), { timeout: 5_000, interval: 20 });
      expect(writes).toBe(0);
    } finally {
      await worker.stop();
    }
  });
});
