import { Readable } from 'node:stream';
import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/test-app.js';
import { spawnCli } from '../../test/support/cli.js';
import { loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db/open-database.js';
import type { Database } from '../platform/db/database.js';
import * as identity from '../platform/identity/identity.service.js';
import * as webhookQueries from '../modules/emissions/webhooks/webhooks.queries.js';
import { startImport } from '../modules/emissions/ingest/imports.service.js';

let env: Record<string, string>;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ env, drop } = await freshDatabase());
});
afterAll(() => drop?.());

const RECORDS = 20_000;

/** One session on the test's database; closed before a server opens it (PGlite allows one process). */
async function withDatabase<T>(work: (db: Database) => Promise<T>) {
  const db = await openDatabase(loadConfig(env));
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

type Child = ReturnType<typeof spawnCli>;

/**
 * Resolves with the first match of `pattern` on the child's stdout; rejects at once if the child
 * exits first (a process that dies at start fails the test instead of hanging it).
 */
function outputOf(child: Child, pattern: RegExp, what: string) {
  let stdout = '';
  let stderr = '';
  return new Promise<RegExpExecArray>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${what}: the process exited (${code}) first. stdout: ${stdout} stderr: ${stderr}`));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = pattern.exec(stdout);
      if (!match) return;
      child.off('exit', onExit);
      resolve(match);
    });
    child.once('exit', onExit);
  });
}

const exitOf = (child: Child) => new Promise<number | null>((resolve) => child.once('close', resolve));

/** `carbon-atlas serve` on a free port; deliveries stay queued (no webhook worker) so they can be counted. */
async function serve() {
  const child = spawnCli(['serve'], { ...env, PORT: '0', LOG_LEVEL: 'warn', WEBHOOK_WORKERS: '0' });
  const exited = exitOf(child);
  const [, base] = await outputOf(child, /listening on (http:\/\/\S+)/, 'serve did not start');
  return { base: base!, exited, stop: () => child.kill('SIGTERM') };
}

describe('carbon-atlas serve under SIGTERM', { timeout: 120_000 }, () => {
  it('stops an import after its current chunk and exits 0; after a restart the import completes exactly once', async () => {
    const { organizationId, key, subscriptionId } = await withDatabase(async (db) => {
      const organization = await identity.createOrganization(db, { name: 'Shutdown', tier: 'enterprise' });
      const { secret } = await identity.createApiKey(db, { organizationId: organization.id, name: 'test', scopes: ['emissions:write', 'emissions:read'], tier: 'enterprise' });
      const subscription = await webhookQueries.insertSubscription(db, { organizationId: organization.id, url: 'https://hooks.example.com/x', events: ['import.completed'], secret: 'whsec_test' });
      return { organizationId: organization.id, key: secret, subscriptionId: subscription.id };
    });
    const headers = { authorization: `Bearer ${key}` };
    const body = Array.from({ length: RECORDS }, (_, i) => JSON.stringify({ facility_id: 'fac_sigterm', scope: 1, category: 'fuel', value: 1, unit: 'kgCO2e', timestamp: '2024-05-05T00:00:00Z', metadata: { n: i } })).join('\n');
    const status = async (base: string, id: string) => (await (await fetch(`${base}/v2/emissions/imports/${id}`, { headers })).json()) as { status: string; received: number; created: number; duplicates: number };

    const first = await serve();
    const accepted = await fetch(`${first.base}/v2/emissions/imports`, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-ndjson' }, body });
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    let seen = await status(first.base, id);
    while (seen.status !== 'completed' && !(seen.status === 'running' && seen.received > 0)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = await status(first.base, id);
    }
    expect(seen.status).toBe('running'); // SIGTERM lands mid-import
    first.stop();
    expect(await first.exited).toBe(0);

    const handedBack = await withDatabase((db) => db.query<{ status: string; received: number; created: number }>(sql`SELECT status, received, created FROM emission_imports WHERE id = ${id}`));
    expect(handedBack[0]!.status).toBe('queued');
    expect(handedBack[0]!.received).toBeLessThan(RECORDS);
    expect(handedBack[0]!.created).toBe(handedBack[0]!.received);

    const second = await serve();
    let done = await status(second.base, id);
    while (done.status !== 'completed' && done.status !== 'failed') {
      await new Promise((resolve) => setTimeout(resolve, 200));
      done = await status(second.base, id);
    }
    expect(done).toMatchObject({ status: 'completed', received: RECORDS, created: RECORDS, duplicates: 0 });
    second.stop();
    expect(await second.exited).toBe(0);

    await withDatabase(async (db) => {
      const [stored] = await db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM emissions WHERE organization_id = ${organizationId}`);
      expect(stored!.n).toBe(RECORDS);
      const deliveries = await webhookQueries.selectDeliveries(db, organizationId, subscriptionId, 10);
      expect(deliveries.map((delivery) => [delivery.event, delivery.payload.created])).toEqual([['import.completed', RECORDS]]);
    });
  });

  it('lets `carbon-atlas worker` be stopped with SIGTERM again and again (exit 0 each time) and still finish an import exactly', async () => {
    const records = 6_000;
    const body = Array.from({ length: records }, (_, i) => JSON.stringify({ facility_id: 'fac_worker', scope: 2, category: 'electricity', value: 1, unit: 'kgCO2e', timestamp: '2024-06-06T00:00:00Z', metadata: { n: i } })).join('\n');
    const { organizationId, id } = await withDatabase(async (db) => {
      const organization = await identity.createOrganization(db, { name: 'Worker', tier: 'standard' });
      const job = await startImport(db, organization.id, 'ndjson', Readable.from([Buffer.from(body)]));
      return { organizationId: organization.id, id: job.id };
    });
    const progress = () => withDatabase(async (db) => (await db.query<{ status: string; received: number; created: number }>(sql`SELECT status, received, created FROM emission_imports WHERE id = ${id}`))[0]!);
    let seen = await progress();
    // Each run works a little longer than the one before, then is stopped: a few runs finish the
    // import (more on a busy machine, where a run gets less done).
    for (let run = 1; run <= 15 && seen.status !== 'completed'; run += 1) {
      const child = spawnCli(['worker'], { ...env, LOG_LEVEL: 'warn' });
      const exited = exitOf(child);
      await outputOf(child, /SIGTERM to stop/, 'the worker did not start');
      await new Promise((resolve) => setTimeout(resolve, 1000 * Math.min(run, 5)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      seen = await progress();
      expect(seen.created).toBe(seen.received); // what it recorded is what it stored
    }
    expect(seen).toEqual({ status: 'completed', received: records, created: records });
    const [stored] = await withDatabase((db) => db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM emissions WHERE organization_id = ${organizationId}`));
    expect(stored!.n).toBe(records);
  }, 600_000);
});
