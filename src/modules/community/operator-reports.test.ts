import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import { insertScenes, upsertPlumes } from '../catalog/catalog-writes.queries.js';
import { fixturePlume, SCENES } from '../catalog/catalog.fixture.js';
import { CLASS_RULES, CLASSIFICATIONS } from './report-fields.js';

let ctx: TestContext;
let acme: TestOrganization;
let globex: TestOrganization;
let acmeKey: string;
let globexKey: string;

const PLUME = '00000000-0000-4000-8000-0000000000f1';
const PLUME_ID = `${SCENES[0]!.name}-A`;
const GLOBEX_PRIVATE = '00000000-0000-4000-8000-0000000000f9';
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

type Part = [string, string] | [string, { bytes: Uint8Array; filename: string; type: string }];

/** The body curl -F (and Python requests' data= / files=) send: repeated keys stay repeated. */
async function form(parts: Part[]) {
  const data = new FormData();
  for (const [name, value] of parts) {
    if (typeof value === 'string') data.append(name, value);
    else data.append(name, new Blob([value.bytes], { type: value.type }), value.filename);
  }
  const encoded = new Response(data);
  return { payload: Buffer.from(await encoded.arrayBuffer()), headers: { 'content-type': encoded.headers.get('content-type')! } };
}

async function post(parts: Part[], key: string | null = acmeKey) {
  const { payload, headers } = await form(parts);
  return ctx.request({ method: 'POST', url: '/api/v1/community/operator_report', payload, headers, ...(key ? { key } : {}) });
}

const list = (query: string, key = acmeKey) => ctx.request({ method: 'GET', url: `/api/v1/community/operator_reports${query}`, key });

const BASE: Part[] = [
  ['plume_identifier', PLUME_ID],
  ['investigation_date', '2025-01-23'],
  ['investigation_method', 'Survey'],
];

beforeAll(async () => {
  ctx = await createTestContext();
  acme = await ctx.organization('Acme Operating');
  globex = await ctx.organization('Globex');
  // Enterprise budget: the classification rules alone take some eighty requests.
  acmeKey = await acme.key(['community:read', 'community:write'], 'enterprise');
  globexKey = await globex.key(['community:read', 'community:write']);
  await insertScenes(ctx.db, SCENES, null);
  await upsertPlumes(ctx.db, [
    fixturePlume(acme.id, PLUME, 0, 'A', { emission_auto: 400 }),
    fixturePlume(globex.id, GLOBEX_PRIVATE, 1, 'B', { status: 'valid', published_at: null }),
  ]);
});
afterAll(() => ctx?.close());

