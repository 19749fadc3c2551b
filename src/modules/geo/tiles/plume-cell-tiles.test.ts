import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/test-app.js';
import * as catalogTiles from '../../catalog/tiles.service.js';
import { ANONYMOUS } from '../../catalog/plume-filter.js';
import { comparable, decodeTile } from './tile-decode.fixture.js';

/*
 * Low-zoom plume tiles (z <= 6) draw cells: one point per 64 tile units a side, at its plumes'
 * centroid, with their count and emission sum (decision 0023). The expectations below are computed
 * here, plume by plume, from the fixture: the catalog's visibility (published for everyone; the
 * owner's own unpublished ones, never deleted ones; hidden emissions for their owner only).
 * Two basins in zoom-4 tile 4/3/6 (the Permian and, 170 km west, a second one).
 */
const R = 6378137;
const WORLD = Math.PI * R;

interface Fixture {
  id: string;
  org: 'a' | 'b';
  lon: number;
  lat: number;
  emission: number | null;
  hide?: boolean;
  status?: string;
  gas?: string;
  sector?: string;
  instrument?: string;
}

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const PLUMES: Fixture[] = [
  { id: id(1), org: 'a', lon: -102.3, lat: 31.9, emission: 100 },
  { id: id(2), org: 'a', lon: -102.25, lat: 31.92, emission: 300 },
  { id: id(3), org: 'b', lon: -102.28, lat: 31.88, emission: 50.25, sector: '6A' },
  { id: id(4), org: 'a', lon: -102.27, lat: 31.91, emission: 1000, hide: true },
  { id: id(5), org: 'b', lon: -102.29, lat: 31.905, emission: null },
  { id: id(6), org: 'a', lon: -102.26, lat: 31.9, emission: 70, status: 'valid' },
  { id: id(7), org: 'b', lon: -102.26, lat: 31.89, emission: 80, status: 'valid' },
  { id: id(8), org: 'a', lon: -102.24, lat: 31.9, emission: 5, status: 'deleted' },
  { id: id(9), org: 'a', lon: -103.9, lat: 32.4, emission: 2000, gas: 'CO2', sector: '1A1', instrument: 'emi' },
  { id: id(10), org: 'b', lon: -103.88, lat: 32.41, emission: 400.5, sector: '1B1a' },
];
const SCENE = '00000000-0000-4000-8000-00000000ffff';
const T = { z: 4, x: 3, y: 6 };
const TILE_URL = `/api/v1/layers/plumes/${T.z}/${T.x}/${T.y}.mvt`;

let ctx: TestContext;
const orgs: Record<'a' | 'b', string> = { a: '', b: '' };
const keys: Record<string, string> = {};

type Viewer = 'anonymous' | 'a' | 'b';
const mercator = (p: Fixture) => [(p.lon * WORLD) / 180, R * Math.log(Math.tan(Math.PI / 4 + (p.lat * Math.PI) / 360))] as const;

/** What a tile should hold for this viewer: per cell of zoom z, the visible plumes' count, emissions and centroid pixel. */
function expected(viewer: Viewer, tile = T, keep: (p: Fixture) => boolean = () => true) {
  const visible = PLUMES.filter((p) => (p.status ?? 'published') === 'published' || (p.org === viewer && p.status !== 'deleted')).filter(keep);
  const size = (2 * WORLD) / 2 ** tile.z;
  const cells = new Map<string, Fixture[]>();
  for (const p of visible) {
    const [mx, my] = mercator(p);
    const key = `${Math.floor(((mx + WORLD) * 64) / size)}/${Math.floor(((WORLD - my) * 64) / size)}`;
    cells.set(key, [...(cells.get(key) ?? []), p]);
  }
  return [...cells.values()]
    .map((members) => {
      const shown = members.filter((p) => p.emission !== null && (!p.hide || p.org === viewer));
      const mx = members.reduce((s, p) => s + mercator(p)[0], 0) / members.length;
      const my = members.reduce((s, p) => s + mercator(p)[1], 0) / members.length;
      const pixel: [number, number] = [Math.round(((mx - (-WORLD + size * tile.x)) * 4096) / size), Math.round(((WORLD - size * tile.y - my) * 4096) / size)];
      return {
        geometry: [[pixel]],
        properties: { plume_count: members.length, emission_count: shown.length, ...(shown.length ? { emission_sum: shown.reduce((s, p) => s + p.emission!, 0) } : {}) },
      };
    })
    .filter(({ geometry }) => geometry[0]![0]!.every((v) => v >= -64 && v <= 4160))
    .sort((a, b) => JSON.stringify(a.geometry).localeCompare(JSON.stringify(b.geometry)));
}

