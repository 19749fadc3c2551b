import { describe, expect, it } from 'vitest';
import fastJsonStringify from 'fast-json-stringify';
import sql from 'sql-template-tag';
import { FacilityPage } from './facilities.schemas.js';
import { useFacilitiesFixture } from './facilities.fixture.js';

// The list's items are written by PostgreSQL (facility_json(), migration 0058, decision 0039): these
// tests hold them to what the route's response schema would serialize, byte for byte, and to the
// single-facility route, which goes through the driver and the serializer.
const serializePage = fastJsonStringify(FacilityPage as object);

const { fx, create: post } = useFacilitiesFixture();

async function create(body: Record<string, unknown>, as = fx.acmeKey): Promise<string> {
  const response = await post(body, as);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return (response.body as { id: string }).id;
}

async function list(query = '', as = fx.acmeKey) {
  const response = await fx.ctx.request({ method: 'GET', url: `/v1/facilities?size=100${query}`, key: as });
  expect(response.statusCode).toBe(200);
  return response.body;
}

describe('the facilities list as PostgreSQL writes it', () => {
  it("is byte for byte what FacilityPage's serializer writes, and each item what GET /v1/facilities/{id} answers", async () => {
    const quoted = await create({ name: 'Depot "Nord" \\ Süd — 倉庫 🏭', type: 'warehouse', country: 'de', address: null, categories: [] });
    const plain = await create({ name: 'Lyon Plant', type: 'factory', country: 'FR', address: 'Quai 1\u2028Lyon', logistic_factor: 0.00001, categories: ['heat', 'electricity'], cups_list: ['ES0021000000000001RK'] });
    // Values no request can write (read-only totals, control characters, microseconds), set in place:
    // the BEFORE trigger rewrites the item on every update.
    await fx.ctx.db.query(sql`
      UPDATE facilities SET name = ${'tab\there\nline\u0001\u001f end'}, co2e = ${5e-7}, co2e_biomass = ${1.5e21},
        created_at = '2026-01-31 12:00:00.999999+00', updated_at = '2026-02-01 23:59:59.000001+00'
      WHERE id = ${quoted}`);
    await fx.ctx.db.query(sql`UPDATE facilities SET co2e = ${35946088588538050}, co2e_biomass = ${2.5e-5} WHERE id = ${plain}`);

    const body = await list();
    expect(body).toBe(serializePage(JSON.parse(body)));
    const page = JSON.parse(body) as { items: { id: string }[]; total: number; total2: number; page: number; size: number; pages: number };
    expect(page).toMatchObject({ total: 2, total2: 0, page: 1, size: 100, pages: 1 });
    for (const item of page.items) {
      const single = await fx.ctx.request({ method: 'GET', url: `/v1/facilities/${item.id}`, key: fx.acmeKey });
      expect(item).toEqual(single.json());
    }
    const odd = page.items.find((item) => item.id === quoted) as Record<string, unknown>;
    expect(odd).toMatchObject({ name: 'tab\there\nline\u0001\u001f end', address: null, categories: [], co2e: 5e-7, co2e_biomass: 1.5e21, logistic_factor: 0.8, created_at: '2026-01-31T12:00:00.999Z', updated_at: '2026-02-01T23:59:59.000Z' });
    expect(body).toContain('"co2e":5e-7,"co2e_biomass":1.5e+21');
    // Every number column below 1e-4 once, where PostgreSQL's own text would be 1e-05.
    expect(body).toContain('"co2e":35946088588538050,"co2e_biomass":0.000025,"logistic_factor":0.00001,');
    // Another organization sees none of them.
    expect(JSON.parse(await list('', fx.globexKey))).toMatchObject({ items: [], total: 0 });
  });

  it('follows every write: a rename, an archive, a filter', async () => {
    const id = await create({ name: 'Porto Office', type: 'office', country: 'PT' });
    const renamed = await fx.ctx.request({ method: 'PATCH', url: `/v1/facilities/${id}`, key: fx.acmeKey, payload: { name: 'Porto HQ', status: 'archived' } });
    expect(renamed.statusCode).toBe(200);
    const body = await list('&status=archived&country=PT');
    expect(body).toBe(serializePage(JSON.parse(body)));
    expect(JSON.parse(body)).toMatchObject({ items: [{ id, name: 'Porto HQ', status: 'archived' }], total: 1, total2: 1, pages: 1 });
    expect(JSON.parse(await list('&name=nothing-matches'))).toEqual({ items: [], total: 0, total2: 0, page: 1, size: 100, pages: 0 });
  });
});

describe('json_number()', () => {
  it('writes every double as JavaScript does', async () => {
    const values = [0, -0, 1, -1, 0.1, 1e-4, 1e-5, 5e-5, 1e-6, 1.5e-6, 1e-7, -1.5e-7, 123456789012345, 1e15, 1.2345e15, 1e16, 2 ** 53, 2 ** 53 + 2, 1e20, 1e21, 1.5e21, 5e-324, 1.7976931348623157e308, 0.30000000000000004, 35946088588538050, 1e23, -1e23, 9.999999999999997e22, 1e22, 1e300];
    const bits = new Float64Array(1);
    const words = new Uint32Array(bits.buffer);
    for (let i = 0; i < 3000; i += 1) {
      values.push((Math.random() - 0.5) * 10 ** (Math.floor(Math.random() * 60) - 30));
      words[0] = Math.random() * 2 ** 32;
      words[1] = Math.random() * 2 ** 32;
      if (Number.isFinite(bits[0]!)) values.push(bits[0]!);
    }
    const texts = values.map((value) => (Object.is(value, -0) ? '-0' : String(value)));
    const rows = await fx.ctx.db.query<{ written: string }>(sql`
      SELECT json_number(value) AS written FROM unnest(${texts}::float8[]) WITH ORDINALITY AS u(value, n) ORDER BY n`);
    const mismatches = rows.map((row, i) => [values[i], row.written]).filter(([value, written]) => String(value) !== written);
    expect(mismatches).toEqual([]);
    expect(rows).toHaveLength(values.length);
  });

  it('writes null for what JSON cannot hold, as the serializer writes an infinity', async () => {
    const rows = await fx.ctx.db.query<{ written: string }>(sql`
      SELECT json_number(value) AS written FROM unnest(${['Infinity', '-Infinity', 'NaN']}::float8[]) WITH ORDINALITY AS u(value, n) ORDER BY n`);
    expect(rows.map((row) => row.written)).toEqual(['null', 'null', 'null']);
  });
});
