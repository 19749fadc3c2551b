import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import { signedInUser } from '../../../test/support/accounts.js';
import { listMail } from '../../platform/mail/outbox.js';
import { insertScenes, upsertPlumes, type GeneratedScene } from '../catalog/catalog-writes.queries.js';
import { fixturePlume, SCENES } from '../catalog/catalog.fixture.js';
import { verifySignature } from '../../platform/webhooks/signature.js';
import { sweepNotifications } from './watches.service.js';

let ctx: TestContext;
let acme: TestOrganization;
let globex: TestOrganization;
let acmeKey: string;
let globexKey: string;
let curator: string;
let receiver: Server;
let hookUrl: string;
let hookSecret: string;
const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];

async function until(condition: () => boolean | Promise<boolean>, what: string) {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`still waiting for ${what}`);
}

const LEAK = '00000000-0000-4000-8000-0000000000a1';
const SMALL = '00000000-0000-4000-8000-0000000000a2';
const FAR = '00000000-0000-4000-8000-0000000000a3';
const LEAK_ID = `${SCENES[0]!.name}-A`;
const AREA = { type: 'Polygon', coordinates: [[[-74.05, 40.65], [-73.95, 40.65], [-73.95, 40.75], [-74.05, 40.75], [-74.05, 40.65]]] };

const scene = (id: string, name: string, assessed: boolean): GeneratedScene => ({
  ...SCENES[0]!,
  id,
  name,
  timestamp: new Date(`${name.slice(3, 7)}-${name.slice(7, 9)}-${name.slice(9, 11)}T15:00:00Z`),
  assessed,
});
const BEFORE_REPAIR = scene('00000000-0000-4000-8000-0000000000e1', 'GAO20250201t150000p0000', true);
const CLEAN = scene('00000000-0000-4000-8000-0000000000e2', 'GAO20250301t150000p0000', true);
const STILL_LEAKING = scene('00000000-0000-4000-8000-0000000000e3', 'GAO20250302t150000p0000', true);
const UNREVIEWED = scene('00000000-0000-4000-8000-0000000000e4', 'GAO20250303t150000p0000', false);

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, key: string | undefined, payload?: object) => ctx.request({ method, url, ...(key ? { key } : {}), ...(payload ? { payload } : {}) });
const notifications = async (key: string, query = '') => {
  const response = await call('GET', `/api/v1/community/notifications${query}`, key);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { items: { id: string; plume_id: string; state: string; webhook_state: string | null; watch_name: string; emission_rate: number; report_id: string | null; repair_evidence: { scene_name: string }[] }[]; count: number };
};