async function cells(url: string, key?: string) {
  const response = await ctx.request({ method: 'GET', url, ...(key ? { key } : {}) });
  const features = response.statusCode === 200 ? (decodeTile(response.rawPayload).plumes?.features ?? []) : [];
  const drawn = features.map((f) => ({ geometry: f.geometry, properties: f.properties })).sort((a, b) => JSON.stringify(a.geometry).localeCompare(JSON.stringify(b.geometry)));
  return { response, drawn, features };
}

const keyOf = (viewer: Viewer) => (viewer === 'anonymous' ? undefined : keys[viewer]);

async function insert(p: Fixture) {
  await ctx.db.query(sql`
    INSERT INTO plumes (id, plume_id, scene_id, scene_name, instrument, "datetime", organization_id, gas, geometry, sector, emission_auto, hide_emission, status)
    VALUES (${p.id}, ${`GAO20240110t150000p0000-${String.fromCharCode(64 + Number(p.id.slice(-2)))}`}, ${SCENE}, 'GAO20240110t150000p0000', ${p.instrument ?? 'GAO'},
      '2024-01-10T15:00:00Z', ${orgs[p.org]}, ${p.gas ?? 'CH4'}, ST_SetSRID(ST_MakePoint(${p.lon}, ${p.lat}), 4326), ${p.sector ?? '1B2'},
      ${p.emission}::float8, ${p.hide ?? false}, ${p.status ?? 'published'})`);
}

/** The maintained cells against the same aggregate computed afresh from the plumes: no row may differ, sums included. */
async function cellsDriftedRows() {
  const [row] = await ctx.db.query<{ drifted: number }>(sql`
    WITH fresh AS (
      SELECT c.cx, c.cy, c.organization_id, c.status, c.gas, c.sector, c.instrument, count(*) AS plumes, count(c.emission) AS emissions,
        COALESCE(sum(c.emission), 0) AS emission_sum, count(c.public_emission) AS public_emissions, COALESCE(sum(c.public_emission), 0) AS public_emission_sum
      FROM plumes p CROSS JOIN LATERAL plume_tile_cell_rows(p.geometry, p.organization_id, p.status, p.gas, p.sector, p.instrument, p.emission_auto, p.hide_emission) c
      GROUP BY 1, 2, 3, 4, 5, 6, 7),
    kept AS (SELECT cx, cy, organization_id, status, gas, sector, instrument, plumes, emissions, emission_sum, public_emissions, public_emission_sum FROM plume_tile_cells)
    SELECT (SELECT count(*) FROM (SELECT * FROM fresh EXCEPT ALL SELECT * FROM kept) a)::int + (SELECT count(*) FROM (SELECT * FROM kept EXCEPT ALL SELECT * FROM fresh) b)::int AS drifted`);
  return row!.drifted;
}

beforeAll(async () => {
  ctx = await createTestContext();
  const a = await ctx.organization('Cells owner');
  const b = await ctx.organization('Cells other');
  orgs.a = a.id;
  orgs.b = b.id;
  keys.a = await a.key();
  keys.b = await b.key();
  keys.aReader = await a.key(['catalog:read']);
  await ctx.db.query(sql`
    INSERT INTO scenes (id, name, instrument, "timestamp", footprint, cloud_cover, qa_flags, status, assessed, organization_id)
    VALUES (${SCENE}, 'GAO20240110t150000p0000', 'GAO', '2024-01-10T15:00:00Z', ST_MakeEnvelope(-105, 31, -101, 33, 4326), 10, '{}', 'published', true, ${a.id})`);
  for (const p of PLUMES) await insert(p);
});

