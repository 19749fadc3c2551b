import { beforeAll, describe, expect, it } from 'vitest';
import * as identity from '../../platform/identity/identity.service.js';
import { MADRID, useFacilitiesFixture } from './facilities.fixture.js';

const { fx, create } = useFacilitiesFixture();

describe('facility credentials and tenancy', () => {
  let acmeFacility: string;

  beforeAll(async () => {
    acmeFacility = (await create({ name: 'Acme Secret Site', type: 'factory', country: 'US' })).body.id;
  });

  it('accepts Authorization: Bearer <api key>', async () => {
    const response = await fx.ctx.request({ method: 'GET', url: `/v1/facilities/${acmeFacility}`, headers: { authorization: `Bearer ${fx.acmeKey}` } });
    expect(response.statusCode).toBe(200);
  });

  it('accepts x-api-key with a matching x-organization-id, and x-api-key alone', async () => {
    const withOrg = await fx.ctx.request({ method: 'GET', url: `/v1/facilities/${acmeFacility}`, headers: { 'x-api-key': fx.acmeKey, 'x-organization-id': fx.acme.id } });
    expect(withOrg.statusCode).toBe(200);
    const alone = await fx.ctx.request({ method: 'GET', url: `/v1/facilities/${acmeFacility}`, headers: { 'x-api-key': fx.acmeKey } });
    expect(alone.statusCode).toBe(200);
  });

  it("refuses x-api-key with another organization's id with 403", async () => {
    const response = await fx.ctx.request({ method: 'GET', url: '/v1/facilities', headers: { 'x-api-key': fx.acmeKey, 'x-organization-id': fx.globex.id } });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('FORBIDDEN');
  });

  it('accepts a user access token with x-organization-id of an organization the user belongs to', async () => {
    const user = await identity.createUser(fx.ctx.db, { email: 'ana@acme.test', password: 'correct horse battery' });
    await identity.addMember(fx.ctx.db, fx.acme.id, user.id, 'member');
    const token = (await fx.ctx.request({ method: 'POST', url: '/v1/auth/token', payload: { email: 'ana@acme.test', password: 'correct horse battery' } })).json().access_token;
    const own = await fx.ctx.request({ method: 'GET', url: `/v1/facilities/${acmeFacility}`, headers: { authorization: `Bearer ${token}`, 'x-organization-id': fx.acme.id } });
    expect(own.statusCode).toBe(200);
    const other = await fx.ctx.request({ method: 'GET', url: '/v1/facilities', headers: { authorization: `Bearer ${token}`, 'x-organization-id': fx.globex.id } });
    expect(other.statusCode).toBe(403);
  });

  it('answers 401 without credentials or with an unknown key, before validating input', async () => {
    const none = await fx.ctx.request({ method: 'POST', url: '/v1/facilities', payload: {} });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ code: 'UNAUTHORIZED', detail: 'Missing or invalid credentials.' });
    const unknown = await fx.ctx.request({ method: 'GET', url: '/v1/facilities', headers: { 'x-api-key': 'sk_live_doesnotexist' } });
    expect(unknown.statusCode).toBe(401);
  });

  it('answers 403 to a key without the facilities scopes', async () => {
    const readOnly = await fx.acme.key(['facilities:read']);
    expect((await fx.ctx.request({ method: 'GET', url: '/v1/facilities', key: readOnly })).statusCode).toBe(200);
    const write = await fx.ctx.request({ method: 'POST', url: '/v1/facilities', key: readOnly, payload: MADRID });
    expect(write.statusCode).toBe(403);
    expect(write.json()).toEqual({ code: 'FORBIDDEN', detail: 'This credential lacks the scope facilities:write.' });
    const emissionsOnly = await fx.acme.key(['emissions:read']);
    expect((await fx.ctx.request({ method: 'GET', url: '/v1/facilities', key: emissionsOnly })).statusCode).toBe(403);
  });

  it("never shows, lists, changes or deletes another organization's facility", async () => {
    const url = `/v1/facilities/${acmeFacility}`;
    const read = await fx.ctx.request({ method: 'GET', url, key: fx.globexKey });
    expect(read.statusCode).toBe(404);
    expect(read.json()).toEqual({ code: 'NOT_FOUND', detail: `Facility with id=${acmeFacility} not found` });
    const listed = await fx.ctx.request({ method: 'GET', url: '/v1/facilities?size=100&name=Acme', key: fx.globexKey });
    expect(listed.json().items).toEqual([]);
    expect((await fx.ctx.request({ method: 'PATCH', url, key: fx.globexKey, payload: { name: 'Pwned' } })).statusCode).toBe(404);
    expect((await fx.ctx.request({ method: 'PUT', url, key: fx.globexKey, payload: { name: 'Pwned' } })).statusCode).toBe(404);
    expect((await fx.ctx.request({ method: 'DELETE', url, key: fx.globexKey })).statusCode).toBe(404);
    const intact = await fx.ctx.request({ method: 'GET', url, key: fx.acmeKey });
    expect(intact.json().name).toBe('Acme Secret Site');
  });
});
