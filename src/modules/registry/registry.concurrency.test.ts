import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sql from 'sql-template-tag';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { spawnCli } from '../../../test/support/cli.js';
import { upsertProfile } from './registry.queries.js';
import { verifyChain } from './registry.service.js';

const ACTIONS = 200;
const onPostgres = Boolean(process.env.DATABASE_URL);
let ctx: TestContext;
let base: string;
const workers: ChildProcessWithoutNullStreams[] = [];
const workerOutput: string[] = [];
const orgs: { id: string; key: string }[] = [];
let creditId: string;

/** A small deterministic generator, so a failing mix can be replayed. */
function random(seed: number) {
  let state = seed;
  return (max: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % max;
  };
}

async function call(key: string, method: string, path: string, body?: object) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function settled() {
  for (let i = 0; i < 600; i += 1) {
    const [row] = await ctx.db.query<{ open: number }>(sql`SELECT count(*)::int AS open FROM registry_transactions WHERE state IN ('pending', 'processing')`);
    if (row!.open === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('transactions still open after 60 s');
}

beforeAll(async () => {
  // On PostgreSQL, two more worker processes share the queue with the server's own two workers.
  ctx = await createTestContext({ REGISTRY_WORKERS: '2', RATE_LIMIT_STANDARD: '100000' });
  if (onPostgres) {
    for (let i = 0; i < 2; i += 1) {
      const worker = spawnCli(['worker', '--concurrency', '2'], ctx.env);
      workerOutput.push('');
      worker.stdout.on('data', (chunk) => (workerOutput[i] += String(chunk)));
      workers.push(worker);
    }
    // Wait until both processes are polling, so the actions below are shared between them.
    for (let i = 0; i < 300 && !workerOutput.every((output) => output.includes('Processing')); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;

  const operator = await ctx.organization('Operator');
  await upsertProfile(ctx.db, operator.id, { isRegistryOperator: true });
  for (const name of ['North', 'South', 'East']) {
    const org = await ctx.organization(name);
    orgs.push({ id: org.id, key: await org.key() });
  }
  const operatorKey = await operator.key();
  const project = (await call(operatorKey, 'POST', '/projects', { fullName: 'Concurrency Forest', countryCode: 'BRA' })).body;
  for (const org of orgs) {
    const issued = await call(operatorKey, 'POST', `/projects/${project.id}/issuances`, { vintage: 2022, supply: 1000, type: 'exPost', toOrganizationId: org.id });
    expect(issued.status).toBe(201);
  }
  // One batch for everyone: North's, shared out first.
  creditId = ((await call(orgs[0]!.key, 'GET', `/organizations/${orgs[0]!.id}/inventory`)).body.credits as { id: string }[])[0]!.id;
  for (const to of orgs.slice(1)) {
    expect((await call(orgs[0]!.key, 'POST', `/organizations/${orgs[0]!.id}/inventory/action/transfer`, { creditId, amount: 300, toOrganizationId: to.id })).status).toBe(200);
  }
  await settled();
}, 60_000);

afterAll(async () => {
  for (const worker of workers) worker.kill('SIGTERM');
  await ctx?.close();
});

describe(`${ACTIONS} concurrent registry actions over HTTP (${onPostgres ? 'PostgreSQL, 2 server workers + 2 worker processes × 2' : 'PGlite, 2 server workers'})`, () => {
  it('keeps balances exact, none negative, every serial held once, and the chain intact', async () => {
    const next = random(42);
    const answers = await Promise.all(
      Array.from({ length: ACTIONS }, async (_, i) => {
        const from = orgs[next(orgs.length)]!;
        const to = orgs[(orgs.indexOf(from) + 1 + next(orgs.length - 1)) % orgs.length]!;
        const path = `/organizations/${from.id}/inventory/action`;
        switch (i % 4) {
          case 0:
          case 1:
            return [(await call(from.key, 'POST', `${path}/transfer`, { creditId, amount: 1 + next(40), toOrganizationId: to.id })).status];
          case 2:
            return [(await call(from.key, 'POST', `${path}/retire`, { creditId, amount: 1 + next(10), retirementData: { beneficiaryName: `B${i}`, reason: 'test' } })).status];
          default: {
            const queued = await call(from.key, 'POST', `${path}/transfer_retire`, { creditId, amount: 1 + next(20), toOrganizationId: to.id, retirementData: { beneficiaryName: `C${i}` } });
            if (queued.status !== 200) return [queued.status];
            return [queued.status, (await call(from.key, 'POST', `${path}/cancel`, { transactionId: queued.body.id })).status];
          }
        }
      }),
    );
    const statuses = answers.flat();
    // Queued (200), more than held (422), or too late to cancel (409): never anything else.
    expect(statuses.filter((status) => ![200, 409, 422].includes(status))).toEqual([]);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(ACTIONS / 2);
    await settled();

    const [{ failed }] = (await ctx.db.query<{ failed: number }>(sql`SELECT count(*)::int AS failed FROM registry_transactions WHERE state = 'failed'`)) as [{ failed: number }];
    expect(failed).toBe(0);
    const [{ reserved }] = (await ctx.db.query<{ reserved: number }>(sql`SELECT count(*)::int AS reserved FROM credit_blocks WHERE state = 'reserved'`)) as [{ reserved: number }];
    expect(reserved).toBe(0);

    // Every organization's balance is what the processed transactions say: received minus sent and retired.
    const expected = await ctx.db.query<{ organization_id: string; balance: number }>(sql`
      SELECT o AS organization_id, sum(delta)::int AS balance FROM (
        SELECT to_organization_id AS o, amount AS delta FROM registry_transactions WHERE state = 'processed' AND action IN ('issue', 'transfer')
        UNION ALL
        SELECT organization_id, -amount FROM registry_transactions WHERE state = 'processed' AND action <> 'issue'
      ) moves GROUP BY o ORDER BY o`);
    const actual = await ctx.db.query<{ organization_id: string; balance: number }>(sql`
      SELECT organization_id, sum(serial_last - serial_first + 1)::int AS balance FROM credit_blocks WHERE state = 'available' GROUP BY organization_id ORDER BY organization_id`);
    expect(actual).toEqual(expected);
    for (const row of actual) expect(row.balance).toBeGreaterThanOrEqual(0);

    const [totals] = await ctx.db.query<{ issued: number; retired: number; held: number }>(sql`
      SELECT (SELECT sum(supply)::int FROM credit_batches) AS issued,
             (SELECT COALESCE(sum(amount), 0)::int FROM retirements) AS retired,
             (SELECT sum(serial_last - serial_first + 1)::int FROM credit_blocks WHERE state = 'available') AS held`);
    expect(totals!.held).toBe(totals!.issued - totals!.retired);

    const [{ overlaps }] = (await ctx.db.query<{ overlaps: number }>(sql`
      SELECT count(*)::int AS overlaps FROM credit_blocks a JOIN credit_blocks b
        ON a.batch_id = b.batch_id AND a.id < b.id AND a.serial_first <= b.serial_last AND b.serial_first <= a.serial_last`)) as [{ overlaps: number }];
    expect(overlaps).toBe(0);
    const [{ gaps }] = (await ctx.db.query<{ gaps: number }>(sql`
      SELECT (SELECT sum(supply) FROM credit_batches) - (SELECT sum(serial_last - serial_first + 1) FROM credit_blocks) AS gaps`)) as [{ gaps: number }];
    expect(Number(gaps)).toBe(0);

    expect(await verifyChain(ctx.db, 'live')).toMatchObject({ valid: true, brokenAt: null });
    for (const output of workerOutput) expect(output).toContain('Processing registry.transactions, catalog.plume-import and emissions.import with 2 worker(s) each (database: postgres)');
  }, 120_000);
});