afterAll(async () => {
  await ctx?.close();
});

describe('plume tiles at low zoom: cells', () => {
  it('when anonymous, each cell is one point at its plumes’ centroid with their count and the sum of the emissions shown to everyone', async () => {
    const { response, drawn, features } = await cells(TILE_URL);
    expect(response.statusCode).toBe(200);
    expect(drawn).toEqual(expected('anonymous'));
    // The Permian cell: plumes 1–5 (published); 4's emission is hidden, 5 has none.
    expect(drawn.map((f) => f.properties)).toEqual(expect.arrayContaining([{ plume_count: 5, emission_count: 3, emission_sum: 450.25 }]));
    expect(features.every((f) => f.type === 1 && f.properties.id === undefined)).toBe(true);
  });

  it('when the owner asks, its drafts and hidden emissions count; another organization sees its own drafts only; a reader sees what anyone sees', async () => {
    expect((await cells(TILE_URL, keys.a)).drawn).toEqual(expected('a'));
    expect((await cells(TILE_URL, keys.b)).drawn).toEqual(expected('b'));
    expect((await cells(TILE_URL, keys.aReader)).drawn).toEqual(expected('anonymous'));
    expect(expected('a')).not.toEqual(expected('b'));
    const permian = (await cells(TILE_URL, keys.a)).drawn.find((f) => f.properties.plume_count === 6);
    expect(permian?.properties).toEqual({ plume_count: 6, emission_count: 5, emission_sum: 1520.25 });
  });

  it('counts at zoom 0 the plumes the catalog lists for the same viewer', async () => {
    for (const viewer of ['anonymous', 'a', 'b'] as const) {
      const { drawn } = await cells('/api/v1/layers/plumes/0/0/0.mvt', keyOf(viewer));
      const list = await ctx.request({ method: 'GET', url: '/api/v1/catalog/plumes/annotated?limit=100', ...(keyOf(viewer) ? { key: keyOf(viewer) } : {}) });
      expect(drawn.reduce((sum, f) => sum + Number(f.properties.plume_count), 0), viewer).toBe(list.json().total_count);
      expect(drawn, viewer).toEqual(expected(viewer, { z: 0, x: 0, y: 0 }));
    }
  });

  it('answers gas, sector, instrument and status filters from the cells; other filters draw plumes', async () => {
    expect((await cells(`${TILE_URL}?plume_gas=CO2`)).drawn).toEqual(expected('anonymous', T, (p) => p.gas === 'CO2'));
    expect((await cells(`${TILE_URL}?sectors=1B2&sectors=6A`)).drawn).toEqual(expected('anonymous', T, (p) => ['1B2', '6A'].includes(p.sector ?? '1B2')));
    expect((await cells(`${TILE_URL}?instrument=emi`)).drawn).toEqual(expected('anonymous', T, (p) => p.instrument === 'emi'));
    expect((await cells(`${TILE_URL}?status=valid`, keys.a)).drawn).toEqual(expected('a', T, (p) => p.status === 'valid'));
    const plumes = await cells(`${TILE_URL}?emission_min=350`);
    expect(plumes.features.map((f) => f.properties.id).sort()).toEqual([id(9), id(10)]);
  });

  it.skipIf(!process.env.DATABASE_URL)('on PostgreSQL, ST_AsMVT and the JavaScript encoder draw the same cells', async () => {
    for (const [z, x, y] of [[0, 0, 0], [4, 3, 6], [6, 13, 26], [3, 1, 3]] as const) {
      for (const viewer of [ANONYMOUS, { organizationId: orgs.a }]) {
        const options = { limit: 100, cellsMaxZoom: 6 };
        const pg = await catalogTiles.plumeTile(ctx.db, {}, viewer, { z, x, y }, { ...options, encoder: 'postgis' });
        const js = await catalogTiles.plumeTile(ctx.db, {}, viewer, { z, x, y }, { ...options, encoder: 'js' });
        expect(decodeTile(pg).plumes?.features.length ?? 0, `${z}/${x}/${y}`).toBeGreaterThan(0);
        expect(comparable(decodeTile(js).plumes?.features ?? []), `${z}/${x}/${y}`).toEqual(comparable(decodeTile(pg).plumes?.features ?? []));
      }
    }
  });

  it('follows a publication, a hidden emission, a move, a hidden plume and a deletion in the next cached tile', async () => {
    const steps: [string, Record<string, unknown>, (p: Fixture) => void][] = [
      [id(6), { status: 'publish_ready' }, () => undefined],
      [id(6), { status: 'published' }, (p) => (p.status = 'published')],
      [id(1), { hide_emission: true }, (p) => (p.hide = true)],
      [id(2), { geometry_json: { type: 'Point', coordinates: [-103.91, 32.39] } }, (p) => ((p.lon = -103.91), (p.lat = 32.39))],
      [id(3), { status: 'hidden' }, (p) => (p.status = 'hidden')],
    ];
    for (const [plume, patch, apply] of steps) {
      const before = await cells(TILE_URL);
      const owner = PLUMES.find((p) => p.id === plume)!.org;
      const patched = await ctx.request({ method: 'PATCH', url: `/api/v1/catalog/plume/${plume}`, key: keys[owner], payload: patch });
      expect(patched.statusCode, JSON.stringify(patch)).toBe(200);
      apply(PLUMES.find((p) => p.id === plume)!);
      const after = await ctx.request({ method: 'GET', url: TILE_URL, headers: { 'if-none-match': before.response.headers.etag as string } });
      expect((await cells(TILE_URL)).drawn, JSON.stringify(patch)).toEqual(expected('anonymous'));
      if (JSON.stringify(before.drawn) !== JSON.stringify(expected('anonymous'))) expect(after.statusCode, JSON.stringify(patch)).toBe(200);
      expect((await cells(TILE_URL, keys.a)).drawn).toEqual(expected('a'));
    }
    await ctx.db.query(sql`DELETE FROM plumes WHERE id = ${id(10)}`);
    PLUMES.splice(PLUMES.findIndex((p) => p.id === id(10)), 1);
    expect((await cells(TILE_URL)).drawn).toEqual(expected('anonymous'));
    expect(await cellsDriftedRows()).toBe(0);
  });

  it('stays equal to the cells computed afresh after bulk updates, an owner’s deletion and a truncation', async () => {
    await ctx.db.query(sql`UPDATE plumes SET emission_auto = emission_auto * 3.1, quality = 'good'`);
    await ctx.db.query(sql`UPDATE plumes SET notes = 'a curation edit touches no cell'`);
    await ctx.db.query(sql`UPDATE plumes SET organization_id = NULL WHERE organization_id = ${orgs.b}`);
    expect(await cellsDriftedRows()).toBe(0);
    const [{ rows }] = await ctx.db.query<{ rows: number }>(sql`SELECT count(*)::int AS rows FROM plume_tile_cells WHERE plumes = 0`) as [{ rows: number }];
    expect(rows).toBe(0);
    await ctx.db.query(sql`TRUNCATE plumes CASCADE`);
    const [left] = await ctx.db.query<{ rows: number }>(sql`SELECT count(*)::int AS rows FROM plume_tile_cells`);
    expect(left!.rows).toBe(0);
    expect((await ctx.request({ method: 'GET', url: TILE_URL })).statusCode).toBe(204);
  });

  it('refuses an invalid filter with 422 and the uncached variant without credentials with 401', async () => {
    expect((await ctx.request({ method: 'GET', url: `${TILE_URL}?plume_gas=N2O` })).statusCode).toBe(422);
    expect((await ctx.request({ method: 'GET', url: `/api/v1/layers/plumes/uncached/${T.z}/${T.x}/${T.y}.mvt` })).statusCode).toBe(401);
  });
});
