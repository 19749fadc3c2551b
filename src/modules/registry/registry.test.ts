import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sql from 'sql-template-tag';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import { upsertProfile } from './registry.queries.js';
import { drainQueue } from '../../platform/jobs/jobs.js';
import { processTransaction, TRANSACTIONS_QUEUE } from './registry.service.js';

let ctx: TestContext;
let operator: TestOrganization;
let acme: TestOrganization;
let globex: TestOrganization;
let operatorKey: string;
let acmeKey: string;
let globexKey: string;
let projectId: string;
let creditId: string;

// Workers are off: each test drains the queue itself, so states can be observed in between.
beforeAll(async () => {
  ctx = await createTestContext({ REGISTRY_WORKERS: '0', PUBLIC_URL: 'https://registry.example.org' });
  operator = await ctx.organization('Registry Operator');
  acme = await ctx.organization('Acme');
  globex = await ctx.organization('Globex');
  await upsertProfile(ctx.db, operator.id, { isRegistryOperator: true, type: 'registryOperator', isPublic: true });
  await upsertProfile(ctx.db, globex.id, { fullName: 'Globex Corporation', countryCode: 'US', city: 'Springfield', isPublic: true });
  operatorKey = await operator.key();
  acmeKey = await acme.key();
  globexKey = await globex.key();
});
afterAll(() => ctx?.close());

const process = () => drainQueue(ctx.db, TRANSACTIONS_QUEUE, (payload, db) => processTransaction(db, String(payload.transactionId)));

function act(key: string, organizationId: string, action: string, payload: object) {
  return ctx.request({ method: 'POST', url: `/organizations/${organizationId}/inventory/action/${action}`, key, payload });
}

async function inventoryOf(key: string, organizationId: string, query = '') {
  const response = await ctx.request({ method: 'GET', url: `/organizations/${organizationId}/inventory${query}`, key });
  expect(response.statusCode).toBe(200);
  return response.json() as { credits: { id: string; amount: number; serialization: string; supply: number }[] };
}

