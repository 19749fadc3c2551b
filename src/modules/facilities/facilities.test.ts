import { describe, expect, it } from 'vitest';
import { MADRID, useFacilitiesFixture } from './facilities.fixture.js';

const { fx, create, expectCountsExact } = useFacilitiesFixture();

describe('facilities CRUD', () => {
  it("creates the page's example facility with 201 and the Facility Object fields", async () => {
    const { status, body } = await create(MADRID);
    expect(status).toBe(201);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ...MADRID,
      status: 'active',
      co2e: 0,
      co2e_biomass: 0,
      logistic_factor: 0.8,
      facility_purpose_type: 'facilities',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const read = await fx.ctx.request({ method: 'GET', url: `/v1/facilities/${body.id}`, key: fx.acmeKey });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(body);
  });

  it('updates only the fields sent, with PATCH and with PUT', async () => {
    const { body: created } = await create({ name: 'Lyon Plant', type: 'factory', country: 'fr', logistic_factor: 0.5 });
    expect(created.country).toBe('FR');
    const patched = await fx.ctx.request({ method: 'PATCH', url: `/v1/facilities/${created.id}`, key: fx.acmeKey, payload: { name: 'Lyon HQ', categories: ['heat', 'electricity', 'water', 'recharge'] } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Lyon HQ', type: 'factory', country: 'FR', logistic_factor: 0.5, categories: ['heat', 'electricity', 'water', 'recharge'] });
    const put = await fx.ctx.request({ method: 'PUT', url: `/v1/facilities/${created.id}`, key: fx.acmeKey, payload: { status: 'archived', address: null } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ name: 'Lyon HQ', status: 'archived', address: null, logistic_factor: 0.5 });
    expect(Date.parse(put.json().updated_at)).toBeGreaterThanOrEqual(Date.parse(created.updated_at));
  });

  it('accepts a read object sent back, ignoring its read-only fields', async () => {
    const { body: created } = await create({ name: 'Round Trip', type: 'store', country: 'PT' });
    const response = await fx.ctx.request({ method: 'PUT', url: `/v1/facilities/${created.id}`, key: fx.acmeKey, payload: { ...created, co2e: 999, name: 'Round Trip 2' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: created.id, co2e: 0, name: 'Round Trip 2', created_at: created.created_at });
  });

  it('deletes with 204, after which the facility is 404', async () => {
    const { body: created } = await create({ name: 'Temporary', type: 'other', country: 'DE' });
    const deleted = await fx.ctx.request({ method: 'DELETE', url: `/v1/facilities/${created.id}`, key: fx.acmeKey });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    const again = await fx.ctx.request({ method: 'GET', url: `/v1/facilities/${created.id}`, key: fx.acmeKey });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toEqual({ code: 'NOT_FOUND', detail: `Facility with id=${created.id} not found` });
    expect((await fx.ctx.request({ method: 'DELETE', url: `/v1/facilities/${created.id}`, key: fx.acmeKey })).statusCode).toBe(404);
  });
});

describe('facility validation', () => {
  it('requires name, type and country, naming each missing field', async () => {
    const { status, body } = await create({});
    expect(status).toBe(422);
    expect(body.code).toBe('VALIDATION_ERROR');
    const fields = body.detail.map((issue: { loc: string[] }) => issue.loc.join('.'));
    expect(fields).toEqual(expect.arrayContaining(['body.name', 'body.type', 'body.country']));
  });

  it.each([
    [{ ...MADRID, type: 'castle' }, 'body.type'],
    [{ ...MADRID, country: 'ESP' }, 'body.country'],
    [{ ...MADRID, country: 'XX', cups_list: [] }, 'body.country'],
    [{ ...MADRID, logistic_factor: 1.2, cups_list: [] }, 'body.logistic_factor'],
    [{ ...MADRID, logistic_factor: -0.1, cups_list: [] }, 'body.logistic_factor'],
    [{ ...MADRID, categories: ['gas'] }, 'body.categories.0'],
    [{ ...MADRID, categories: ['heat', 'heat'] }, 'body.categories'],
    [{ ...MADRID, name: '   ' }, 'body.name'],
    [{ ...MADRID, status: 'closed' }, 'body.status'],
    [{ ...MADRID, unexpected: true }, 'body.unexpected'],
    [{ ...MADRID, cups_list: ['ES12'] }, 'body.cups_list.0'],
    [{ ...MADRID, logistic_factor: null }, 'body.logistic_factor'],
    [{ ...MADRID, logistic_factor: true }, 'body.logistic_factor'],
    [{ ...MADRID, logistic_factor: [0.3] }, 'body.logistic_factor'],
    [{ ...MADRID, name: 123 }, 'body.name'],
    [{ ...MADRID, name: ['Madrid'] }, 'body.name'],
    [{ ...MADRID, cups_list: 'ES1234123456789012JY' }, 'body.cups_list'],
    [{ ...MADRID, facility_purpose_type: 'castle' }, 'body.facility_purpose_type'],
    [{ ...MADRID, address: 'x'.repeat(501) }, 'body.address'],
  ])('refuses %j with 422 at %s and stores nothing', async (payload, field) => {
    const before = (await fx.ctx.request({ method: 'GET', url: '/v1/facilities', key: fx.acmeKey })).json().total;
    const { status, body } = await create(payload);
    expect(status).toBe(422);
    expect(body.detail.map((issue: { loc: (string | number)[] }) => issue.loc.join('.'))).toContain(field);
    expect((await fx.ctx.request({ method: 'GET', url: '/v1/facilities', key: fx.acmeKey })).json().total).toBe(before);
  });

  it("refuses the page's sample CUPS, whose control letters should be RK, naming the code", async () => {
    const { status, body } = await create({ ...MADRID, name: 'Bad CUPS', cups_list: ['ES1234123456789012JY', 'ES0021000000000001AA'] });
    expect(status).toBe(422);
    expect(body.detail).toEqual([
      { loc: ['body', 'cups_list', 1], msg: 'CUPS ES0021000000000001AA is invalid: control letters AA do not match the digits (expected RK)', type: 'cups' },
    ]);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const response = await fx.ctx.request({ method: 'POST', url: '/v1/facilities', key: fx.acmeKey, headers: { 'content-type': 'application/json' }, payload: '{"name": "Madrid' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ code: 'INVALID_PAYLOAD', detail: 'Request body is not valid JSON.' });
  });

  it('answers 422 to a facility id that is not a UUID', async () => {
    const response = await fx.ctx.request({ method: 'GET', url: '/v1/facilities/not-a-uuid', key: fx.acmeKey });
    expect(response.statusCode).toBe(422);
    expect(response.json().detail[0].loc).toEqual(['path', 'facility_id']);
  });
});

describe('CUPS ownership', () => {
  const cups = 'ES9750210987654321CQ';

  it('lets one active facility per organization hold a supply point, and frees it on archive', async () => {
    const first = await create({ name: 'Holder', type: 'office', country: 'ES', cups_list: [cups] });
    expect(first.status).toBe(201);
    const second = await create({ name: 'Intruder', type: 'office', country: 'ES', cups_list: [`${cups}0F`] });
    expect(second.status).toBe(422);
    expect(second.body.detail[0]).toMatchObject({ loc: ['body', 'cups_list', 0], msg: `CUPS ${cups}0F already belongs to active facility ${first.body.id}` });

    const archived = await create({ name: 'Archived holder', type: 'office', country: 'ES', status: 'archived', cups_list: [cups] });
    expect(archived.status).toBe(201);
    const reactivate = await fx.ctx.request({ method: 'PATCH', url: `/v1/facilities/${archived.body.id}`, key: fx.acmeKey, payload: { status: 'active' } });
    expect(reactivate.statusCode).toBe(422);

    await fx.ctx.request({ method: 'PATCH', url: `/v1/facilities/${first.body.id}`, key: fx.acmeKey, payload: { status: 'archived' } });
    const now = await fx.ctx.request({ method: 'PATCH', url: `/v1/facilities/${archived.body.id}`, key: fx.acmeKey, payload: { status: 'active' } });
    expect(now.statusCode).toBe(200);
  });

  it('lets another organization use the same supply point', async () => {
    expect((await create({ name: 'Globex Madrid', type: 'office', country: 'ES', cups_list: [cups] }, fx.globexKey)).status).toBe(201);
  });

  it('refuses the same supply point twice in one list', async () => {
    const { status, body } = await create({ name: 'Twice', type: 'office', country: 'ES', cups_list: ['ES0291000000000001DN', 'es0291000000000001dn'] });
    expect(status).toBe(422);
    expect(body.detail[0].loc).toEqual(['body', 'cups_list', 1]);
  });
});

describe('facility counts after the tests above', () => {
  it('still equal the rows: every create, edit, archive, delete and refused write above kept them exact', async () => {
    await expectCountsExact();
  });
});
