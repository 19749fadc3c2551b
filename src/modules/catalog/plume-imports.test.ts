import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestOrganization } from '../../../test/support/test-app.js';
import { drainQueue } from '../../platform/jobs/jobs.js';
import { FIXTURE_CSV } from './catalog.fixture.js';
import { PLUME_IMPORT_QUEUE, runPlumeImport } from './plume-imports.service.js';

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
