import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { DEMO_TLE } from './tasking.seed.js';

let ctx: TestContext;
let writer: string;
let reader: string;
let noTasking: string;
let rival: string;
let activeSpec: string;
let draftSpec: string;
let platformId: string;

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, key?: string, payload?: object) =>
  ctx.request({ method, url: `/api/v1/tasking${url}`, ...(key ? { key } : {}), ...(payload ? { payload } : {}) });

async function ok(method: 'GET' | 'POST' | 'PATCH', url: string, key: string, payload?: object) {
  const response = await call(method, url, key, payload);
  expect(response.statusCode, response.body).toBe(method === 'POST' ? 201 : 200);
  return response.json();
}

const point = { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [-103.5, 31.9] } }] };

beforeAll(async () => {
  ctx = await createTestContext();
  const acme = await ctx.organization('Acme Captures');
  writer = await acme.key(['tasking:write']);
  reader = await acme.key(['tasking:read']);
  noTasking = await acme.key(['geo:read']);
  rival = await (await ctx.organization('Rival Captures')).key(['tasking:write']);
  platformId = (await ok('POST', '/platform', writer, DEMO_TLE)).id;
  const active = await ok('POST', '/target_deck', writer, { name: 'active' });
  activeSpec = (await ok('POST', `/target_deck/${active.id}/target_spec`, writer, { name: 'Permian', areas: point })).id;
  await ok('PATCH', `/target_deck/${active.id}`, writer, { status: 'SUBMITTED' });
  await ok('PATCH', `/target_deck/${active.id}`, writer, { status: 'ACTIVE' });
  const draft = await ok('POST', '/target_deck', writer, { name: 'draft' });
  draftSpec = (await ok('POST', `/target_deck/${draft.id}/target_spec`, writer, { areas: point })).id;
});
afterAll(() => ctx?.close());

