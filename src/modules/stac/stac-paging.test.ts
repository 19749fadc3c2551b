import sql from 'sql-template-tag';
import { describe, expect, it } from 'vitest';
import { relative, expectStacError, PERMIAN, LANDFILL, EMI2, CO2, useStacFixture, type Page } from './stac.fixture.js';

const { fx, get, post, page } = useStacFixture();

describe('sorting and paging', () => {
  const V9 = '/collections/l3a-ch4-mfa-v9/items';
  const ALL_V9 = Array.from({ length: 25 }, (_, i) => `GAO20220101t000000p0000-${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}`).sort();

  async function walk(url: string): Promise<{ ids: string[]; pages: Page[] }> {
    const seen: string[] = [];
    const pages: Page[] = [];
    let next: string | undefined = url;
    while (next) {
      const current = await page(next);
      pages.push(current);
      seen.push(...current.features.map((item) => item.id));
      next = current.links.find((link) => link.rel === 'next')?.href;
      if (next) next = relative(next).replace('/api/v1/stac', '');
      expect(pages.length).toBeLessThan(20);
    }
    return { ids: seen, pages };
  }

  it('sorts by sortby, ties in a stable order, with next links that cover every item once', async () => {
    const byEmission = await page('/search?sortby=-cm:emission&collections=l3a-ch4-mfa-v2,l3a-co2-mfa-v1');
    expect(byEmission.features.map((item) => item.id)).toEqual([CO2, PERMIAN, LANDFILL, EMI2]);
    const { ids: walked, pages } = await walk(`${V9}?limit=4&sortby=datetime`);
    expect(pages.length).toBe(7);
    expect(walked.length).toBe(25);
    expect([...walked].sort()).toEqual(ALL_V9);
    const times = pages.flatMap((p) => p.features.map((item) => String(item.properties.datetime)));
    expect(times).toEqual([...times].sort());
    // The last page has no next link.
    expect(pages.at(-1)!.links.some((link) => link.rel === 'next')).toBe(false);
    // Two sort keys, mixed directions, walk the same set.
    expect([...(await walk(`${V9}?limit=3&sortby=-cm:emission,%2Bdatetime`)).ids].sort()).toEqual(ALL_V9);
  });

  it('pages POST searches with the body repeated and a token, never repeating an item', async () => {
    const seen: string[] = [];
    let body: Record<string, unknown> | undefined = { collections: ['l3a-ch4-mfa-v9'], limit: 6, sortby: [{ field: 'properties.datetime', direction: 'desc' }], filter: 'cm:emission >= 100' };
    let rounds = 0;
    while (body) {
      const response = await post('/search', body);
      expect(response.statusCode, response.body).toBe(200);
      const current: Page = response.json();
      seen.push(...current.features.map((item) => item.id));
      const next = current.links.find((link) => link.rel === 'next');
      if (next) {
        expect(next).toMatchObject({ method: 'POST', merge: false, type: 'application/geo+json' });
        expect(next.body).toMatchObject({ collections: ['l3a-ch4-mfa-v9'], limit: 6, filter: 'cm:emission >= 100' });
      }
      body = next?.body;
      rounds += 1;
      expect(rounds).toBeLessThan(10);
    }
    expect(seen.length).toBe(25);
    expect([...seen].sort()).toEqual(ALL_V9);
  });

  it('neither skips nor repeats an item when items are added and removed while paging, and prev goes back', async () => {
    const first = await page(`${V9}?limit=5`);
    const nextHref = relative(first.links.find((link) => link.rel === 'next')!.href).replace('/api/v1/stac', '');
    expect(first.links.some((link) => link.rel === 'prev')).toBe(false);
    // A newer plume (it sorts first) and the removal of an item already seen change nothing ahead.
    await fx.ctx.db.query(sql`
      INSERT INTO plumes (plume_id, scene_id, scene_name, instrument, "datetime", organization_id, gas, geometry, status, emission_cmf_type, emission_version)
      SELECT 'GAO20220101t000000p0000-ZZ', s.id, s.name, 'GAO', '2022-01-02T00:00:00Z', ${fx.acmeId}::uuid, 'CH4', ST_SetSRID(ST_MakePoint(10, 45), 4326), 'published', 'mfa', 'v9'
      FROM scenes s WHERE s.name = 'GAO20220101t000000p0000'`);
    await fx.ctx.db.query(sql`UPDATE plumes SET status = 'deleted' WHERE plume_id = ${first.features[0]!.id}`);
    const second = await page(nextHref);
    const { ids: rest } = await walk(nextHref);
    expect(rest.length).toBe(20);
    expect(new Set([...first.features.map((item) => item.id), ...rest]).size).toBe(25);
    const back = await page(relative(second.links.find((link) => link.rel === 'prev')!.href).replace('/api/v1/stac', ''));
    // The page before the second one now starts with the new plume; nothing precedes it.
    expect(back.features.map((item) => item.id)).toEqual(['GAO20220101t000000p0000-ZZ', ...first.features.slice(1).map((item) => item.id)]);
    expect(back.links.some((link) => link.rel === 'next')).toBe(true);
    expect(back.links.some((link) => link.rel === 'prev')).toBe(false);
    await fx.ctx.db.query(sql`UPDATE plumes SET status = 'published' WHERE plume_id = ${first.features[0]!.id}`);
    await fx.ctx.db.query(sql`DELETE FROM plumes WHERE plume_id = 'GAO20220101t000000p0000-ZZ'`);
  });

  it('reports on later pages the numberMatched of the first page (carried in the token, not counted again), for the viewer it was counted for only', async () => {
    const first = await page(`${V9}?limit=5`);
    expect(first.numberMatched).toBe(25);
    const nextHref = relative(first.links.find((link) => link.rel === 'next')!.href).replace('/api/v1/stac', '');
    await fx.ctx.db.query(sql`
      INSERT INTO plumes (plume_id, scene_id, scene_name, instrument, "datetime", organization_id, gas, geometry, status, emission_cmf_type, emission_version)
      SELECT 'GAO20220101t000000p0000-ZY', s.id, s.name, 'GAO', '2021-12-31T00:00:00Z', ${fx.acmeId}::uuid, 'CH4', ST_SetSRID(ST_MakePoint(10, 45), 4326), 'published', 'mfa', 'v9'
      FROM scenes s WHERE s.name = 'GAO20220101t000000p0000'`);
    try {
      const second = await page(nextHref);
      expect(second).toMatchObject({ numberMatched: 25, numberMatchedExact: true, numberReturned: 5 });
      // The next token carries the same count on.
      const thirdHref = relative(second.links.find((link) => link.rel === 'next')!.href).replace('/api/v1/stac', '');
      expect((await page(thirdHref)).numberMatched).toBe(25);
      // A new search counts; so does another viewer following the same link (the count was not made for them).
      expect((await page(`${V9}?limit=5`)).numberMatched).toBe(26);
      expect((await page(nextHref, fx.analyst)).numberMatched).toBe(26);
    } finally {
      await fx.ctx.db.query(sql`DELETE FROM plumes WHERE plume_id = 'GAO20220101t000000p0000-ZY'`);
    }
  });

  it('refuses paging tokens that were altered or belong to another search', async () => {
    const first = await page(`${V9}?limit=5`);
    const next = new URL(first.links.find((link) => link.rel === 'next')!.href);
    const token = next.searchParams.get('token')!;
    expectStacError(await get(`${V9}?limit=5&token=${token.slice(0, -2)}xx`), 400, /token/);
    expectStacError(await get(`${V9}?limit=5&sortby=-datetime&token=${token}`), 400, /another search/);
    expectStacError(await get(`/search?limit=5&token=${token}`), 400, /another search/);
  });

  it('seals its paging tokens: a link read in a log shows neither the count it carries nor the item it points at', async () => {
    const first = await page(`${V9}?limit=5`);
    const last = first.features.at(-1)!;
    const token = new URL(first.links.find((link) => link.rel === 'next')!.href).searchParams.get('token')!;
    const readable = Buffer.from(token, 'base64url').toString('latin1') + Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('latin1');
    expect(readable).not.toContain('25');
    expect(readable).not.toContain(String(last.properties.datetime).slice(0, 10));
    expect(readable).not.toContain('"m"');
    // Two tokens for the same place differ (a fresh nonce each), and each still pages.
    const again = new URL((await page(`${V9}?limit=5`)).links.find((link) => link.rel === 'next')!.href).searchParams.get('token')!;
    expect(again).not.toBe(token);
    expect((await page(`${V9}?limit=5&token=${again}`)).features[0]!.id).toBe((await page(`${V9}?limit=5&token=${token}`)).features[0]!.id);
  });

  it('accepts limit up to 10,000, serving pages of 1,000 with a next link, and says when numberMatched is an estimate', async () => {
    await fx.ctx.db.query(sql`
      INSERT INTO plumes (plume_id, scene_id, scene_name, instrument, "datetime", organization_id, gas, geometry, status, emission_cmf_type, emission_version)
      SELECT 'GAO20220101t000000p0000-' || chr(66 + i / 676) || chr(65 + (i / 26) % 26) || chr(65 + i % 26), s.id, s.name, 'GAO',
        '2021-01-01T00:00:00Z'::timestamptz + i * interval '1 minute', ${fx.acmeId}::uuid, 'CH4', ST_SetSRID(ST_MakePoint(20, 45), 4326), 'published', 'mfa', 'v8'
      FROM generate_series(0, 10049) i, scenes s WHERE s.name = 'GAO20220101t000000p0000'`);
    // Before ANALYZE the planner expects few rows: the capped count runs and finds more than 10,000.
    const counted = await page('/collections/l3a-ch4-mfa-v8/items?limit=10000');
    expect(counted.numberReturned).toBe(1000);
    expect(counted.context.limit).toBe(1000);
    expect(counted.links.some((link) => link.rel === 'next')).toBe(true);
    expect(counted).toMatchObject({ numberMatched: 10_001, numberMatchedExact: false });
    // Across collections (plumes and scenes, each counted to 10,001) the sum still reads 10,001.
    expect(await page('/search?limit=5')).toMatchObject({ numberMatched: 10_001, numberMatchedExact: false });
    // With statistics the planner expects ~10,050: its estimate is given, nothing is counted.
    await fx.ctx.db.query(sql`ANALYZE plumes`);
    const big = await page('/collections/l3a-ch4-mfa-v8/items?limit=10000');
    expect(big.numberReturned).toBe(1000);
    expect(big.numberMatchedExact).toBe(false);
    expect(big.numberMatched).toBeGreaterThan(10_000);
    expect(Math.abs(big.numberMatched - 10_050)).toBeLessThan(500);
    const small = await page('/collections/l3a-ch4-mfa-v8/items?limit=5&datetime=2021-01-01T00:00:00Z/2021-01-01T00:09:00Z');
    expect(small).toMatchObject({ numberMatched: 10, numberMatchedExact: true, numberReturned: 5 });
    expectStacError(await get('/search?limit=10001'), 400, /limit/);
    expectStacError(await get('/search?limit=0'), 400, /limit/);
  });
});
