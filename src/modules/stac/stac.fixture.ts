import { Readable } from 'node:stream';
import sql from 'sql-template-tag';
import { afterAll, beforeAll, expect } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { FIXTURE_CSV } from '../catalog/catalog.fixture.js';
import { importPlumeCsv } from '../catalog/plume-import.js';
import { stacValidator } from './stac-validator.js';

/*
 * The STAC tests' fixture (catalog.fixture.ts), owned by Acme: published CH4 plumes GAO…-A (bounds,
 * assets plumes/a.tif|png, 500 kg/h), GAO…-B (80), emi20230815…-A (Permian, 1500, v2), tan…-A (New
 * York landfill, 300, v2), emi20240601…-A (120, v2), a published CO2 plume av3…-A (20000, v1), and an
 * unpublished ang…-A (50, no sector). Plus one published scene with a footprint, and a paging
 * collection of 25 plumes (v9) sharing five acquisition times. Each test file that calls
 * useStacFixture() gets its own database, loaded once.
 */
export interface StacFixture {
  ctx: TestContext;
  acmeId: string;
  /** Acme, catalog:write + stac:read: sees Acme's unpublished plume. */
  analyst: string;
  /** Acme, catalog:read only: no stac:read. */
  reader: string;
  /** Another organization's analyst. */
  rival: string;
}

export const validate = stacValidator();

export const URL_BASE = 'http://localhost:80';
export const relative = (href: string) => href.replace(/^https?:\/\/[^/]+/, '');

export type Item = { id: string; collection: string; geometry: { type: string; coordinates: unknown } | null; bbox?: number[]; properties: Record<string, unknown>; assets: Record<string, { href: string; type: string; roles: string[] }>; links: { rel: string; href: string; type?: string }[] };
export type Page = { features: Item[]; links: { rel: string; href: string; method?: string; body?: Record<string, unknown>; type?: string; merge?: boolean }[]; numberMatched: number; numberReturned: number; numberMatchedExact: boolean; context: { limit: number } };

export const expectStacError = (response: { statusCode: number; json(): unknown }, status: number, description: RegExp) => {
  expect(response.statusCode).toBe(status);
  const body = response.json() as { code: string; description: string };
  expect(Object.keys(body).sort()).toEqual(['code', 'description']);
  expect(body.description).toMatch(description);
};

export const A = 'GAO20230628t191011p0000-A';
export const B = 'GAO20230628t191011p0000-B';
export const PERMIAN = 'emi20230815t101500p0001-A';
export const LANDFILL = 'tan20240301t120000p0000-A';
export const EMI2 = 'emi20240601t090000p0002-A';
export const CO2 = 'av320240402t083000p0000-A';
export const UNPUBLISHED = 'ang20240510t160000p0000-A';
export const SCENE = 'GAO20220301t100000p0000';
export const PUBLISHED_PLUMES = [A, B, CO2, EMI2, LANDFILL, PERMIAN].sort();

async function load(fx: StacFixture) {
  fx.ctx = await createTestContext();
  const acme = await fx.ctx.organization('Acme');
  fx.acmeId = acme.id;
  fx.analyst = await acme.key(['catalog:read', 'catalog:write', 'stac:read']);
  fx.reader = await acme.key(['catalog:read']);
  fx.rival = await (await fx.ctx.organization('Rival')).key(['catalog:read', 'catalog:write', 'stac:read']);
  await importPlumeCsv(fx.ctx.db, Readable.from([FIXTURE_CSV]), acme.id);
  await fx.ctx.db.query(sql`
    INSERT INTO scenes (name, instrument, platform, "timestamp", footprint, cloud_cover, status)
    VALUES (${SCENE}, 'GAO', 'GAO', '2022-03-01T10:00:00Z', ST_MakeEnvelope(-100, 30, -99, 31, 4326), 12.5, 'published')`);
  // 25 plumes of one paging collection (l3a-ch4-mfa-v9): five at each of five times, so ties are the rule.
  await fx.ctx.db.query(sql`
    INSERT INTO scenes (name, instrument, "timestamp", status) VALUES ('GAO20220101t000000p0000', 'GAO', '2022-01-01T00:00:00Z', 'valid')`);
  await fx.ctx.db.query(sql`
    INSERT INTO plumes (plume_id, scene_id, scene_name, instrument, "datetime", organization_id, gas, geometry, status, emission_cmf_type, emission_version, emission_auto)
    SELECT 'GAO20220101t000000p0000-' || chr(65 + i / 26) || chr(65 + i % 26), s.id, s.name, 'GAO',
      '2022-01-01T00:00:00Z'::timestamptz + (i % 5) * interval '1 hour', ${acme.id}::uuid, 'CH4',
      ST_SetSRID(ST_MakePoint(10 + i * 0.01, 45), 4326), 'published', 'mfa', 'v9', 100 + (i % 3)
    FROM generate_series(0, 24) i, scenes s WHERE s.name = 'GAO20220101t000000p0000'`);
}

/** The fixture, loaded before the file's tests and closed after them, and the requests every STAC test makes. */
export function useStacFixture() {
  const fx = {} as StacFixture;
  beforeAll(() => load(fx));
  afterAll(() => fx.ctx?.close());
  const get = (url: string, key?: string, headers: Record<string, string> = {}) => fx.ctx.request({ method: 'GET', url: `/api/v1/stac${url}`, ...(key ? { key } : {}), headers });
  const post = (url: string, payload: object, key?: string) => fx.ctx.request({ method: 'POST', url: `/api/v1/stac${url}`, payload, ...(key ? { key } : {}) });
  async function page(url: string, key?: string): Promise<Page> {
    const response = await get(url, key);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/geo\+json/);
    return response.json();
  }
  const ids = async (url: string, key?: string) => (await page(url, key)).features.map((item) => item.id).sort();
  const postIds = async (payload: object, key?: string) => {
    const response = await post('/search', payload, key);
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as Page).features.map((item) => item.id).sort();
  };
  return { fx, get, post, page, ids, postIds };
}