describe('task captures', () => {
  it('records a capture of an active deck’s spec, pending review, and lists it', async () => {
    const capture = await ok('POST', '/task_capture', writer, { target_spec_id: activeSpec, platform_id: platformId, captured_at: '2026-12-02T17:31:05Z', scene: 'tan20261202t173105p0000', notes: 'clear sky' });
    expect(capture).toMatchObject({ target_spec: activeSpec, platform: platformId, captured_at: '2026-12-02T17:31:05.000Z', scene: 'tan20261202t173105p0000', notes: 'clear sky', status: 'PENDING_REVIEW' });
    expect(await ok('GET', `/task_capture/${capture.id}`, reader)).toEqual(capture);
    const listed = await ok('GET', `/task_captures?target_spec_id=${activeSpec}&status=PENDING_REVIEW`, reader);
    expect(listed.items.map((c: { id: string }) => c.id)).toContain(capture.id);
  });

  it('refuses captures for a deck not yet active (409), and bad input (422)', async () => {
    const draft = await call('POST', '/task_capture', writer, { target_spec_id: draftSpec, captured_at: '2026-12-02T17:31:05Z' });
    expect(draft.statusCode).toBe(409);
    expect(draft.json().detail).toContain('DRAFT');
    const badTime = await call('POST', '/task_capture', writer, { target_spec_id: activeSpec, captured_at: 'tuesday' });
    expect(badTime.statusCode).toBe(422);
    expect(badTime.json().detail[0].loc).toEqual(['body', 'captured_at']);
    expect((await call('POST', '/task_capture', writer, { captured_at: '2026-12-02T17:31:05Z' })).statusCode).toBe(422);
    expect((await call('GET', '/task_captures?status=LOST', reader)).statusCode).toBe(422);
  });

  it('reviews: an acceptance has no rejection; a rejection says why and is what the page’s rejection endpoint answers', async () => {
    const capture = await ok('POST', '/task_capture', writer, { target_spec_id: activeSpec, captured_at: '2026-12-03T17:10:00Z' });
    expect((await call('GET', `/task_capture/${capture.id}/rejection`, reader)).statusCode).toBe(404);

    const accepted = await ok('POST', `/task_capture/${capture.id}/review`, writer, { decision: 'ACCEPTED', notes: 'looks fine' });
    expect(accepted).toMatchObject({ task_capture: capture.id, decision: 'ACCEPTED', notes: 'looks fine', rejection: null, reviewer: expect.stringMatching(/^api key /) });
    expect((await ok('GET', `/task_capture/${capture.id}`, reader)).status).toBe('ACCEPTED');
    expect((await call('GET', `/task_capture/${capture.id}/rejection`, reader)).statusCode).toBe(404);

    const missing = await call('POST', `/task_capture/${capture.id}/review`, writer, { decision: 'REJECTED' });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().detail[0].loc).toEqual(['body', 'rejection']);
    expect((await call('POST', `/task_capture/${capture.id}/review`, writer, { decision: 'ACCEPTED', rejection: { reason: 'HAZE' } })).statusCode).toBe(422);
    expect((await call('POST', `/task_capture/${capture.id}/review`, writer, { decision: 'REJECTED', rejection: { reason: 'BORED' } })).statusCode).toBe(422);

    const rejected = await ok('POST', `/task_capture/${capture.id}/review`, writer, {
      decision: 'REJECTED',
      notes: 'second look',
      rejection: { reason: 'CLOUD_COVER', description: 'Cumulus over the pad', notes: 'retask next week' },
    });
    expect(rejected.rejection).toMatchObject({ reason: 'CLOUD_COVER', description: 'Cumulus over the pad', notes: 'retask next week', review: rejected.id });
    expect((await ok('GET', `/task_capture/${capture.id}`, reader)).status).toBe('REJECTED');

    const rejection = await ok('GET', `/task_capture/${capture.id}/rejection`, reader);
    expect(Object.keys(rejection).sort()).toEqual(['created', 'description', 'id', 'notes', 'reason', 'review']);
    expect(rejection).toEqual(rejected.rejection);

    const reviews = await ok('GET', `/task_capture/${capture.id}/reviews`, reader);
    expect(reviews.map((r: { decision: string }) => r.decision)).toEqual(['REJECTED', 'ACCEPTED']);
    expect((await ok('GET', '/task_captures?status=REJECTED', reader)).items.map((c: { id: string }) => c.id)).toEqual([capture.id]);
  });

  it('answers 401 without credentials, 403 without the scope, and 404 to another organization', async () => {
    const capture = await ok('POST', '/task_capture', writer, { target_spec_id: activeSpec, captured_at: '2026-12-04T17:10:00Z' });
    await ok('POST', `/task_capture/${capture.id}/review`, writer, { decision: 'REJECTED', rejection: { reason: 'OTHER' } });
    expect((await call('GET', `/task_capture/${capture.id}/rejection`)).statusCode).toBe(401);
    expect((await call('POST', '/task_capture', undefined, { target_spec_id: activeSpec, captured_at: '2026-12-04T17:10:00Z' })).statusCode).toBe(401);
    expect((await call('GET', `/task_capture/${capture.id}/rejection`, noTasking)).statusCode).toBe(403);
    expect((await call('POST', `/task_capture/${capture.id}/review`, reader, { decision: 'ACCEPTED' })).statusCode).toBe(403);
    expect((await call('POST', '/task_capture', reader, { target_spec_id: activeSpec, captured_at: '2026-12-04T17:10:00Z' })).statusCode).toBe(403);
    for (const [method, url, body] of [
      ['GET', `/task_capture/${capture.id}/rejection`],
      ['GET', `/task_capture/${capture.id}`],
      ['GET', `/task_capture/${capture.id}/reviews`],
      ['POST', `/task_capture/${capture.id}/review`, { decision: 'ACCEPTED' }],
      ['POST', '/task_capture', { target_spec_id: activeSpec, captured_at: '2026-12-04T17:10:00Z' }],
    ] as const) {
      expect((await call(method, url, rival, body)).statusCode, `${method} ${url}`).toBe(404);
    }
    // Someone else's platform cannot be named on one's own capture either.
    const rivalPlatform = await ok('POST', '/platform', rival, { ...DEMO_TLE, name: 'Rival sat' });
    expect((await call('POST', '/task_capture', writer, { target_spec_id: activeSpec, platform_id: rivalPlatform.id, captured_at: '2026-12-04T17:10:00Z' })).statusCode).toBe(404);
    expect((await ok('GET', '/task_captures', rival)).count).toBe(0);
    expect((await ok('GET', `/task_capture/${capture.id}`, reader)).status).toBe('REJECTED');
  });
});
