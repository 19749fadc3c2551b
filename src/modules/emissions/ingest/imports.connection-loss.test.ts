import pg from 'pg';
import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/support/test-app.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
const RECORDS = 40_000;

/** Records without external_id: stored twice, they would be counted twice. */
const body = Array.from({ length: RECORDS }, (_, i) =>
  JSON.stringify({ facility_id: 'fac_terminated', scope: 1, category: 'fuel', value: 1, unit: 'kgCO2e', timestamp: '2024-05-05T00:00:00Z', metadata: { n: i } }),
).join('\n');

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!onPostgres)('an import job whose database connections PostgreSQL terminates', { timeout: 180_000 }, () => {
  let ctx: TestContext;
  let admin: pg.Client;
  let key: string;

  beforeAll(async () => {
    ctx = await createTestContext({ IMPORT_WORKERS: '1' });
    key = await (await ctx.organization('Terminated Inc', 'enterprise')).key(['emissions:write', 'emissions:read']);
    admin = new pg.Client({ connectionString: process.env.DATABASE_URL, application_name: 'import-faults-admin' });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await ctx?.close();
  });

  /** Ends every session the app has open, as a failover or a restart does. */
  const terminateAppConnections = () =>
    admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'carbon-atlas'`, [new URL(ctx.env.DATABASE_URL!).pathname.slice(1)]);

  /** The import as stored, or undefined while the database refuses (the app's pool is being cut). */
  const importRow = (id: string) =>
    ctx.db.query<{ status: string; received: number; created: number; failure: string | null }>(sql`SELECT status, received, created, failure FROM emission_imports WHERE id = ${id}`).then(
      ([row]) => row,
      () => undefined,
    );

  it('keeps the process running; the job is deferred and resumes, and completes with every record stored once', async () => {
    const accepted = await ctx.request({ method: 'POST', url: '/v2/emissions/imports', key, headers: { 'content-type': 'application/x-ndjson' }, payload: body });
    expect(accepted.statusCode).toBe(202);
    const { id } = accepted.json() as { id: string };

    // Cut the app's connections every 0.2 s while the job runs, for as long as it takes it to be
    // interrupted several times (or to finish).
    let cuts = 0;
    for (let row = await importRow(id); cuts < 25 && row?.status !== 'completed' && row?.status !== 'failed'; row = await importRow(id)) {
      await terminateAppConnections();
      cuts += 1;
      await pause(200);
    }

    let row = await importRow(id);
    for (let wait = 0; wait < 600 && row?.status !== 'completed' && row?.status !== 'failed'; wait += 1) {
      await pause(200);
      row = await importRow(id);
    }
    expect(row).toEqual({ status: 'completed', received: RECORDS, created: RECORDS, failure: null });
    const [stored] = await ctx.db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM emissions WHERE facility_id = 'fac_terminated'`);
    expect(stored!.n).toBe(RECORDS);
  });
});