describe('projects and issuance', () => {
  it('lets a registry operator register a project and issue a vintage into an organization', async () => {
    const project = await ctx.request({ method: 'POST', url: '/projects', key: operatorKey, payload: { fullName: 'Icelandic Peatland Rewetting', countryCode: 'ISL' } });
    expect(project.statusCode).toBe(201);
    projectId = project.json().id;
    expect(project.json()).toMatchObject({ fullName: 'Icelandic Peatland Rewetting', url: `https://registry.example.org/projects/${projectId}`, num: expect.stringMatching(/^\d+$/) });
    expect((await ctx.request({ method: 'GET', url: `/projects/${projectId}`, key: acmeKey })).json()).toEqual(project.json());

    const issued = await ctx.request({ method: 'POST', url: `/projects/${projectId}/issuances`, key: operatorKey, payload: { vintage: 2021, supply: 1000, type: 'exPost', toOrganizationId: acme.id } });
    expect(issued.statusCode).toBe(201);
    expect(issued.json()).toMatchObject({ action: 'issue', state: 'processed', amount: 1000, toOrganizationId: acme.id, txId: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    const num = project.json().num;
    expect(issued.json().serialization).toBe(`ICR-ISL-${num}-10000-10999-R-0-2021`);

    const inventory = await inventoryOf(acmeKey, acme.id);
    expect(inventory.credits).toHaveLength(1);
    creditId = inventory.credits[0]!.id;
    expect(inventory.credits[0]).toMatchObject({ organizationId: acme.id, amount: 1000, supply: 1000, unit: 'tonne', vintage: '2021', type: 'exPost' });
    expect(creditId).toMatch(/^exPost-\d+-0x[0-9a-f]{40}$/);
  });

  it('refuses issuance and projects to non-operators, and invalid input', async () => {
    expect((await ctx.request({ method: 'POST', url: '/projects', key: acmeKey, payload: { fullName: 'Mine', countryCode: 'ESP' } })).statusCode).toBe(403);
    expect((await ctx.request({ method: 'POST', url: `/projects/${projectId}/issuances`, key: acmeKey, payload: { vintage: 2021, supply: 5, type: 'exPost', toOrganizationId: acme.id } })).statusCode).toBe(403);
    expect((await ctx.request({ method: 'POST', url: '/projects', key: operatorKey, payload: { fullName: 'Bad', countryCode: 'is' } })).statusCode).toBe(422);
    const readOnly = await operator.key(['organization_info:read']);
    expect((await ctx.request({ method: 'POST', url: '/projects', key: readOnly, payload: { fullName: 'x', countryCode: 'ISL' } })).statusCode).toBe(403);
  });
});

describe('organizations and addresses', () => {
  it('shows public organizations to anyone and private ones only to themselves', async () => {
    const globexView = await ctx.request({ method: 'GET', url: `/organizations/${globex.id}`, key: acmeKey, headers: { 'x-icr-api-version': '2023-06-16' } });
    expect(globexView.statusCode).toBe(200);
    expect(globexView.json()).toMatchObject({ id: globex.id, fullName: 'Globex Corporation', countryCode: 'US', city: 'Springfield', isPublic: true, type: 'buyer', url: `https://registry.example.org/organizations/${globex.id}` });
    expect((await ctx.request({ method: 'GET', url: `/organizations/${acme.id}`, key: acmeKey })).json()).toMatchObject({ fullName: 'Acme', isPublic: false });
    expect((await ctx.request({ method: 'GET', url: `/organizations/${acme.id}`, key: globexKey })).statusCode).toBe(404);
  });

  it('lists the default account and subaccounts with 0x addresses', async () => {
    const opened = await ctx.request({ method: 'POST', url: `/organizations/${globex.id}/addresses`, key: globexKey, payload: { name: 'retirements desk' } });
    expect(opened.statusCode).toBe(201);
    const list = (await ctx.request({ method: 'GET', url: `/organizations/${globex.id}/addresses`, key: acmeKey })).json();
    expect(list.organizationId).toBe(globex.id);
    expect(list.addresses.map((a: { name: string; isDefault: boolean }) => [a.name, a.isDefault])).toEqual([['default', true], ['retirements desk', false]]);
    for (const account of list.addresses) expect(account.address).toMatch(/^0x[0-9a-f]{40}$/);
    expect((await ctx.request({ method: 'POST', url: `/organizations/${acme.id}/addresses`, key: globexKey, payload: { name: 'x' } })).statusCode).toBe(403);
  });

  it('answers 400 to an unknown API version and 401 without a token', async () => {
    const response = await ctx.request({ method: 'GET', url: `/organizations/${acme.id}`, key: acmeKey, headers: { 'x-icr-api-version': '2099-01-01' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/x-icr-api-version/);
    expect((await ctx.request({ method: 'GET', url: `/organizations/${acme.id}` })).statusCode).toBe(401);
  });
});

describe('transactions', () => {
  it('transfers part of a block: pending with the tonnes reserved, then processed with serials split exactly', async () => {
    const requested = await act(acmeKey, acme.id, 'transfer', { creditId, amount: 250, toOrganizationId: globex.id });
    expect(requested.statusCode).toBe(200);
    const transaction = requested.json();
    expect(transaction).toMatchObject({ action: 'transfer', state: 'pending', amount: 250, fromOrganizationId: acme.id, toOrganizationId: globex.id, txId: null });
    expect((await inventoryOf(acmeKey, acme.id)).credits[0]!.amount).toBe(750);

    expect(await process()).toBe(1);
    const done = (await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/transactions/${transaction.id}`, key: acmeKey })).json();
    expect(done).toMatchObject({ state: 'processed', txId: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    expect(done.serialization).toMatch(/-10000-10249-R-0-2021$/);
    const received = (await ctx.request({ method: 'GET', url: `/organizations/${globex.id}/inventory/transactions/${transaction.id}`, key: globexKey })).json();
    expect(received.id).toBe(transaction.id);
    expect((await inventoryOf(globexKey, globex.id)).credits[0]!.amount).toBe(250);
    expect((await inventoryOf(acmeKey, acme.id)).credits[0]!.amount).toBe(750);
  });

  it('transfers to an address, retires with a public record, and never moves retired serials', async () => {
    const addresses = (await ctx.request({ method: 'GET', url: `/organizations/${globex.id}/addresses`, key: globexKey })).json().addresses;
    const desk = addresses.find((a: { name: string }) => a.name === 'retirements desk').address;
    const toAddress = await act(acmeKey, acme.id, 'transfer', { creditId, amount: 10, toAddress: desk });
    expect(toAddress.json()).toMatchObject({ toAddress: desk, toOrganizationId: globex.id });

    const retire = await act(globexKey, globex.id, 'retire', { creditId, amount: 40, retirementData: { reason: 'FY2025 offset', beneficiaryName: 'Globex Corporation', comment: 'scope 1' } });
    expect(retire.statusCode).toBe(200);
    await process();
    const retired = (await ctx.request({ method: 'GET', url: `/organizations/${globex.id}/transactions/${retire.json().id}`, key: globexKey })).json();
    expect(retired).toMatchObject({ state: 'processed', retirementId: expect.any(String), beneficiaryName: 'Globex Corporation', retirementReason: 'FY2025 offset' });
    expect(retired.serialization).toMatch(/-10000-10039-R-0-2021$/);

    const record = await ctx.request({ method: 'GET', url: `/retirements/${retired.retirementId}` });
    expect(record.statusCode).toBe(200);
    expect(record.json()).toMatchObject({ beneficiaryName: 'Globex Corporation', reason: 'FY2025 offset', amount: 40, serialRanges: [[10000, 10039]], txId: retired.txId });
    // Globex holds 250 + 10 - 40 = 220, none of them the retired serials.
    expect((await inventoryOf(globexKey, globex.id)).credits[0]!.amount).toBe(220);
    expect((await act(globexKey, globex.id, 'transfer', { creditId, amount: 221, toOrganizationId: acme.id })).statusCode).toBe(422);
  });

  it('cancels a pending transaction and releases its reservation; a processed one cannot be cancelled', async () => {
    const pending = (await act(acmeKey, acme.id, 'transfer_retire', { creditId, amount: 100, toOrganizationId: globex.id, retirementData: { beneficiaryName: 'Acme' } })).json();
    expect((await inventoryOf(acmeKey, acme.id)).credits[0]!.amount).toBe(640);
    const cancelled = await act(acmeKey, acme.id, 'cancel', { transactionId: pending.id });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ state: 'cancelled' });
    expect((await inventoryOf(acmeKey, acme.id)).credits[0]!.amount).toBe(740);
    expect(await process()).toBe(1);
    expect((await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/transactions/${pending.id}`, key: acmeKey })).json().state).toBe('cancelled');
    expect((await act(acmeKey, acme.id, 'cancel', { transactionId: pending.id })).statusCode).toBe(409);
    expect((await act(globexKey, globex.id, 'cancel', { transactionId: pending.id })).statusCode).toBe(404);
  });

  it('fails a transaction whose reservation no longer matches, releasing what was reserved', async () => {
    const pending = (await act(acmeKey, acme.id, 'transfer', { creditId, amount: 5, toOrganizationId: globex.id })).json();
    const [block] = await ctx.db.query<{ id: string }>(sql`SELECT id FROM credit_blocks WHERE transaction_id = ${pending.id}`);
    await ctx.db.query(sql`UPDATE credit_blocks SET serial_last = serial_last - 1 WHERE id = ${block!.id}`);
    await process();
    const failed = (await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/transactions/${pending.id}`, key: acmeKey })).json();
    expect(failed).toMatchObject({ state: 'failed', txId: null, failureReason: 'Reserved 4 tonnes for a transaction of 5.' });
    const [released] = await ctx.db.query<{ state: string; transaction_id: string | null }>(sql`SELECT state, transaction_id FROM credit_blocks WHERE id = ${block!.id}`);
    expect(released).toEqual({ state: 'available', transaction_id: null });
    // Give back the serial the test took away, so the totals below are those of the real operations.
    await ctx.db.query(sql`UPDATE credit_blocks SET serial_last = serial_last + 1 WHERE id = ${block!.id}`);
  });

  it('refuses to cancel a transaction a worker is processing', async () => {
    const pending = (await act(acmeKey, acme.id, 'transfer', { creditId, amount: 1, toOrganizationId: globex.id })).json();
    await ctx.db.query(sql`UPDATE registry_transactions SET state = 'processing' WHERE id = ${pending.id}`);
    const refused = await act(acmeKey, acme.id, 'cancel', { transactionId: pending.id });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toBe('Only a pending transaction can be cancelled; this one is processing.');
    await ctx.db.query(sql`UPDATE registry_transactions SET state = 'pending' WHERE id = ${pending.id}`);
    expect((await act(acmeKey, acme.id, 'cancel', { transactionId: pending.id })).statusCode).toBe(200);
    await process();
  });

  it('resumes a transaction a dead worker left processing, and never settles one twice', async () => {
    const pending = (await act(acmeKey, acme.id, 'transfer', { creditId, amount: 1, toOrganizationId: globex.id })).json();
    await ctx.db.query(sql`UPDATE registry_transactions SET state = 'processing' WHERE id = ${pending.id}`);
    await processTransaction(ctx.db, pending.id);
    const settled = (await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/transactions/${pending.id}`, key: acmeKey })).json();
    expect(settled).toMatchObject({ state: 'processed', txId: expect.stringMatching(/^0x/) });
    await processTransaction(ctx.db, pending.id);
    await process();
    expect((await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/transactions/${pending.id}`, key: acmeKey })).json()).toEqual(settled);
  });

  it('needs each permission the page names', async () => {
    const facilitiesOnly = await acme.key(['facilities:read']);
    expect((await ctx.request({ method: 'GET', url: `/organizations/${acme.id}`, key: facilitiesOnly })).statusCode).toBe(403);
    expect((await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/addresses`, key: facilitiesOnly })).statusCode).toBe(403);
    expect((await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/inventory`, key: facilitiesOnly })).statusCode).toBe(403);
    const infoOnly = await acme.key(['organization_info:read']);
    expect((await ctx.request({ method: 'GET', url: `/organizations/${acme.id}`, key: infoOnly })).statusCode).toBe(200);
    expect((await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/inventory`, key: infoOnly })).statusCode).toBe(403);
    expect((await ctx.request({ method: 'GET', url: '/registry/chain/verify', key: infoOnly })).statusCode).toBe(403);
  });

  it('validates actions and keeps other organizations out', async () => {
    expect((await act(acmeKey, acme.id, 'transfer', { creditId: 'nope', amount: 1, toOrganizationId: globex.id })).statusCode).toBe(422);
    expect((await act(acmeKey, acme.id, 'transfer', { creditId, amount: 1.5, toOrganizationId: globex.id })).statusCode).toBe(422);
    expect((await act(acmeKey, acme.id, 'transfer', { creditId, amount: 1 })).statusCode).toBe(422);
    expect((await act(acmeKey, acme.id, 'retire', { creditId, amount: 1 })).statusCode).toBe(422);
    expect((await act(acmeKey, acme.id, 'burn', { creditId, amount: 1 })).statusCode).toBe(422);
    expect((await act(globexKey, acme.id, 'transfer', { creditId, amount: 1, toOrganizationId: globex.id })).statusCode).toBe(403);
    expect((await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/inventory`, key: globexKey })).statusCode).toBe(403);
    const readOnly = await acme.key(['organization_inventory:read']);
    expect((await act(readOnly, acme.id, 'transfer', { creditId, amount: 1, toOrganizationId: globex.id })).statusCode).toBe(403);
    expect((await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/inventory`, key: readOnly })).statusCode).toBe(200);
  });

  it('keeps every serial held once and balances equal to issued minus retired', async () => {
    const [overlaps] = await ctx.db.query<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM credit_blocks a JOIN credit_blocks b
        ON a.batch_id = b.batch_id AND a.id <> b.id AND a.serial_first <= b.serial_last AND b.serial_first <= a.serial_last`);
    expect(overlaps!.n).toBe(0);
    const [totals] = await ctx.db.query<{ held: number; retired: number }>(sql`
      SELECT sum(serial_last - serial_first + 1) FILTER (WHERE state <> 'retired')::int AS held,
             sum(serial_last - serial_first + 1) FILTER (WHERE state = 'retired')::int AS retired FROM credit_blocks`);
    expect(totals).toEqual({ held: 960, retired: 40 });
  });
});

describe('sandbox and chain', () => {
  it('friendbot deposits 100 sandbox credits into the caller only, never on the live ledger, with the inventory write permission', async () => {
    const before = await inventoryOf(acmeKey, acme.id);
    const unscoped = await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/friendbot`, key: await acme.key(['facilities:read', 'organization_inventory:read']) });
    expect(unscoped.statusCode).toBe(403);
    const response = await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/friendbot`, key: await acme.key(['organization_inventory:read_write']) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ amount: 100, serialization: expect.stringMatching(/^ICR-ISL-\d+-\d+-\d+-R-0-\d{4}$/), transactionId: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    expect(await inventoryOf(acmeKey, acme.id)).toEqual(before);
    expect((await inventoryOf(acmeKey, acme.id, '?development')).credits.map((c) => c.amount)).toEqual([100]);
    expect((await ctx.request({ method: 'GET', url: `/organizations/${globex.id}/friendbot`, key: acmeKey })).statusCode).toBe(403);
  });

  it('verifies each ledger chain and detects a tampered transaction', async () => {
    const verify = async (ledger: string) => (await ctx.request({ method: 'GET', url: `/registry/chain/verify?ledger=${ledger}`, key: operatorKey })).json();
    // issue, transfer, transfer to an address, retirement, resumed transfer; cancelled and failed ones never reach the chain.
    expect(await verify('live')).toMatchObject({ valid: true, length: 5, brokenAt: null });
    expect(await verify('sandbox')).toMatchObject({ valid: true, length: 1 });
    await ctx.db.query(sql`UPDATE registry_transactions SET amount = amount + 1 WHERE ledger = 'live' AND sequence = 3`);
    expect(await verify('live')).toMatchObject({ valid: false, brokenAt: { sequence: 3, problem: 'content changed' } });
  });
});

describe('who may issue, and what the public sees (issue 12)', () => {
  it('refuses an operator issuing under a project another operator registered, and changes nothing', async () => {
    const rival = await ctx.organization('Rival Registry');
    await upsertProfile(ctx.db, rival.id, { isRegistryOperator: true, type: 'registryOperator' });
    const rivalKey = await rival.key();
    const [before] = await ctx.db.query<{ batches: number; serials: string }>(sql`
      SELECT (SELECT count(*)::int FROM credit_batches) AS batches, (SELECT next_serial::text FROM registry_serial_counters WHERE ledger = 'live') AS serials`);

    const refused = await ctx.request({ method: 'POST', url: `/projects/${projectId}/issuances`, key: rivalKey, payload: { vintage: 2022, supply: 1_000_000, type: 'exPost', toOrganizationId: rival.id } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ code: 'FORBIDDEN', message: 'Only the organization that registered this project may issue credits under it.' });
    const [after] = await ctx.db.query<{ batches: number; serials: string }>(sql`
      SELECT (SELECT count(*)::int FROM credit_batches) AS batches, (SELECT next_serial::text FROM registry_serial_counters WHERE ledger = 'live') AS serials`);
    expect(after).toEqual(before);
    expect((await inventoryOf(rivalKey, rival.id)).credits).toEqual([]);

    const own = (await ctx.request({ method: 'POST', url: '/projects', key: rivalKey, payload: { fullName: 'Rival Mangroves', countryCode: 'IDN' } })).json();
    const issued = await ctx.request({ method: 'POST', url: `/projects/${own.id}/issuances`, key: rivalKey, payload: { vintage: 2022, supply: 10, type: 'exPost', toOrganizationId: rival.id, development: true } });
    expect(issued.statusCode).toBe(201);
    expect((await ctx.request({ method: 'POST', url: `/projects/${own.id}/issuances`, key: operatorKey, payload: { vintage: 2022, supply: 10, type: 'exPost', toOrganizationId: acme.id } })).statusCode).toBe(403);
  });

  it('bounds friendbot deposits to 10 a UTC day per organization, then answers 429 until midnight', async () => {
    const writer = await globex.key(['organization_inventory:read_write']);
    const friendbot = () => ctx.request({ method: 'GET', url: `/organizations/${globex.id}/friendbot`, key: writer });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) statuses.push((await friendbot()).statusCode);
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
    const refused = await friendbot();
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect((await inventoryOf(globexKey, globex.id, '?development')).credits.reduce((sum, c) => sum + c.amount, 0)).toBe(1000);
    // Acme's allowance is its own: it has used one deposit today.
    expect((await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/friendbot`, key: acmeKey })).statusCode).toBe(200);
  });

  it('gives retirements opaque ids, and never names a private organization on its public record', async () => {
    const retire = await act(acmeKey, acme.id, 'retire', { creditId, amount: 3, retirementData: { reason: 'Acme FY2025 offset', beneficiaryName: 'Acme Secret Subsidiary', comment: 'board only' } });
    await process();
    const retired = (await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/transactions/${retire.json().id}`, key: acmeKey })).json();
    expect(retired.retirementId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Its own organization still sees what it wrote.
    expect(retired).toMatchObject({ beneficiaryName: 'Acme Secret Subsidiary', retirementReason: 'Acme FY2025 offset' });

    const record = await ctx.request({ method: 'GET', url: `/retirements/${retired.retirementId}` });
    expect(record.statusCode).toBe(200);
    expect(record.json()).toMatchObject({ id: retired.retirementId, organizationId: null, beneficiaryName: 'Undisclosed', reason: '', comment: '', amount: 3, txId: retired.txId });
    expect(record.body).not.toContain('Acme');
    expect(record.body).not.toContain(acme.id);

    // Once the organization makes its profile public, its record names it.
    await upsertProfile(ctx.db, acme.id, { isPublic: true });
    expect((await ctx.request({ method: 'GET', url: `/retirements/${retired.retirementId}` })).json()).toMatchObject({ organizationId: acme.id, beneficiaryName: 'Acme Secret Subsidiary', reason: 'Acme FY2025 offset', comment: 'board only' });
    await upsertProfile(ctx.db, acme.id, { isPublic: false });

    // Sequential numbers find nothing to enumerate.
    expect((await ctx.request({ method: 'GET', url: '/retirements/1' })).statusCode).toBe(422);
    expect((await ctx.request({ method: 'GET', url: '/retirements/00000000-0000-4000-8000-000000000001' })).statusCode).toBe(404);
  });
});