describe('POST community/operator_report', () => {
  let created: Record<string, unknown>;

  it('creates a report from the page’s multipart form: two location values and a leak image', async () => {
    const response = await post([
      ...BASE,
      ['reported_by', 'Jo Field'],
      ['operator_name', 'Acme Operating'],
      ['notes', 'Found at the tank battery'],
      ['classification', 'Unexpected'],
      ['equipment_group', 'Tank'],
      ['component', 'Thief hatch'],
      ['location', '-74.0001'],
      ['location', '40.7002'],
      ['leak_status', 'Needs Repair'],
      ['leak_image', { bytes: PNG, filename: 'leak.png', type: 'image/png' }],
    ]);
    expect(response.statusCode, response.body).toBe(200);
    created = response.json();
    expect(created).toMatchObject({
      plume_id: PLUME_ID,
      published: false,
      owned: true,
      location: [-74.0001, 40.7002],
      reported_by: 'Jo Field',
      investigation_date: '2025-01-23',
      investigation_method: 'Survey',
      classification: 'Unexpected',
      equipment_group: 'Tank',
      component: 'Thief hatch',
      leak_status: 'Needs Repair',
      repair_date: null,
      activity_type: null,
    });
    const url = created.leak_image_url as string;
    expect(url).toMatch(new RegExp(`^/api/v1/community/leak_image/${acme.id}/community/${created.id}/[0-9a-f-]+\\.png\\?expires=\\d+&signature=`));
    const image = await ctx.request({ method: 'GET', url });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.rawPayload.equals(PNG)).toBe(true);
    expect((await ctx.request({ method: 'GET', url: url.replace(/signature=[^&]+/, 'signature=forged') })).statusCode).toBe(403);
  });

  it('accepts the plume UUID as identifier too', async () => {
    const response = await post([['plume_identifier', PLUME], ['investigation_date', '2025-02-01'], ['investigation_method', 'Desktop Analysis'], ['classification', 'Unknown']]);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ plume_id: PLUME_ID, classification: 'Unknown', location: null, leak_image_url: null });
  });

  it('updates by id: fields left out stay, an empty string unsets one', async () => {
    const response = await post([['id', created.id as string], ['notes', ''], ['repair_date', '2025-02-10'], ['location', '']]);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ id: created.id, notes: null, repair_date: '2025-02-10', location: null, component: 'Thief hatch', reported_by: 'Jo Field', investigation_date: '2025-01-23' });
    expect(response.json().leak_image_url).toMatch(/\.png\?/);
  });

  it('refuses every class-specific field under a classification that does not allow it, naming the field', async () => {
    const sample = (field: string): Part[] => {
      if (field === 'location') return [['location', '-74'], ['location', '40.7']];
      if (field === 'leak_image') return [['leak_image', { bytes: PNG, filename: 'leak.png', type: 'image/png' }]];
      if (field.endsWith('_date')) return [[field, '2025-01-24']];
      if (field === 'leak_status') return [[field, 'Needs Repair']];
      return [[field, 'something']];
    };
    let checked = 0;
    for (const [field, allowed] of Object.entries(CLASS_RULES)) {
      for (const classification of [...CLASSIFICATIONS, null]) {
        const response = await post([...BASE, ...(classification ? ([['classification', classification]] as Part[]) : []), ...sample(field)]);
        if (classification && allowed.includes(classification)) {
          expect(response.statusCode, `${field} with ${classification}: ${response.body}`).toBe(200);
        } else {
          expect(response.statusCode, `${field} with ${classification}`).toBe(422);
          expect(response.json().detail[0].loc).toEqual(['body', field]);
          expect(response.json().detail[0].msg).toContain(allowed.join(' or '));
          checked += 1;
        }
      }
    }
    expect(checked).toBe(19 * 4 - 19 - 1);
  });

  it('refuses changing the classification while a field it forbids is stored, until it is unset', async () => {
    const refused = await post([['id', created.id as string], ['classification', 'Expected']]);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().detail[0]).toMatchObject({ loc: ['body', 'component'], msg: expect.stringContaining('empty string') });
  });

  it('answers 422 naming the field for missing, malformed and unknown fields', async () => {
    for (const missing of ['plume_identifier', 'investigation_date', 'investigation_method']) {
      const response = await post(BASE.filter(([name]) => name !== missing));
      expect(response.statusCode).toBe(422);
      expect(response.json().detail[0].loc).toEqual(['body', missing]);
    }
    const cases: [Part[], (string | number)[]][] = [
      [[...BASE.slice(0, 1), ['investigation_date', '2025-02-30'], BASE[2]!], ['body', 'investigation_date']],
      [[...BASE.slice(0, 2), ['investigation_method', 'Drone']], ['body', 'investigation_method']],
      [[...BASE, ['classification', 'Odd']], ['body', 'classification']],
      [[...BASE, ['classification', 'Unexpected'], ['location', '-74']], ['body', 'location']],
      [[...BASE, ['classification', 'Unexpected'], ['location', '-74'], ['location', '95']], ['body', 'location']],
      [[...BASE, ['classification', 'Unexpected'], ['location', 'west'], ['location', '40']], ['body', 'location']],
      [[...BASE, ['classification', 'Unexpected'], ['leak_image', { bytes: Buffer.from('#!/bin/sh\n'), filename: 'x.png', type: 'image/png' }]], ['body', 'leak_image']],
      [[...BASE, ['classification', 'Unexpected'], ['leak_image', 'not a file']], ['body', 'leak_image']],
      [[...BASE, ['favourite_colour', 'green']], ['body']],
      [[...BASE, ['notes', 'x'.repeat(5001)]], ['body', 'notes']],
      [[['id', created.id as string], ['investigation_date', '']], ['body', 'investigation_date']],
    ];
    for (const [parts, loc] of cases) {
      const response = await post(parts);
      expect(response.statusCode, JSON.stringify(parts.map((p) => p[0]))).toBe(422);
      expect(response.json().detail[0].loc.slice(0, loc.length)).toEqual(loc);
    }
  });

  it('refuses a leak image over 10 MiB with 413', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0);
    PNG.copy(big);
    const response = await post([...BASE, ['classification', 'Unexpected'], ['leak_image', { bytes: big, filename: 'big.png', type: 'image/png' }]]);
    expect(response.statusCode).toBe(413);
  });

  it('asks for credentials and the community scope, and keeps other organizations out', async () => {
    expect((await post(BASE, null)).statusCode).toBe(401);
    expect((await post(BASE, await acme.key(['community:read']))).statusCode).toBe(403);
    expect((await list('', await acme.key(['catalog:read']))).statusCode).toBe(403);
    expect((await ctx.request({ method: 'GET', url: '/api/v1/community/operator_reports' })).statusCode).toBe(401);
    // Globex cannot update Acme's report, nor report on a plume it cannot see.
    const foreign = await post([['id', created.id as string], ['notes', 'mine now']], globexKey);
    expect(foreign.statusCode).toBe(404);
    expect((await post([['plume_identifier', `${SCENES[1]!.name}-B`], ['investigation_date', '2025-01-01'], ['investigation_method', 'Survey']])).statusCode).toBe(404);
    expect((await post([['plume_identifier', 'GAO20990101t000000p0000-Z'], ['investigation_date', '2025-01-01'], ['investigation_method', 'Survey']])).statusCode).toBe(404);
  });
});

