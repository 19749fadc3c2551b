import { Readable } from 'node:stream';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import { tamperSignature } from '../../../test/support/tamper.js';
import { localBlobStore, urlSigner } from '../../platform/storage/blob-store.js';
import { insertScenes, upsertPlumes } from './catalog-writes.queries.js';
import { FIXTURE_CSV, FIXTURE_HEADER, fixturePlume, SCENES } from './catalog.fixture.js';
import { importPlumeCsv } from './plume-import.js';
import sql from 'sql-template-tag';

let ctx: TestContext;
let acme: TestOrganization;
let analyst: string;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

beforeAll(async () => {
  ctx = await createTestContext({ ASSET_URL_TTL: '60' });
  acme = await ctx.organization('Acme');
  analyst = await acme.key(['catalog:read', 'catalog:write']);
  // The fixture's published plume A has plumes/a.png; give the unpublished one an asset too.
  const csv = FIXTURE_CSV.replace('ang20240510t160000p0000-A,36,-110,2024-05-10T16:00:00Z,,CH4,mfa,,ang,,,2024-05-11T00:00:00Z,v1,carbon-1.0,4,,,50,10,2,0.5,0,5,hrrr,ANG,JPL,,', 'ang20240510t160000p0000-A,36,-110,2024-05-10T16:00:00Z,,CH4,mfa,,ang,,,2024-05-11T00:00:00Z,v1,carbon-1.0,4,,,50,10,2,0.5,0,5,hrrr,ANG,JPL,,plumes/secret.png');
  await importPlumeCsv(ctx.db, Readable.from([csv]), acme.id);
  const store = localBlobStore(path.join(ctx.config.dataDir, 'assets'));
  await store.put('plumes/a.png', PNG);
  await store.put('plumes/secret.png', PNG);
});
afterAll(() => ctx?.close());

describe('assets and quicklooks', () => {
  it('redirects to a signed, expiring URL that serves the file', async () => {
    const redirect = await ctx.request({ method: 'GET', url: '/api/v1/catalog/asset/plumes/a.png' });
    expect(redirect.statusCode).toBe(302);
    const location = redirect.headers.location as string;
    expect(location).toMatch(/^\/api\/v1\/catalog\/asset\/plumes\/a\.png\?expires=\d+&signature=[\w-]{43}$/);
    const expires = Number(new URL(location, 'http://x').searchParams.get('expires'));
    expect(expires - Date.now() / 1000).toBeGreaterThan(55);
    expect(expires - Date.now() / 1000).toBeLessThanOrEqual(60);
    const file = await ctx.request({ method: 'GET', url: location });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.rawPayload.equals(PNG)).toBe(true);
  });

  it('refuses tampered and expired links, other keys, and assets of plumes the caller may not see', async () => {
    const location = (await ctx.request({ method: 'GET', url: '/api/v1/catalog/asset/plumes/a.png' })).headers.location as string;
    expect((await ctx.request({ method: 'GET', url: location.replace('a.png', 'secret.png') })).statusCode).toBe(403);
    expect((await ctx.request({ method: 'GET', url: tamperSignature(location) })).statusCode).toBe(403);
    const signer = urlSigner(ctx.app.deriveKey('catalog-assets'));
    const old = signer.sign('plumes/a.png', 60, Date.now() - 120_000);
    expect((await ctx.request({ method: 'GET', url: `/api/v1/catalog/asset/plumes/a.png?expires=${old.expires}&signature=${old.signature}` })).statusCode).toBe(403);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/catalog/asset/plumes/secret.png' })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/catalog/asset/plumes/secret.png', key: analyst })).statusCode).toBe(302);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/catalog/asset/plumes/../../etc/passwd.png' })).statusCode).not.toBe(200);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/catalog/asset/plumes/none.png' })).statusCode).toBe(404);
  });

  it('shares an unpublished plume through a signed quicklook link', async () => {
    const plume = (await ctx.request({ method: 'GET', url: '/api/v1/catalog/plume/ang20240510t160000p0000-A', key: analyst })).json();
    const link = await ctx.request({ method: 'GET', url: `/api/v1/catalog/quicklook/${plume.id}/link?ttl=3600`, key: analyst });
    expect(link.statusCode, link.body).toBe(200);
    const quicklook = await ctx.request({ method: 'GET', url: link.json().url });
    expect(quicklook.statusCode).toBe(200);
    expect(quicklook.json()).toMatchObject({ plume: { plume_id: 'ang20240510t160000p0000-A', status: 'valid' } });
    expect(quicklook.json().image_url).toMatch(/^\/api\/v1\/catalog\/asset\/plumes\/secret\.png\?expires=/);
    expect((await ctx.request({ method: 'GET', url: `/api/v1/catalog/quicklook/${plume.id}/response?signature=1.x` })).statusCode).toBe(403);
    const rival = await (await ctx.organization('Rival')).key(['catalog:write']);
    expect((await ctx.request({ method: 'GET', url: `/api/v1/catalog/quicklook/${plume.id}/link`, key: rival })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'GET', url: `/api/v1/catalog/quicklook/${plume.id}/link` })).statusCode).toBe(401);
  });

  it('when another organization imports a plume naming an asset key Acme registered, the row is refused and the file stays private', async () => {
    const rival = await ctx.organization('Squatter');
    const published = 'ang20240601t160000p0000-A,36,-110,2024-06-01T16:00:00Z,,CH4,mfa,,ang,,2024-06-02T00:00:00Z,,v1,carbon-1.0,4,,,50,10,2,0.5,0,5,hrrr,ANG,JPL,,plumes/secret.png,,,,US';
    const report = await importPlumeCsv(ctx.db, Readable.from([[FIXTURE_HEADER, published].join('\r\n')]), rival.id);
    expect(report).toMatchObject({ created: 0, failed: 1, errors: [{ row: 2, message: 'plume_png: asset key not available to this organization' }] });
    expect((await ctx.request({ method: 'GET', url: '/api/v1/catalog/asset/plumes/secret.png' })).statusCode).toBe(404);
  });

  it('serves an asset only through a visible plume of the organization that registered it', async () => {
    // A published plume of another organization that names Acme's private key anyway (written
    // around the import, as rows stored before keys were registered could be).
    const rival = await ctx.organization('Legacy');
    await insertScenes(ctx.db, [SCENES[0]!], null);
    const id = '00000000-0000-4000-8000-00000000a551';
    await upsertPlumes(ctx.db, [fixturePlume(rival.id, id, 0, 'Z', { plume_png: 'plumes/secret.png' })]);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/catalog/plume/GAO20240110t150000p0000-Z' })).json().plume_png).toBe('plumes/secret.png');
    expect((await ctx.request({ method: 'GET', url: '/api/v1/catalog/asset/plumes/secret.png' })).statusCode).toBe(404);
    const rivalKey = await rival.key(['catalog:read', 'catalog:write']);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/catalog/asset/plumes/secret.png', key: rivalKey })).statusCode).toBe(404);
    const link = (await ctx.request({ method: 'GET', url: `/api/v1/catalog/quicklook/${id}/link`, key: rivalKey })).json();
    const quicklook = await ctx.request({ method: 'GET', url: link.url });
    expect(quicklook.statusCode).toBe(200);
    expect(quicklook.json().image_url).toBeNull();
    // Acme's own published plume still serves its registered file.
    expect((await ctx.request({ method: 'GET', url: '/api/v1/catalog/asset/plumes/a.png' })).statusCode).toBe(302);
  });
});

