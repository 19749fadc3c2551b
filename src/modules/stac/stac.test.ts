import { asUser, signedInUser } from '../../../test/support/accounts.js';
import { describe, expect, it } from 'vitest';
import { validate, URL_BASE, relative, expectStacError, A, B, UNPUBLISHED, SCENE, PUBLISHED_PLUMES, useStacFixture, type Item } from './stac.fixture.js';

const { fx, get, page, ids } = useStacFixture();

describe('landing page, conformance, collections', () => {
  it('answers a valid STAC catalog with the relations and media types clients follow', async () => {
    const response = await get('/');
    expect(response.statusCode).toBe(200);
    const landing = response.json();
    expect(validate(landing, 'catalog')).toEqual([]);
    const rel = (name: string) => landing.links.filter((link: { rel: string }) => link.rel === name);
    expect(rel('self')[0]).toMatchObject({ href: `${URL_BASE}/api/v1/stac/`, type: 'application/json' });
    expect(rel('root')[0]).toMatchObject({ type: 'application/json' });
    expect(rel('conformance')[0]).toMatchObject({ href: `${URL_BASE}/api/v1/stac/conformance` });
    expect(rel('data')[0]).toMatchObject({ href: `${URL_BASE}/api/v1/stac/collections`, type: 'application/json' });
    expect(rel('search').map((link: { method: string }) => link.method).sort()).toEqual(['GET', 'POST']);
    expect(rel('service-desc')[0]).toMatchObject({ href: `${URL_BASE}/openapi.json`, type: 'application/vnd.oai.openapi+json;version=3.0' });
    expect(rel('service-doc')[0]).toMatchObject({ href: `${URL_BASE}/docs`, type: 'text/html' });
    expect(rel('http://www.opengis.net/def/rel/ogc/1.0/queryables')[0]).toMatchObject({ type: 'application/schema+json' });
    expect(rel('child').map((link: { href: string }) => link.href.split('/').pop()).sort()).toEqual(['l1b-rgb-v1', 'l3a-ch4-mfa-v1', 'l3a-ch4-mfa-v2', 'l3a-ch4-mfa-v9', 'l3a-co2-mfa-v1']);
    const openapi = await fx.ctx.request({ method: 'GET', url: '/openapi.json' });
    expect(openapi.statusCode).toBe(200);
    expect(Object.keys(openapi.json().paths)).toEqual(expect.arrayContaining(['/api/v1/stac/search', '/api/v1/stac/collections/{collection_id}/items/{feature_id}']));
    expect((await get('/conformance')).json().conformsTo).toEqual(landing.conformsTo);
    expect(landing.conformsTo).toEqual(expect.arrayContaining(['https://api.stacspec.org/v1.0.0/core', 'https://api.stacspec.org/v1.0.0/item-search#filter', 'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text']));
  });

  it('lists the collections a caller can see, each a valid STAC collection with items and queryables links', async () => {
    const response = await get('/collections');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.collections.map((c: { id: string }) => c.id)).toEqual(['l1b-rgb-v1', 'l3a-ch4-mfa-v1', 'l3a-ch4-mfa-v2', 'l3a-ch4-mfa-v9', 'l3a-co2-mfa-v1']);
    for (const collection of body.collections) {
      expect(validate(collection, 'collection'), collection.id).toEqual([]);
      expect(collection.links.find((link: { rel: string }) => link.rel === 'items')).toMatchObject({ type: 'application/geo+json', href: `${URL_BASE}/api/v1/stac/collections/${collection.id}/items` });
    }
    const v2 = (await get('/collections/l3a-ch4-mfa-v2')).json();
    expect(v2.extent.temporal.interval).toEqual([['2023-08-15T10:15:00.000Z', '2024-06-01T09:00:00.000Z']]);
    // Acme's analyst also sees the collection of its unpublished plume's product; nobody else does.
    expect((await get('/collections/l3a-ch4-mfa-v1', fx.analyst)).json().extent.temporal.interval[0][1]).toBe('2024-05-10T16:00:00.000Z');
    expect((await get('/collections/l3a-ch4-mfa-v1')).json().extent.temporal.interval[0][1]).toBe('2023-06-28T19:10:11.000Z');
  });

  it('answers an unknown collection, item or route with 404 {code, description}', async () => {
    expectStacError(await get('/collections/l3a-ch4-mfa-v7'), 404, /l3a-ch4-mfa-v7/);
    expectStacError(await get('/collections/nope/items'), 404, /nope/);
    expectStacError(await get('/collections/l3a-ch4-mfa-v1/items/nope-A'), 404, /nope-A/);
    expectStacError(await get('/collections/l3a-ch4-mfa-v2/items/' + A), 404, /not found/);
    expectStacError(await get('/nowhere'), 404, /not found/);
  });

  it('searches collections by free text and datetime (collection search)', async () => {
    const byText = (await get('/collections?q=co2')).json();
    expect(byText.collections.map((c: { id: string }) => c.id)).toEqual(['l3a-co2-mfa-v1']);
    const byTime = (await get('/collections?datetime=2024-01-01T00:00:00Z/..')).json();
    expect(byTime.collections.map((c: { id: string }) => c.id)).toEqual(['l1b-rgb-v1', 'l3a-ch4-mfa-v2', 'l3a-co2-mfa-v1']);
  });

  it('serves queryables as JSON Schema whose $id is where it is served', async () => {
    const global = await get('/queryables');
    expect(global.headers['content-type']).toMatch(/^application\/schema\+json/);
    expect(global.json().$id).toBe(`${URL_BASE}/api/v1/stac/queryables`);
    expect(Object.keys(global.json().properties)).toEqual(expect.arrayContaining(['cm:emission', 'cm:gas', 'cm:sector', 'datetime', 'geometry', 'eo:cloud_cover']));
    const scenes = (await get('/collections/l1b-rgb-v1/queryables')).json();
    expect(scenes.$id).toBe(`${URL_BASE}/api/v1/stac/collections/l1b-rgb-v1/queryables`);
    expect(scenes.properties['cm:emission']).toBeUndefined();
    expect(scenes.properties['eo:cloud_cover']).toMatchObject({ type: 'number' });
  });
});