describe('GET community/operator_reports', () => {
  it('lists your reports with the page filters; others see only published ones', async () => {
    const mine = await list('');
    expect(mine.statusCode).toBe(200);
    const count = mine.json().count as number;
    expect(count).toBeGreaterThan(3);
    expect(mine.json().items.every((r: { owned: boolean }) => r.owned)).toBe(true);
    expect((await list(`?plume_ids=${PLUME_ID}&limit=1`)).json()).toMatchObject({ count, items: [{ plume_id: PLUME_ID }] });
    expect((await list(`?plume_ids=${PLUME}`)).json().count).toBe(count);
    const none = await list('?plume_ids=GAO20990101t000000p0000-Z');
    expect(none.statusCode, none.body).toBe(200);
    expect(none.json().count).toBe(0);
    const first = mine.json().items[0];
    const byId = await list(`?id=${first.id}`);
    expect(byId.statusCode, byId.body).toBe(200);
    expect((await list(`?id=${first.id}`)).json().items.map((r: { id: string }) => r.id)).toEqual([first.id]);
    expect((await list('?published=True')).json().count).toBe(0);
    expect((await list('?owned=false')).json().count).toBe(0);

    expect((await list('', globexKey)).json()).toEqual({ items: [], count: 0 });
    await ctx.db.query(sql`UPDATE operator_reports SET published = true WHERE id = ${first.id}::uuid`);
    const seen = (await list('', globexKey)).json();
    expect(seen).toMatchObject({ count: 1, items: [{ id: first.id, owned: false, published: true }] });
    expect((await list('?owned=true', globexKey)).json().count).toBe(0);
    expect((await list('?published=true')).json().count).toBe(1);
    expect((await list('?limit=0')).statusCode).toBe(422);
  });
});
