import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { drainQueue } from '../../platform/jobs/jobs.js';
import type { Database } from '../../platform/db/database.js';
import { FIXTURE_HEADER } from './catalog.fixture.js';
import { PLUME_IMPORT_QUEUE, runPlumeImport } from './plume-imports.service.js';

let ctx: TestContext;
let analyst: string;
beforeAll(async () => {
  ctx = await createTestContext({ IMPORT_WORKERS: '0' });
  analyst = await (await ctx.organization('Acme')).key(['catalog:read', 'catalog:write']);
});
afterAll(() => ctx?.close());

const row = (part: number) =>
  `emi20240601t090000p${String(part).padStart(4, '0')}-A,32,-103,2024-06-01T09:00:00Z,NA,CH4,mfa,,emi,,2024-06-10T00:00:00Z,2024-06-10T00:00:00Z,v2,emit-2.0,60,,,120,30,3,1,200,20,era5,EMIT,NASA,,,,,,US`;
const status = async (id: string) => (await ctx.request({ method: 'GET', url: `/api/v1/catalog/imports/${id}`, key: analyst })).json();

describe('plume imports under SIGTERM', () => {
  it('are handed back after the current chunk and resume after the rows they recorded, counting each plume once', async () => {
    const csv = [FIXTURE_HEADER, ...Array.from({ length: 1200 }, (_, part) => row(part))].join('\r\n');
    const job = (await ctx.request({ method: 'POST', url: '/api/v1/catalog/imports', key: analyst, headers: { 'content-type': 'text/csv' }, payload: csv })).json();
    const stopping = new AbortController();
    const stopDuringTheJob = (payload: Record<string, unknown>, db: Database) => {
      stopping.abort();
      return runPlumeImport(db, String(payload.importId), stopping.signal);
    };
    expect(await drainQueue(ctx.db, PLUME_IMPORT_QUEUE, stopDuringTheJob, 60, stopping.signal)).toBe(1);
    expect(await status(job.id)).toMatchObject({ status: 'queued', received: 500, created: 500 });

    expect(await drainQueue(ctx.db, PLUME_IMPORT_QUEUE, (payload, db) => runPlumeImport(db, String(payload.importId)))).toBe(1);
    expect(await status(job.id)).toMatchObject({ status: 'completed', received: 1200, created: 1200, updated: 0, failed: 0 });
  });
});
