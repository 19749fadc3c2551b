import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sql from 'sql-template-tag';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import type { Database, Queryable } from '../../platform/db/database.js';
import { drainQueue } from '../../platform/jobs/jobs.js';
import { upsertProfile } from './registry.queries.js';
import { processTransaction, TRANSACTIONS_QUEUE } from './registry.service.js';

let ctx: TestContext;
let acme: TestOrganization;
let acmeKey: string;
let creditId: string;

// Workers are off: the test runs the queue itself, through a database that fails once.
beforeAll(async () => {
  ctx = await createTestContext({ REGISTRY_WORKERS: '0' });
  const operator = await ctx.organization('Registry Operator');
  acme = await ctx.organization('Acme');
  await upsertProfile(ctx.db, operator.id, { isRegistryOperator: true, type: 'registryOperator', isPublic: true });
  const operatorKey = await operator.key();
  acmeKey = await acme.key();
  const project = await ctx.request({ method: 'POST', url: '/projects', key: operatorKey, payload: { fullName: 'Peatland Rewetting', countryCode: 'ISL' } });
  await ctx.request({ method: 'POST', url: `/projects/${project.json().id}/issuances`, key: operatorKey, payload: { vintage: 2022, supply: 100, type: 'exPost', toOrganizationId: acme.id } });
  creditId = (await inventory()).credits[0]!.id;
});
afterAll(() => ctx?.close());

async function inventory() {
  return (await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/inventory`, key: acmeKey })).json() as { credits: { id: string; amount: number }[] };
}

/** The test database, except that the `nth` transaction loses the server after one statement, as when it shuts down mid-way. */
function shuttingDownDuringTransaction(inner: Database, nth: number): Database {
  let count = 0;
  const failingAfterOneStatement = (tx: Queryable): Queryable => {
    let statements = 0;
    return {
      query: async (statement) => {
        if (++statements > 1) throw Object.assign(new Error('the database system is shutting down'), { code: '57P03', severity: 'FATAL' });
        return tx.query(statement);
      },
    };
  };
  return { ...inner, transaction: (work) => inner.transaction((tx) => work(++count === nth ? failingAfterOneStatement(tx) : tx)) };
}

const runQueue = (db: Database) => drainQueue(db, TRANSACTIONS_QUEUE, (payload, jobDb) => processTransaction(jobDb, String(payload.transactionId)));

describe('a registry transaction when the database fails while it is processed', () => {
  it('is not failed: it stays in progress with its tonnes reserved, and completes when the job runs again', async () => {
    const requested = await ctx.request({
      method: 'POST',
      url: `/organizations/${acme.id}/inventory/action/retire`,
      key: acmeKey,
      payload: { creditId, amount: 10, retirementData: { beneficiaryName: 'Acme', reason: 'FY2025' } },
    });
    expect(requested.json()).toMatchObject({ state: 'pending' });
    const id = requested.json().id as string;
    const transaction = async () => (await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/transactions/${id}`, key: acmeKey })).json();

    // The second transaction of the job is the settlement: the server goes away inside it.
    expect(await runQueue(shuttingDownDuringTransaction(ctx.db, 2))).toBe(1);
    expect(await transaction()).toMatchObject({ state: 'processing', txId: null });
    expect((await inventory()).credits[0]!.amount).toBe(90);
    const [job] = await ctx.db.query<{ state: string; attempts: number; later: boolean }>(
      sql`SELECT state, attempts, run_after > now() AS later FROM jobs WHERE queue = ${TRANSACTIONS_QUEUE}`,
    );
    expect(job).toEqual({ state: 'queued', attempts: 0, later: true });

    await ctx.db.query(sql`UPDATE jobs SET run_after = now() WHERE queue = ${TRANSACTIONS_QUEUE}`);
    expect(await runQueue(ctx.db)).toBe(1);
    expect(await transaction()).toMatchObject({ state: 'processed', txId: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    expect((await inventory()).credits[0]!.amount).toBe(90);
    expect(await ctx.db.query(sql`SELECT id FROM jobs WHERE queue = ${TRANSACTIONS_QUEUE}`)).toEqual([]);
  });
});
