import sql from 'sql-template-tag';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import { databaseFaults } from '../../../test/support/in-doubt.js';
import { upsertProfile } from '../../modules/registry/registry.queries.js';
import * as queries from './idempotency.queries.js';

let ctx: TestContext;
let acme: TestOrganization;
let globex: TestOrganization;
let acmeKey: string;
let globexKey: string;
let creditId: string;

const STORE_ANSWER = /UPDATE idempotency_keys SET status/;
let faults: ReturnType<typeof databaseFaults>;

beforeAll(async () => {
  ctx = await createTestContext({ REGISTRY_WORKERS: '0' });
  faults = databaseFaults(ctx.db);
  acme = await ctx.organization('Acme');
  globex = await ctx.organization('Globex');
  acmeKey = await acme.key();
  globexKey = await globex.key();
  const operator = await ctx.organization('Operator');
  await upsertProfile(ctx.db, operator.id, { isRegistryOperator: true, type: 'registryOperator' });
  const operatorKey = await operator.key();
  const project = (await ctx.request({ method: 'POST', url: '/projects', key: operatorKey, payload: { fullName: 'Peatland', countryCode: 'ISL' } })).json();
  await ctx.request({ method: 'POST', url: `/projects/${project.id}/issuances`, key: operatorKey, payload: { vintage: 2021, supply: 100, type: 'exPost', toOrganizationId: acme.id } });
  creditId = (await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/inventory`, key: acmeKey })).json().credits[0].id;
});
afterEach(() => faults.restore());
afterAll(() => ctx?.close());

const createFacility = (idempotencyKey: string, name: string) =>
  ctx.request({ method: 'POST', url: '/v1/facilities', key: acmeKey, headers: { 'idempotency-key': idempotencyKey }, payload: { name, type: 'factory', country: 'PT' } });
const facilitiesNamed = async (name: string) => (await ctx.db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM facilities WHERE organization_id = ${acme.id} AND name = ${name}`))[0]!.n;
const transfer = (idempotencyKey: string, amount: number) =>
  ctx.request({ method: 'POST', url: `/organizations/${acme.id}/inventory/action/transfer`, key: acmeKey, headers: { 'idempotency-key': idempotencyKey }, payload: { creditId, amount, toOrganizationId: globex.id } });
const transfersOf = async (amount: number) => (await ctx.db.query(sql`SELECT 1 FROM registry_transactions WHERE organization_id = ${acme.id} AND action = 'transfer' AND amount = ${amount}`)).length;
const heldBy = async (key: string, organizationId: string) => (await ctx.request({ method: 'GET', url: `/organizations/${organizationId}/inventory`, key })).json().credits.map((credit: { amount: number }) => credit.amount);

describe('a request left in doubt, re-sent with the same Idempotency-Key', () => {
  it('creates one facility when writing the answer failed: the work rolled back with it, and the retry carries it out', async () => {
    faults.failStatement(STORE_ANSWER);
    const first = await createFacility('doubt-1', 'Setubal Plant');
    expect(first.statusCode).toBe(503);
    expect(await facilitiesNamed('Setubal Plant')).toBe(0);
    const again = await createFacility('doubt-1', 'Setubal Plant');
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ name: 'Setubal Plant' });
    expect(await facilitiesNamed('Setubal Plant')).toBe(1);
    const replay = await createFacility('doubt-1', 'Setubal Plant');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(again.json());
  });

  it('creates one facility when the COMMIT was lost on the way back: the retry gets the stored answer', async () => {
    faults.loseCommitOf(STORE_ANSWER);
    const first = await createFacility('doubt-2', 'Faro Plant');
    expect(first.statusCode).toBe(503);
    const again = await createFacility('doubt-2', 'Faro Plant');
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toMatchObject({ name: 'Faro Plant' });
    expect(await facilitiesNamed('Faro Plant')).toBe(1);
  });

  it('reserves a transfer once when writing the answer failed, and the balances add up', async () => {
    faults.failStatement(STORE_ANSWER);
    expect((await transfer('doubt-3', 7)).statusCode).toBe(503);
    const again = await transfer('doubt-3', 7);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ action: 'transfer', state: 'pending', amount: 7 });
    expect(await transfersOf(7)).toBe(1);
    expect(await heldBy(acmeKey, acme.id)).toEqual([93]);
  });

  it('reserves a transfer once when the COMMIT was lost on the way back: the retry gets the stored answer', async () => {
    faults.loseCommitOf(STORE_ANSWER);
    expect((await transfer('doubt-4', 5)).statusCode).toBe(503);
    const again = await transfer('doubt-4', 5);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await transfersOf(5)).toBe(1);
    expect(await heldBy(acmeKey, acme.id)).toEqual([88]);
    expect(await heldBy(globexKey, globex.id)).toEqual([]);
  });
});

describe('releasing and renewing a key', () => {
  const input = () => ({ organizationId: acme.id, key: `claim-${Math.random()}`, hash: 'h' });
  const row = (key: string) => ctx.db.query<{ status: number | null; claim_token: string | null; locked_until: Date | null }>(sql`SELECT status, claim_token, locked_until FROM idempotency_keys WHERE organization_id = ${acme.id} AND key = ${key}`);

  it('never deletes an answered key', async () => {
    const claim = { ...input(), token: 'mine' };
    expect(await queries.claim(ctx.db, claim, 30)).toBe(true);
    expect(await queries.storeAnswer(ctx.db, claim, { status: 201, body: { ok: true } })).toBe(true);
    await queries.release(ctx.db, claim);
    expect(await row(claim.key)).toMatchObject([{ status: 201 }]);
  });

  it('leaves alone a key that another request took over after the lease ran out: no release, no renewal, no answer', async () => {
    const mine = { ...input(), token: 'mine' };
    expect(await queries.claim(ctx.db, mine, 30)).toBe(true);
    await ctx.db.query(sql`UPDATE idempotency_keys SET locked_until = now() - interval '1 second' WHERE organization_id = ${acme.id} AND key = ${mine.key}`);
    const theirs = { ...mine, token: 'theirs' };
    expect(await queries.claim(ctx.db, theirs, 30)).toBe(true);
    await queries.extendLease(ctx.db, { ...mine }, 3600);
    await queries.release(ctx.db, mine);
    expect(await queries.storeAnswer(ctx.db, mine, { status: 201, body: {} })).toBe(false);
    const [taken] = await row(mine.key);
    expect(taken).toMatchObject({ status: null, claim_token: 'theirs' });
    expect(taken!.locked_until!.getTime()).toBeLessThan(Date.now() + 60_000);
  });
});
