import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import { drainQueue } from '../../platform/jobs/jobs.js';
import { upsertProfile } from './registry.queries.js';
import { processTransaction, TRANSACTIONS_QUEUE } from './registry.service.js';

let ctx: TestContext;
let operator: TestOrganization;
let acme: TestOrganization;
let globex: TestOrganization;
let initech: TestOrganization;
let acmeKey: string;
let globexKey: string;
let initechKey: string;
let creditId: string;

// Workers are off: the test drains the queue itself, so pending states can be listed.
beforeAll(async () => {
  ctx = await createTestContext({ REGISTRY_WORKERS: '0' });
  operator = await ctx.organization('Registry Operator');
  acme = await ctx.organization('Acme');
  globex = await ctx.organization('Globex');
  initech = await ctx.organization('Initech');
  await upsertProfile(ctx.db, operator.id, { isRegistryOperator: true, type: 'registryOperator', isPublic: true });
  const operatorKey = await operator.key();
  acmeKey = await acme.key();
  globexKey = await globex.key();
  initechKey = await initech.key();
  const project = (await ctx.request({ method: 'POST', url: '/projects', key: operatorKey, payload: { fullName: 'Listed Peatland', countryCode: 'ISL' } })).json();
  await ctx.request({ method: 'POST', url: `/projects/${project.id}/issuances`, key: operatorKey, payload: { vintage: 2023, supply: 500, type: 'exPost', toOrganizationId: acme.id } });
  creditId = (await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/inventory`, key: acmeKey })).json().credits[0].id;
});
afterAll(() => ctx?.close());

const list = (key: string | undefined, organizationId: string, query = '') => ctx.request({ method: 'GET', url: `/organizations/${organizationId}/transactions${query}`, ...(key ? { key } : {}) });
const act = (action: string, payload: object) => ctx.request({ method: 'POST', url: `/organizations/${acme.id}/inventory/action/${action}`, key: acmeKey, payload });
const process = () => drainQueue(ctx.db, TRANSACTIONS_QUEUE, (payload, db) => processTransaction(db, String(payload.transactionId)));

describe('GET /organizations/{id}/transactions', () => {
  it('lists what the organization sent and received, newest first, with states as they change', async () => {
    const retired = (await act('retire', { creditId, amount: 10, retirementData: { beneficiaryName: 'Acme staff', reason: 'travel 2023' } })).json();
    const sent = (await act('transfer', { creditId, amount: 25, toOrganizationId: globex.id })).json();

    const before = await list(acmeKey, acme.id);
    expect(before.statusCode).toBe(200);
    const body = before.json();
    expect(body.organizationId).toBe(acme.id);
    expect(body.transactions.map((t: { id: string; state: string; action: string }) => [t.action, t.state])).toEqual([
      ['transfer', 'pending'],
      ['retire', 'pending'],
      ['issue', 'processed'],
    ]);
    expect(body.transactions[0]).toEqual(sent);

    await process();
    const after = (await list(acmeKey, acme.id)).json().transactions;
    expect(after.slice(0, 2).map((t: { state: string }) => t.state)).toEqual(['processed', 'processed']);
    expect(after[1]).toMatchObject({ id: retired.id, retirementId: expect.any(String), txId: expect.stringMatching(/^0x[0-9a-f]{64}$/) });

    // The receiver sees the transfer it received, and only that.
    expect((await list(globexKey, globex.id)).json().transactions.map((t: { id: string }) => t.id)).toEqual([sent.id]);
  });

  it('filters by state, bounds the count and keeps the sandbox apart', async () => {
    expect((await list(acmeKey, acme.id, '?state=processed&limit=2')).json().transactions).toHaveLength(2);
    expect((await list(acmeKey, acme.id, '?state=failed')).json().transactions).toEqual([]);
    expect((await list(acmeKey, acme.id, '?development')).json().transactions).toEqual([]);
  });

  it('refuses bad parameters with 422, as every registry input', async () => {
    for (const query of ['?limit=0', '?limit=101', '?limit=ten', '?state=lost']) {
      const response = await list(acmeKey, acme.id, query);
      expect(response.statusCode, query).toBe(422);
      expect(response.json()).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.any(String) });
    }
  });

  it('needs credentials', async () => {
    expect((await list(undefined, acme.id)).statusCode).toBe(401);
  });

  it("never shows another organization's transactions", async () => {
    expect((await list(initechKey, acme.id)).statusCode).toBe(403);
    expect((await list(initechKey, initech.id)).json().transactions).toEqual([]);
  });
});
