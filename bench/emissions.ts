import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { migrate } from '../src/platform/db/migrate.js';
import { openDatabase } from '../src/platform/db/open-database.js';
import * as identity from '../src/platform/identity/identity.service.js';
import { createCursorCodec } from '../src/modules/emissions/cursor.js';
import { listEmissions } from '../src/modules/emissions/emissions.service.js';
import { benchEnv, type Backend } from './backends.js';
import { rawGet } from './raw-get.js';

const SCOPES = [1, 2, 3];

/** The i-th synthetic record: spread over 2024, three scopes, twenty facilities, independently of one another. */
function record(i: number) {
  const month = String((i % 12) + 1).padStart(2, '0');
  const day = String((Math.floor(i / 12) % 28) + 1).padStart(2, '0');
  return {
    facility_id: `fac_${Math.floor(i / 7) % 20}`,
    scope: SCOPES[Math.floor(i / 12) % 3]!,
    category: i % 2 ? 'electricity' : 'natural_gas',
    value: (i % 1000) + 0.5,
    timestamp: `2024-${month}-${day}T12:00:00Z`,
  };
}

function ndjson(count: number): Readable {
  let i = 0;
  return new Readable({
    read() {
      const lines: string[] = [];
      for (let n = 0; n < 2000 && i < count; n += 1, i += 1) lines.push(JSON.stringify(record(i)));
      this.push(lines.length ? `${lines.join('\n')}\n` : null);
    },
  });
}

function csvRows(organizationId: string, count: number): Readable {
  let i = 0;
  return new Readable({
    read() {
      const lines: string[] = [];
      for (let n = 0; n < 2000 && i < count; n += 1, i += 1) {
        const r = record(i);
        lines.push(`${organizationId},em_${randomBytes(8).toString('hex')},${r.facility_id},${r.scope},${r.category},${r.value},${r.value},kgCO2e,${r.timestamp},{}`);
      }
      this.push(lines.length ? `${lines.join('\n')}\n` : null);
    },
  });
}

function median(values: number[]) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/**
 * NDJSON ingestion of `count` records over HTTP against PostgreSQL COPY of the same rows, and the
 * latency of one month, one scope, a page of 100 through the API against the same query run directly.
 */
export async function benchEmissions(backend: Backend, count: number) {
  const config = loadConfig({ ...benchEnv(backend), RATE_LIMIT_ENTERPRISE: '100000000' });
  const db = await openDatabase(config);
  await migrate(db);
  const viaApi = await identity.createOrganization(db, { name: 'bench-emissions-api', tier: 'enterprise' });
  const viaCopy = await identity.createOrganization(db, { name: 'bench-emissions-copy', tier: 'enterprise' });
  const key = (await identity.createApiKey(db, { organizationId: viaApi.id, name: 'bench', scopes: ['emissions:write'], tier: 'enterprise' })).secret;

  const client = new pg.Client({ connectionString: backend.env.DATABASE_URL });
  await client.connect();
  const copyStart = performance.now();
  await pipeline(
    csvRows(viaCopy.id, count),
    client.query(copyFrom('COPY emissions (organization_id, id, facility_id, scope, category, value_kg, reported_value, reported_unit, occurred_at, metadata) FROM STDIN (FORMAT csv)')),
  );
  const copySeconds = (performance.now() - copyStart) / 1000;
  await client.end();

  const app = await buildApp({ config, db, jwtSecret: new TextEncoder().encode(config.JWT_SECRET!), logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  try {
    const apiStart = performance.now();
    const response = await fetch(`${base}/v2/emissions/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
      body: Readable.toWeb(ndjson(count)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const report = (await response.json()) as { created: number; failed: number };
    const apiSeconds = (performance.now() - apiStart) / 1000;
    if (report.created !== count) throw new Error(`import created ${report.created} of ${count}: ${JSON.stringify(report).slice(0, 300)}`);

    const query = 'start_date=2024-03-01&end_date=2024-03-31&scope=2&limit=100';
    const codec = createCursorCodec(app.deriveKey('emission-cursors'));
    const listQuery = { start_date: '2024-03-01', end_date: '2024-03-31', scope: '2', limit: 100 };
    const apiTimes: number[] = [];
    const sqlTimes: number[] = [];
    const headers = { authorization: `Bearer ${key}` };
    for (let i = 0; i < 220; i += 1) {
      let started = performance.now();
      const answer = await rawGet(`${base}/v2/emissions?${query}`, headers);
      if (i >= 20) apiTimes.push(performance.now() - started);
      if (answer.status !== 200) throw new Error(`GET /v2/emissions: ${answer.status}`);
      started = performance.now();
      await listEmissions(db, codec, viaApi.id, listQuery);
      if (i >= 20) sqlTimes.push(performance.now() - started);
    }
    return {
      backend: backend.name,
      count,
      copyRps: count / copySeconds,
      apiRps: count / apiSeconds,
      ingestRatio: copySeconds / apiSeconds,
      apiMedianMs: median(apiTimes),
      sqlMedianMs: median(sqlTimes),
      latencyRatio: median(apiTimes) / median(sqlTimes),
    };
  } finally {
    await app.close();
  }
}

export function printEmissions(r: Awaited<ReturnType<typeof benchEmissions>>) {
  console.log(`\nNDJSON ingestion of ${r.count.toLocaleString('en')} records — ${r.backend}`);
  console.log(`PostgreSQL COPY, same rows             ${r.copyRps.toFixed(0).padStart(8)} records/s`);
  console.log(`POST /v2/emissions/import (HTTP)       ${r.apiRps.toFixed(0).padStart(8)} records/s`);
  console.log(`ratio ${r.ingestRatio.toFixed(3)} (target ≥ 0.25)`);
  console.log(`GET /v2/emissions, one month, one scope, page of 100: median ${r.apiMedianMs.toFixed(2)} ms over HTTP vs ${r.sqlMedianMs.toFixed(2)} ms for the same query directly`);
  console.log(`latency ratio ${r.latencyRatio.toFixed(2)} (target ≤ 2.0)`);
}
