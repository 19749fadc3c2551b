import { parse } from 'csv-parse/sync';
import sql from 'sql-template-tag';
import { beforeAll, describe, expect, it } from 'vitest';
import { useFacilitiesFixture } from './facilities.fixture.js';

const { fx, create } = useFacilitiesFixture();

beforeAll(async () => {
  const warehouse = (name: string, extra: Record<string, unknown> = {}) => ({ name, type: 'warehouse', country: 'ES', categories: ['electricity', 'heat'], ...extra });
  // More than one export chunk (1,000), ten facilities per creation instant, so the keyset paging
  // between chunks is exercised on ties too.
  await fx.ctx.db.query(sql`
    INSERT INTO facilities (organization_id, name, type, country, categories, created_at)
    SELECT ${fx.acme.id}::uuid, 'Site ' || lpad(i::text, 4, '0'), 'warehouse', 'ES', ARRAY['electricity', 'heat'],
           '2024-01-01T00:00:00Z'::timestamptz + (i / 10) * interval '1 second'
    FROM generate_series(0, 1004) AS i`);
  await create(warehouse('=HYPERLINK("http://evil.example","click")', { type: 'office', address: 'Calle "Mayor", 1\nMadrid' }));
  await create(warehouse('Globex Secret Plant'), fx.globexKey);
}, 600_000);

const exportOf = (key: string | undefined, query = '') => fx.ctx.request({ method: 'GET', url: `/v1/facilities/export.csv${query}`, ...(key ? { key } : {}) });

describe('GET /v1/facilities/export.csv', () => {
  it("streams every facility of the caller's organization once, newest first, with the list's columns", async () => {
    const response = await exportOf(fx.acmeKey);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="facilities.csv"');
    const rows = parse(response.body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1006);
    expect(new Set(rows.map((row) => row.id)).size).toBe(1006);
    expect(rows.map((row) => row.name)).not.toContain('Globex Secret Plant');
    expect(rows[0]!.type).toBe('office');
    expect(['Site 1000', 'Site 1001', 'Site 1002', 'Site 1003', 'Site 1004']).toContain(rows[1]!.name);
    expect(rows[1]).toMatchObject({ type: 'warehouse', country: 'ES', status: 'active', categories: 'electricity;heat', co2e: '0' });
    expect(rows.at(-1)!.name).toMatch(/^Site 000\d$/);
  });

  it('neutralises spreadsheet formulas and quotes commas, quotes and line breaks', async () => {
    const rows = parse((await exportOf(fx.acmeKey, '?type=office')).body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.name).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(rows[0]!.address).toBe('Calle "Mayor", 1\nMadrid');
  });

  it("applies the list's filters and refuses invalid values", async () => {
    const rows = parse((await exportOf(fx.acmeKey, '?name=site%20100')).body, { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.name).sort()).toEqual(['Site 1000', 'Site 1001', 'Site 1002', 'Site 1003', 'Site 1004']);
    const refused = await exportOf(fx.acmeKey, '?status[]=demolished');
    expect(refused.statusCode).toBe(422);
    expect(JSON.stringify(refused.json().detail)).toContain('status[]');
  });

  it('asks for credentials and the read scope', async () => {
    expect((await exportOf(undefined)).statusCode).toBe(401);
    const emissionsOnly = await (await fx.ctx.organization('No Facilities Scope')).key(['emissions:read']);
    expect((await exportOf(emissionsOnly)).statusCode).toBe(403);
  });

  it("gives another organization only its own facilities", async () => {
    const rows = parse((await exportOf(fx.globexKey)).body, { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.name)).toEqual(['Globex Secret Plant']);
  });
});