async function report(parts: [string, string][]) {
  const data = new FormData();
  for (const [name, value] of parts) data.append(name, value);
  const encoded = new Response(data);
  const response = await ctx.request({
    method: 'POST',
    url: '/api/v1/community/operator_report',
    key: acmeKey,
    payload: Buffer.from(await encoded.arrayBuffer()),
    headers: { 'content-type': encoded.headers.get('content-type')! },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { id: string };
}

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  // The receiver is on loopback: allowed for this test only.
  ctx = await createTestContext({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  acme = await ctx.organization('Acme Operating');
  globex = await ctx.organization('Globex');
  acmeKey = await acme.key(['community:read', 'community:write']);
  globexKey = await globex.key(['community:read', 'community:write']);
  curator = await acme.key(['catalog:read', 'catalog:write']);
  await signedInUser(ctx, 'owner@acme.test', { organization: { id: acme.id, role: 'owner' } });
  await signedInUser(ctx, 'viewer@acme.test', { organization: { id: acme.id, role: 'viewer' } });
  await insertScenes(ctx.db, [...SCENES, BEFORE_REPAIR, CLEAN, STILL_LEAKING, UNREVIEWED], null);
  const pending = { status: 'publish_ready' as const, published_at: null };
  await upsertPlumes(ctx.db, [
    fixturePlume(acme.id, LEAK, 0, 'A', { ...pending, emission_auto: 500 }),
    fixturePlume(acme.id, SMALL, 1, 'A', { ...pending, emission_auto: 50 }),
    fixturePlume(acme.id, FAR, 5, 'A', { ...pending, emission_auto: 5000, longitude: -119.5, latitude: 35.5 }),
    // The source again, 30 m away, on the overpass of 2 March (below the watch's threshold).
    { ...fixturePlume(acme.id, '00000000-0000-4000-8000-0000000000a4', 0, 'A', { emission_auto: 60, longitude: -74.0003, latitude: 40.7001 }), scene_id: STILL_LEAKING.id, scene_name: STILL_LEAKING.name, plume_id: `${STILL_LEAKING.name}-A`, datetime: STILL_LEAKING.timestamp },
  ]);
});
afterAll(async () => {
  await ctx?.close();
  receiver?.close();
});

describe('community watches', () => {
  it('creates, lists and deletes your watched areas', async () => {
    const created = await call('POST', '/api/v1/community/watches', acmeKey, { name: 'Landfill lease', area: AREA, threshold_kg_h: 100, webhook_url: hookUrl });
    expect(created.statusCode, created.body).toBe(200);
    expect(created.json()).toMatchObject({ name: 'Landfill lease', threshold_kg_h: 100, email: true, area: { type: 'MultiPolygon' }, webhook_url: hookUrl });
    hookSecret = created.json().webhook_secret;
    expect(hookSecret).toMatch(/^whsec_/);
    expect((await call('GET', '/api/v1/community/watches', acmeKey)).json()[0].webhook_secret).toBeUndefined();
    // Far from every plume: the server's own sweep may run at any moment, and must raise nothing for it.
    const OCEAN = { type: 'Polygon', coordinates: [[[-40, 30], [-39, 30], [-39, 31], [-40, 31], [-40, 30]]] };
    const extra = (await call('POST', '/api/v1/community/watches', acmeKey, { name: 'Temporary', area: OCEAN, threshold_kg_h: 1, email: false })).json();
    expect((await call('GET', '/api/v1/community/watches', acmeKey)).json().map((w: { name: string }) => w.name)).toEqual(['Landfill lease', 'Temporary']);
    expect((await call('DELETE', `/api/v1/community/watches/${extra.id}`, globexKey)).statusCode).toBe(404);
    expect((await call('DELETE', `/api/v1/community/watches/${extra.id}`, acmeKey)).json()).toBe(true);
    expect((await call('GET', '/api/v1/community/watches', acmeKey)).json()).toHaveLength(1);
    expect((await call('GET', '/api/v1/community/watches', globexKey)).json()).toEqual([]);
    // Globex watches the same place, but only for larger plumes.
    expect((await call('POST', '/api/v1/community/watches', globexKey, { name: 'Big ones', area: AREA, threshold_kg_h: 1000 })).statusCode).toBe(200);
  });

  it('refuses invalid areas and thresholds with 422, and asks for credentials and scope', async () => {
    const bowtie = { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] };
    const cases: [object, string[]][] = [
      [{ name: 'x', area: bowtie, threshold_kg_h: 1 }, ['body', 'area']],
      [{ name: 'x', area: { type: 'Point', coordinates: [0, 0] }, threshold_kg_h: 1 }, ['body', 'area']],
      [{ name: 'x', area: { ...AREA, coordinates: [[[0, 95], [1, 95], [1, 96], [0, 95]]] }, threshold_kg_h: 1 }, ['body', 'area']],
      [{ name: 'x', area: AREA, threshold_kg_h: -1 }, ['body', 'threshold_kg_h']],
      [{ name: '', area: AREA, threshold_kg_h: 1 }, ['body', 'name']],
      [{ name: 'x', area: AREA, threshold_kg_h: 1, webhook_url: 'ftp://example.com/hook' }, ['body', 'webhook_url']],
    ];
    for (const [payload, loc] of cases) {
      const response = await call('POST', '/api/v1/community/watches', acmeKey, payload);
      expect(response.statusCode, response.body).toBe(422);
      expect(response.json().detail[0].loc.slice(0, 2)).toEqual(loc);
    }
    expect((await call('GET', '/api/v1/community/watches', undefined)).statusCode).toBe(401);
    expect((await call('GET', '/api/v1/community/notifications', undefined)).statusCode).toBe(401);
    expect((await call('POST', '/api/v1/community/watches', await acme.key(['community:read']), { name: 'x', area: AREA, threshold_kg_h: 1 })).statusCode).toBe(403);
    expect((await call('GET', '/api/v1/community/notifications?state=closed', acmeKey)).statusCode).toBe(422);
  });
});

describe('watching an area of interest or an administrative area', () => {
  it("copies the caller's AOI or a GADM area into the watch, and refuses another organization's AOI", async () => {
    const geoKey = await acme.key(['geo:read', 'geo:write']);
    const OCEAN = { type: 'Polygon', coordinates: [[[-30, 20], [-29, 20], [-29, 21], [-30, 21], [-30, 20]]] };
    const aoi = await call('POST', '/api/v1/layers/aoi', geoKey, { name: 'Mid-Atlantic', geometry_json: OCEAN });
    expect(aoi.statusCode, aoi.body).toBe(200);
    const fromAoi = await call('POST', '/api/v1/community/watches', acmeKey, { name: 'From AOI', aoi_id: aoi.json().id, threshold_kg_h: 10, email: false });
    expect(fromAoi.statusCode, fromAoi.body).toBe(200);
    expect(fromAoi.json().area.type).toBe('MultiPolygon');
    expect(fromAoi.json().area.coordinates[0][0]).toEqual(expect.arrayContaining([[-30, 20], [-29, 21]]));
    const fromCountry = await call('POST', '/api/v1/community/watches', acmeKey, { name: 'Iceland', gadm_composite_id: 'ISL', threshold_kg_h: 10, email: false });
    expect(fromCountry.statusCode, fromCountry.body).toBe(200);
    const [west, south] = fromCountry.json().area.coordinates.flat(2).reduce(([w, s]: number[], [x, y]: number[]) => [Math.min(w!, x!), Math.min(s!, y!)], [180, 90]);
    expect(west).toBeGreaterThan(-25);
    expect(south).toBeGreaterThan(62);
    expect((await call('POST', '/api/v1/community/watches', globexKey, { name: 'Theirs', aoi_id: aoi.json().id, threshold_kg_h: 10 })).statusCode).toBe(422);
    expect((await call('POST', '/api/v1/community/watches', acmeKey, { name: 'None', threshold_kg_h: 10 })).statusCode).toBe(422);
    expect((await call('POST', '/api/v1/community/watches', acmeKey, { name: 'Both', area: OCEAN, gadm_composite_id: 'ISL', threshold_kg_h: 10 })).statusCode).toBe(422);
    for (const watch of [fromAoi.json(), fromCountry.json()]) expect((await call('DELETE', `/api/v1/community/watches/${watch.id}`, acmeKey)).statusCode).toBe(200);
  });
});

describe('the notification loop: detect → notify → report → repair → verify', () => {
  it('notifies the watching organization of a plume published above its threshold inside its area, by list and e-mail', async () => {
    for (const id of [LEAK, SMALL, FAR]) {
      const published = await call('PATCH', `/api/v1/catalog/plume/${id}`, curator, { status: 'published' });
      expect(published.statusCode, published.body).toBe(200);
    }
    await sweepNotifications(ctx.db, 'https://atlas.test');
    const list = await notifications(acmeKey);
    expect(list).toMatchObject({ count: 1, items: [{ plume_id: LEAK_ID, watch_name: 'Landfill lease', emission_rate: 500, state: 'open', report_id: null, repair_evidence: [] }] });
    const [mail] = await listMail(ctx.db, { to: 'owner@acme.test' });
    expect(mail!.subject).toBe(`Plume ${LEAK_ID} (500 kg/h) published in Landfill lease`);
    expect(mail!.body_text).toContain(`https://atlas.test/api/v1/catalog/plume/${LEAK_ID}`);
    expect(await listMail(ctx.db, { to: 'viewer@acme.test' })).toEqual([]);
    // Globex's threshold is 1000 kg/h: nothing for it. A second sweep raises nothing twice.
    expect((await notifications(globexKey)).count).toBe(0);
    await sweepNotifications(ctx.db, 'https://atlas.test');
    expect((await notifications(acmeKey)).count).toBe(1);
    expect(await listMail(ctx.db, { to: 'owner@acme.test' })).toHaveLength(1);

    // And a signed webhook, once.
    await until(() => received.length > 0, 'the webhook');
    const [delivery] = received;
    expect(delivery!.headers['carbon-atlas-event']).toBe('plume.notified');
    expect(verifySignature(hookSecret, delivery!.body, String(delivery!.headers['carbon-atlas-signature']), Math.floor(Date.now() / 1000))).toBe(true);
    expect(JSON.parse(delivery!.body)).toMatchObject({ event: 'plume.notified', id: list.items[0]!.id, data: { plume_id: LEAK_ID, watch_name: 'Landfill lease', emission_rate: 500, state: 'open' } });
    await until(async () => (await notifications(acmeKey)).items[0]!.webhook_state === 'delivered', 'the delivery to be recorded');
    expect(received).toHaveLength(1);
  });

  it('follows the operator report: reported, then repair, then verified, with later clean overpasses as evidence', async () => {
    const base: [string, string][] = [['plume_identifier', LEAK_ID], ['investigation_date', '2025-01-23'], ['investigation_method', 'Survey'], ['classification', 'Unexpected']];
    const created = await report(base);
    expect((await notifications(acmeKey)).items[0]).toMatchObject({ state: 'reported', report_id: created.id });

    await report([['id', created.id], ['leak_status', 'Needs Repair'], ['repair_date', '2025-02-10'], ['repair_status', 'Repaired']]);
    expect((await notifications(acmeKey, '?state=repair')).count).toBe(1);
    await sweepNotifications(ctx.db, 'https://atlas.test');
    // Only the assessed overpass after the repair that saw no plume within 100 m of the source counts.
    expect((await notifications(acmeKey)).items[0]!.repair_evidence.map((e) => e.scene_name)).toEqual([CLEAN.name]);

    await report([['id', created.id], ['verification_date', '2025-03-05'], ['verification_method', 'OGI camera']]);
    const verified = await notifications(acmeKey);
    expect(verified.items[0]).toMatchObject({ state: 'verified', repair_evidence: [{ scene_name: CLEAN.name }] });
    expect((await notifications(acmeKey, '?state=open')).count).toBe(0);
    expect((await notifications(globexKey)).count).toBe(0);
  });
});