describe('asset keys stored under an organization id', () => {
  it('belong to that organization: another organization naming one first claims nothing and reads nothing', async () => {
    const owner = await ctx.organization('Keeper');
    const squatter = await ctx.organization('Early Bird');
    const key = `${owner.id}/plumes/ang20240512t160000p0000-A.png`;
    await localBlobStore(path.join(ctx.config.dataDir, 'assets')).put(key, PNG);
    const row = (name: string, published: string) =>
      `${name},36,-110,2024-05-12T16:00:00Z,,CH4,mfa,,ang,,${published},,v1,carbon-1.0,4,,,50,10,2,0.5,0,5,hrrr,ANG,JPL,,${key},,,,US`;

    const squat = await importPlumeCsv(ctx.db, Readable.from([[FIXTURE_HEADER, row('ang20240512t160000p0000-A', '2024-05-13T00:00:00Z')].join('\r\n')]), squatter.id);
    expect(squat).toMatchObject({ created: 0, failed: 1, errors: [{ row: 2, message: 'plume_png: asset key not available to this organization' }] });
    expect((await ctx.request({ method: 'GET', url: `/api/v1/catalog/asset/${key}` })).statusCode).toBe(404);

    const own = await importPlumeCsv(ctx.db, Readable.from([[FIXTURE_HEADER, row('ang20240512t160000p0000-A', '2024-05-13T00:00:00Z')].join('\r\n')]), owner.id);
    expect(own).toMatchObject({ created: 1, failed: 0 });
    const redirect = await ctx.request({ method: 'GET', url: `/api/v1/catalog/asset/${key}` });
    expect(redirect.statusCode).toBe(302);
    expect((await ctx.request({ method: 'GET', url: redirect.headers.location as string })).rawPayload.equals(PNG)).toBe(true);
  });

  it('a refused row registers none of its keys', async () => {
    const first = await ctx.organization('Refused Row');
    const shared = 'shared/only-if-written.png';
    // Published elsewhere under this name already: the row is refused by name, and its shared key stays free.
    const taken = 'GAO20230628t191011p0000-A,35.4965,-119.0893,2023-06-28T19:10:11Z,,CH4,mfa,,GAO,,2023-07-10T00:00:00Z,,v1,carbon-1.0,3.2,,,500,100,3.1,0.4,225,10,hrrr,GAO,CarbonMapper,,' + shared + ',,,,US';
    const report = await importPlumeCsv(ctx.db, Readable.from([[FIXTURE_HEADER, taken].join('\r\n')]), first.id);
    expect(report).toMatchObject({ created: 0, failed: 1, errors: [{ message: 'plume_id: not available to this organization' }] });
    const [registered] = await ctx.db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM plume_assets WHERE key = ${shared}`);
    expect(registered!.n).toBe(0);
  });
});
