import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import { upsertProfile } from '../../modules/registry/registry.queries.js';

let ctx: TestContext;
let acme: TestOrganization;
let globex: TestOrganization;
let acmeKey: string;
let creditId: string;

beforeAll(async () => {
  ctx = await createTestContext({ REGISTRY_WORKERS: '0' });
  acme = await ctx.organization('Acme');
  globex = await ctx.organization('Globex');
  acmeKey = await acme.key();
  const operator = await ctx.organization('Operator');
  await upsertProfile(ctx.db, operator.id, { isRegistryOperator: true, type: 'registryOperator' });
  const operatorKey = await operator.key();
  const project = (await ctx.request({ method: 'POST', url: '/projects', key: operatorKey, payload: { fullName: 'Peatland', countryCode: 'ISL' } })).json();
  await ctx.request({ method: 'POST', url: `/projects/${project.id}/issuances`, key: operatorKey, payload: { vintage: 2021, supply: 100, type: 'exPost', toOrganizationId: acme.id } });
  const inventory = (await ctx.request({ method: 'GET', url: `/organizations/${acme.id}/inventory`, key: acmeKey })).json();
  creditId = inventory.credits[0].id;
});
afterAll(() => ctx?.close());

const FACILITY = { name: 'Lisbon Plant', type: 'factory', country: 'PT' };

describe('Idempotency-Key on facilities and registry writes', () => {
  it('creates a facility once when the same request is re-sent with the same key, and says the second answer is a replay', async () => {
    const send = () => ctx.request({ method: 'POST', url: '/v1/facilities', key: acmeKey, headers: { 'idempotency-key': 'lisbon-1' }, payload: FACILITY });
    const first = await send();
    const again = await send();
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const [count] = await ctx.db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM facilities WHERE organization_id = ${acme.id} AND name = 'Lisbon Plant'`);
    expect(count!.n).toBe(1);
  });

  it('answers 409 in the facilities error format when a key is reused for another body', async () => {
    const other = await ctx.request({ method: 'POST', url: '/v1/facilities', key: acmeKey, headers: { 'idempotency-key': 'lisbon-1' }, payload: { ...FACILITY, name: 'Porto Plant' } });
    expect(other.statusCode).toBe(409);
    expect(other.json()).toEqual({ code: 'CONFLICT', detail: 'This Idempotency-Key was used for a different request.' });
  });

  it('reserves tonnes for a transfer once when it is re-sent with the same key', async () => {
    const send = () =>
      ctx.request({ method: 'POST', url: `/organizations/${acme.id}/inventory/action/transfer`, key: acmeKey, headers: { 'idempotency-key': 'transfer-7' }, payload: { creditId, amount: 7, toOrganizationId: globex.id } });
    const first = await send();
    const again = await send();
    expect(first.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    const transfers = await ctx.db.query(sql`SELECT 1 FROM jobs WHERE queue = 'registry.transactions'`);
    expect(transfers).toHaveLength(1);
  });

  it('registers a project, issues credits and opens a subaccount once each when re-sent with the same key', async () => {
    const operator = await ctx.organization('Operator 2');
    await upsertProfile(ctx.db, operator.id, { isRegistryOperator: true, type: 'registryOperator' });
    const operatorKey = await operator.key();
    const twice = async (request: Parameters<TestContext['request']>[0]) => {
      const first = await ctx.request(request);
      const again = await ctx.request(request);
      expect(again.json()).toEqual(first.json());
      expect(again.headers['idempotent-replayed']).toBe('true');
      return first;
    };
    const project = await twice({ method: 'POST', url: '/projects', key: operatorKey, headers: { 'idempotency-key': 'project-1' }, payload: { fullName: 'Bog', countryCode: 'IRL' } });
    expect(project.statusCode).toBe(201);
    const issued = await twice({ method: 'POST', url: `/projects/${project.json().id}/issuances`, key: operatorKey, headers: { 'idempotency-key': 'issue-1' }, payload: { vintage: 2022, supply: 50, type: 'exPost', toOrganizationId: globex.id } });
    expect(issued.statusCode).toBe(201);
    const opened = await twice({ method: 'POST', url: `/organizations/${globex.id}/addresses`, key: await globex.key(), headers: { 'idempotency-key': 'desk-1' }, payload: { name: 'Desk' } });
    expect(opened.statusCode).toBe(201);
    const [counts] = await ctx.db.query<{ projects: number; batches: number }>(sql`
      SELECT (SELECT count(*)::int FROM registry_projects WHERE full_name = 'Bog') AS projects,
             (SELECT count(*)::int FROM credit_batches WHERE project_id = ${project.json().id}) AS batches`);
    expect(counts).toEqual({ projects: 1, batches: 1 });
  });

  it('refuses an over-long key with 422 and the family error', async () => {
    const tooLong = await ctx.request({ method: 'POST', url: '/v1/facilities', key: acmeKey, headers: { 'idempotency-key': 'x'.repeat(256) }, payload: FACILITY });
    expect(tooLong.statusCode).toBe(422);
  });
});