describe('items', () => {
  it('answers plume and scene items that validate against STAC 1.0 and their declared extensions', async () => {
    const all = await page('/search?limit=1000', fx.analyst);
    expect(all.numberMatched).toBe(6 + 1 + 1 + 25 + 7); // plumes, unpublished plume, scene with footprint, paging plumes, scenes of the import
    for (const item of all.features) expect(validate(item as never, 'item'), item.id).toEqual([]);
    const scene = all.features.find((item) => item.id === SCENE)!;
    expect(scene).toMatchObject({ collection: 'l1b-rgb-v1', geometry: { type: 'Polygon' }, bbox: [-100, 30, -99, 31], properties: { 'eo:cloud_cover': 12.5, datetime: '2022-03-01T10:00:00.000Z' } });
  });

  it('gives a plume its bounds as geometry, its figures as cm: properties and signed asset links', async () => {
    const response = await get(`/collections/l3a-ch4-mfa-v1/items/${A}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/geo\+json/);
    const item: Item = response.json();
    expect(item).toMatchObject({
      id: A,
      collection: 'l3a-ch4-mfa-v1',
      geometry: { type: 'Polygon' },
      bbox: [-119.1, 35.49, -119.08, 35.5],
      properties: {
        datetime: '2023-06-28T19:10:11.000Z', start_datetime: '2023-06-28T19:10:11.000Z', end_datetime: '2023-06-28T19:10:11.000Z',
        'cm:emission': 500, 'cm:emission_uncertainty': 100, 'cm:sector': '1B2', 'cm:gas': 'CH4', 'cm:instrument': 'GAO', 'cm:platform': 'GAO', 'cm:status': 'published',
        instruments: ['GAO'], gsd: 3.2, 'proj:epsg': 4326,
      },
    });
    expect(item.links.map((link) => link.rel).sort()).toEqual(['collection', 'parent', 'root', 'self', 'via']);
    expect(item.assets.plume_tif).toMatchObject({ type: 'image/tiff; application=geotiff; profile=cloud-optimized', roles: ['data'] });
    expect(item.assets.plume_png).toMatchObject({ type: 'image/png', roles: ['visual'] });
    const href = relative(item.assets.plume_tif!.href);
    expect(href).toMatch(/^\/api\/v1\/catalog\/asset\/plumes\/a\.tif\?expires=\d+&signature=[\w-]+$/);
    // The signature is the catalog's: accepted (the demo store holds no file, so 404), and refused when altered.
    expect((await fx.ctx.request({ method: 'GET', url: href })).statusCode).toBe(404);
    expect((await fx.ctx.request({ method: 'GET', url: href.replace(/signature=[\w-]+/, 'signature=tampered') })).statusCode).toBe(403);
    // By UUID too.
    expect((await get(`/collections/l3a-ch4-mfa-v1/items/${item.properties['cm:plume_uuid']}`)).json().id).toBe(A);
  });
});

describe('visibility and credentials', () => {
  it("shows published items to everyone, an organization's unpublished ones to its analysts only", async () => {
    const plumes = '/search?limit=100&collections=l3a-ch4-mfa-v1,l3a-ch4-mfa-v2,l3a-co2-mfa-v1';
    expect(await ids(plumes)).toEqual(PUBLISHED_PLUMES);
    expect(await ids(plumes, fx.analyst)).toEqual([...PUBLISHED_PLUMES, UNPUBLISHED].sort());
    expect(await ids(plumes, fx.rival)).toEqual(PUBLISHED_PLUMES);
    expectStacError(await get(`/collections/l3a-ch4-mfa-v1/items/${UNPUBLISHED}`, fx.rival), 404, /not found/);
    expect((await get(`/collections/l3a-ch4-mfa-v1/items/${UNPUBLISHED}`, fx.analyst)).statusCode).toBe(200);
  });

  it('accepts STAC tokens, which read published data only, and refuses keys without stac:read', async () => {
    const owner = await signedInUser(fx.ctx, 'stac-owner@example.com', { organization: { id: fx.acmeId, role: 'owner' } });
    const created = await fx.ctx.request({ method: 'POST', url: '/api/v1/account/tokens/create-stac', headers: asUser(owner.access), payload: { name: 'QGIS' } });
    expect(created.statusCode, created.body).toBe(200);
    const token: string = created.json().token_value;
    const response = await get('/search?limit=100&collections=l3a-ch4-mfa-v1', undefined, { authorization: `Bearer ${token}` });
    expect(response.statusCode).toBe(200);
    expect(response.json().features.map((item: Item) => item.id).sort()).toEqual([A, B]);
    expectStacError(await get('/search', fx.reader), 403, /stac:read/);
    expectStacError(await get('/search', 'not-a-key'), 401, /./);
  });

  it('follows the catalog at once: hidden, published and deleted plumes through the catalog API', async () => {
    const patch = (name: string, status: string) => fx.ctx.request({ method: 'PATCH', url: `/api/v1/catalog/plume/${name}`, key: fx.analyst, payload: { status } });
    expect((await patch(B, 'hidden')).statusCode).toBe(200);
    expect(await ids('/collections/l3a-ch4-mfa-v1/items')).toEqual([A]);
    expect((await patch(UNPUBLISHED, 'publish_ready')).statusCode).toBe(200);
    expect((await patch(UNPUBLISHED, 'published')).statusCode).toBe(200);
    expect(await ids('/collections/l3a-ch4-mfa-v1/items')).toEqual([A, UNPUBLISHED]);
    expect((await patch(B, 'deleted')).statusCode).toBe(200);
    expect(await ids('/collections/l3a-ch4-mfa-v1/items', fx.analyst)).toEqual([A, UNPUBLISHED]);
  });
});
