import sql from 'sql-template-tag';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import { drainQueue } from '../../platform/jobs/jobs.js';
import { FIXTURE_CSV } from './catalog.fixture.js';
import { importPlumeCsv } from './plume-import.js';
import { PLUME_IMPORT_QUEUE, runPlumeImport } from './plume-imports.service.js';
import { backgroundRebuildsSettled } from './sources/sources.service.js';

let ctx: TestContext;
let acme: TestOrganization;
let analyst: string;

const upload = (body: string, key?: string, type = 'text/csv') =>
  ctx.request({ method: 'POST', url: '/api/v1/catalog/imports', headers: { 'content-type': type }, payload: body, ...(key ? { key } : {}) });
const run = () => drainQueue(ctx.db, PLUME_IMPORT_QUEUE, (payload, db) => runPlumeImport(db, String(payload.importId)));

beforeAll(async () => {
  ctx = await createTestContext({ IMPORT_WORKERS: '0' });
  acme = await ctx.organization('Acme');
  analyst = await acme.key(['catalog:read', 'catalog:write']);
});
afterAll(() => ctx?.close());

describe('plume imports as jobs (/api/v1/catalog/imports)', () => {
  it('stores the CSV, answers 202, and imports it when the job runs', async () => {
    const accepted = await upload(FIXTURE_CSV, analyst);
    expect(accepted.statusCode, accepted.body).toBe(202);
    const job = accepted.json();
    expect(job).toMatchObject({ status: 'queued', bytes: Buffer.byteLength(FIXTURE_CSV), received: 0 });
    expect(accepted.headers.location).toBe(`/api/v1/catalog/imports/${job.id}`);
    expect(await run()).toBe(1);
    const done = (await ctx.request({ method: 'GET', url: `/api/v1/catalog/imports/${job.id}`, key: analyst })).json();
    expect(done).toMatchObject({ status: 'completed', received: 8, created: 7, updated: 0, failed: 1, errors: [{ row: 9, message: 'gas: CH4 or CO2' }], failure: null });
    const mine = (await ctx.request({ method: 'GET', url: '/api/v1/catalog/plume/ang20240510t160000p0000-A', key: analyst })).statusCode;
    expect(mine).toBe(200);
    // The job brought the sources' maintained clusters up to date (a new database asks for a
    // rebuild, which on PostgreSQL the job starts in the background).
    await backgroundRebuildsSettled();
    const [sources] = await ctx.db.query<{ rebuild: boolean; dirty: number }>(sql`
      SELECT rebuild, (SELECT count(*) FROM source_dirty_plumes)::int AS dirty FROM source_cluster_state`);
    expect(sources).toEqual({ rebuild: false, dirty: 0 });
  });

  it('fails a file that is not CSV with the reason, and keeps other organizations out', async () => {
    const job = (await upload('plume_id,gas\n"unterminated,CH4\n', analyst)).json();
    await run();
    const failed = (await ctx.request({ method: 'GET', url: `/api/v1/catalog/imports/${job.id}`, key: analyst })).json();
    expect(failed.status).toBe('failed');
    expect(failed.failure).toMatch(/^Not a readable CSV file/);
    const rival = await (await ctx.organization('Rival')).key(['catalog:write']);
    expect((await ctx.request({ method: 'GET', url: `/api/v1/catalog/imports/${job.id}`, key: rival })).statusCode).toBe(404);
    expect((await upload(FIXTURE_CSV)).statusCode).toBe(401);
    expect((await upload(FIXTURE_CSV, await acme.key(['catalog:read']))).statusCode).toBe(403);
    expect((await upload('x', analyst, 'text/plain')).statusCode).toBe(415);
  });
});

describe('an import writes only its own organization’s plumes', () => {
  const row = (name: string, emission: number, publishedAt = '') =>
    `${name},36.5,-111,2024-05-12T16:00:00Z,,CH4,mfa,,ang,,${publishedAt},,v1,carbon-1.0,4,,,${emission},10,2,0.5,0,5,hrrr,ANG,JPL,,,,,,US`;
  const HIDDEN = 'ang20240512t160000p0000-A';
  const PUBLISHED = 'ang20240512t160000p0000-B';
  const FRESH = 'ang20240512t160000p0000-C';
  const importAs = async (key: string, rows: string[]) => {
    const job = (await upload([FIXTURE_CSV.split('\r\n')[0], ...rows].join('\r\n'), key)).json();
    await run();
    return (await ctx.request({ method: 'GET', url: `/api/v1/catalog/imports/${job.id}`, key })).json();
  };
  const emissionOf = async (name: string) => (await ctx.request({ method: 'GET', url: `/api/v1/catalog/plume/${name}`, key: analyst })).json().emission_auto;

  it('when another organization imports rows of its plume names, nothing of its plumes changes and the counts do not tell hidden names from new ones', async () => {
    expect(await importAs(analyst, [row(HIDDEN, 50), row(PUBLISHED, 60, '2024-05-20T00:00:00Z')])).toMatchObject({ created: 2, failed: 0 });
    const rival = await (await ctx.organization('Importer B')).key(['catalog:read', 'catalog:write']);
    // The unpublished name is a new plume of B's own, exactly as the unknown one is; the published one is taken.
    const report = await importAs(rival, [row(HIDDEN, 9999), row(PUBLISHED, 9999, '2024-05-21T00:00:00Z'), row(FRESH, 70)]);
    expect(report).toMatchObject({ status: 'completed', received: 3, created: 2, updated: 0, failed: 1, errors: [{ row: 3, message: 'plume_id: not available to this organization' }] });
    expect(await emissionOf(HIDDEN)).toBe(50);
    expect(await emissionOf(PUBLISHED)).toBe(60);
    expect((await ctx.request({ method: 'GET', url: `/api/v1/catalog/plume/${PUBLISHED}` })).json().emission_auto).toBe(60);
    expect((await ctx.request({ method: 'GET', url: `/api/v1/catalog/plume/${HIDDEN}`, key: rival })).json().emission_auto).toBe(9999);
    expect((await ctx.request({ method: 'GET', url: `/api/v1/catalog/plume/${FRESH}`, key: rival })).json().emission_auto).toBe(70);
    // Each owner updates its own.
    expect(await importAs(analyst, [row(HIDDEN, 55)])).toMatchObject({ created: 0, updated: 1, failed: 0 });
    expect(await emissionOf(HIDDEN)).toBe(55);
    expect(await importAs(rival, [row(HIDDEN, 8888)])).toMatchObject({ created: 0, updated: 1, failed: 0 });
    expect(await emissionOf(HIDDEN)).toBe(55);
  });

  it('when the CLI imports without an organization, it neither updates nor reveals an organization’s plumes', async () => {
    const report = await importPlumeCsv(ctx.db, Readable.from([[FIXTURE_CSV.split('\r\n')[0], row(HIDDEN, 1), row(PUBLISHED, 1, '2024-05-22T00:00:00Z')].join('\r\n')]), null);
    expect(report).toMatchObject({ created: 1, updated: 0, failed: 1, errors: [{ row: 3, message: 'plume_id: not available to this organization' }] });
    expect(await emissionOf(HIDDEN)).toBe(55);
    expect(await emissionOf(PUBLISHED)).toBe(60);
  });
});
