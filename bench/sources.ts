import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import sql, { raw } from 'sql-template-tag';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { migrate } from '../src/platform/db/migrate.js';
import { openDatabase } from '../src/platform/db/open-database.js';
import { loadDemoCatalog } from '../src/modules/catalog/demo/demo.service.js';
import { importPlumeCsv } from '../src/modules/catalog/plume-import.js';
import { ANONYMOUS } from '../src/modules/catalog/plume-filter.js';
import { toFilter } from '../src/modules/catalog/plumes.service.js';
import { clusteredPlumes } from '../src/modules/catalog/sources/sources.queries.js';
import { refreshSourceClusters } from '../src/modules/catalog/sources/source-cluster-refresh.queries.js';
import { benchEnv, postgresBackend, type Backend } from './backends.js';
import { BROWSER_ENCODINGS, jsonOf, rawGet, textOf } from './raw-get.js';

/**
 * Sources on a loaded catalog (issue 21, decision 0034): sources.geojson with the maintained
 * clustering (eps 100, minpoints 1) over everything and in a basin's box, with a time filter, and
 * sources/aggregate; a non-default eps clustered on demand in the box — medians and p99 over HTTP,
 * each request a slightly different box so no response cache answers it (the cache is off too),
 * against the bare ST_ClusterDBSCAN of the same plumes. Then what a change costs: the full
 * rebuild, the first request after one new plume, and the plume CSV import rate with and without
 * the triggers that mark changes.
 */
const BASIN: [number, number, number, number] = [-104.5, 31, -101, 33.5]; // the Permian

function quantile(values: number[], q: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function timed<T>(work: () => Promise<T>) {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

/** The basin's box moved by up to ±0.05° per request. */
const jittered = (i: number): [number, number, number, number] => {
  const d = ((i * 7919) % 100) / 1000 - 0.05;
  return [BASIN[0] + d, BASIN[1] + d, BASIN[2] + d, BASIN[3] + d];
};
const bboxQuery = (b: number[]) => b.map((v) => `bbox=${v.toFixed(4)}`).join('&');

interface Series {
  label: string;
  /** Issue 21: ≤ 300 ms for the default clustering under any narrowing filter, ≤ 1 s for another eps in the basin. */
  targetMs: number;
  error?: string;
  medianMs: number;
  p99Ms: number;
  bareMedianMs: number;
  sources: number;
}

export async function benchSources(backend: Backend, load: number, runs = Number(process.env.BENCH_SOURCE_RUNS ?? 20)) {
  // No statement timeout: the bare clustering of a million plumes runs longer than a request may.
  const config = loadConfig({ ...benchEnv(backend), RESPONSE_CACHE_MB: '0', DB_STATEMENT_TIMEOUT_MS: '0' });
  const db = await openDatabase(config);
  await migrate(db);
  const [present] = await db.query<{ plumes: number }>(sql`SELECT count(*)::int AS plumes FROM plumes`);
  if (present!.plumes < load) await loadDemoCatalog(db, { plumes: load });
  const app = await buildApp({ config, db, jwtSecret: new TextEncoder().encode(config.JWT_SECRET!), logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1/catalog`;
  // As every bench reads since decision 0038 (and the catalog's since 0040): a browser's
  // Accept-Encoding, timed to the last byte; the ~1.5 MB of GeoJSON decoded after the timing.
  const get = (path: string) => rawGet(base + path, BROWSER_ENCODINGS).then((answer) => {
    if (answer.status !== 200) throw new Error(`${path}: ${answer.status} ${textOf(answer).slice(0, 200)}`);
    return answer;
  });
  const bare = (bbox: number[] | undefined, eps: number) =>
    db.query(sql`SELECT count(DISTINCT (gas, sector, srid, cluster))::int AS sources FROM (${clusteredPlumes(toFilter(bbox ? { bbox } : {}), ANONYMOUS, eps, 1)}) c`);
  const count = (body: unknown) => (Array.isArray(body) ? body.length : (body as { features: unknown[] }).features.length);

  async function series(label: string, targetMs: number, path: (i: number) => string, bareOf: (i: number) => Promise<unknown>, n: number, bareRuns: number): Promise<Series> {
    try {
      const figures = { ...(await measured(label, path, bareOf, n, bareRuns)), targetMs };
      printSeries(figures);
      return figures;
    } catch (error) {
      console.log(`${label}: failed: ${(error as Error).message}`);
      return { label, targetMs, error: (error as Error).message, medianMs: NaN, p99Ms: NaN, bareMedianMs: NaN, sources: 0 };
    }
  }

  async function measured(label: string, path: (i: number) => string, bareOf: (i: number) => Promise<unknown>, n: number, bareRuns: number): Promise<Omit<Series, 'targetMs'>> {
    await get(path(n)); // warm-up, discarded
    const times: number[] = [];
    let sources = 0;
    for (let i = 0; i < n; i += 1) {
      const r = await timed(() => get(path(i)));
      times.push(r.ms);
      sources = count(jsonOf(r.result));
    }
    const bareTimes: number[] = [];
    for (let i = 0; i < bareRuns; i += 1) bareTimes.push((await timed(() => bareOf(i))).ms);
    return { label, medianMs: quantile(times, 0.5), p99Ms: quantile(times, 0.99), bareMedianMs: quantile(bareTimes, 0.5), sources };
  }

  try {
    const [{ plumes }] = (await db.query<{ plumes: number }>(sql`SELECT count(*)::int AS plumes FROM plumes`)) as [{ plumes: number }];
    const importCsv = await (await fetch(`${base}/plume-csv?limit=${Number(process.env.BENCH_IMPORT_ROWS ?? 20_000)}`)).text();
    // The full rebuild (what a new installation's first request, or demo-plumes, pays once).
    await db.query(sql`UPDATE source_cluster_state SET rebuild = true`);
    const rebuildSeconds = (await timed(() => refreshSourceClusters(db))).ms / 1000;
    console.log(`maintained clusters rebuilt in ${rebuildSeconds.toFixed(1)} s`);
    // Issue 21: the default clustering under any narrowing filter within 300 ms; another eps within 1 s in the basin.
    const year = (i: number) => `datetime=${2020 + (i % 3)}-01-01T00:00:00Z/${2023 + (i % 3)}-01-01T00:00:00Z`;
    const figures = [
      await series('sources.geojson, eps 100, basin box', 300, (i) => `/sources.geojson?${bboxQuery(jittered(i))}`, (i) => bare(jittered(i), 100), runs, 3),
      await series('sources/aggregate, eps 100, basin box', 300, (i) => `/sources/aggregate?${bboxQuery(jittered(i))}`, (i) => bare(jittered(i), 100), runs, 3),
      await series('sources.geojson, eps 100, basin box + 3 years', 300, (i) => `/sources.geojson?${bboxQuery(jittered(i))}&${year(i)}`, (i) => bare(jittered(i), 100), Math.max(5, Math.floor(runs / 2)), 3),
      await series('sources.geojson, eps 150 (on demand), basin box', 1000, (i) => `/sources.geojson?eps=150&${bboxQuery(jittered(i))}`, (i) => bare(jittered(i), 150), Math.max(5, Math.floor(runs / 2)), 3),
      await series('sources.geojson, eps 100, everything', 300, () => `/sources.geojson`, () => bare(undefined, 100), Math.max(5, Math.floor(runs / 2)), 1),
      await series('sources/aggregate, eps 100, everything', 300, () => `/sources/aggregate`, () => bare(undefined, 100), Math.max(5, Math.floor(runs / 2)), 1),
    ];
    // One plume published in the basin: the next request re-clusters its neighbourhood first.
    const afterChange: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await db.query(sql`UPDATE plumes SET emission_auto = emission_auto + 1 WHERE id = (
        SELECT id FROM plumes WHERE status = 'published' AND geometry && ST_MakeEnvelope(${BASIN[0]}, ${BASIN[1]}, ${BASIN[2]}, ${BASIN[3]}, 4326) OFFSET ${i * 997} LIMIT 1)`);
      afterChange.push((await timed(() => get(`/sources.geojson?${bboxQuery(jittered(i))}`))).ms);
    }
    const firstAfterChangeMs = quantile(afterChange, 0.5);
    console.log(`first basin request after one plume changed: median ${firstAfterChangeMs.toFixed(0)} ms`);
    return { plumes, figures, importCsv, rebuildSeconds, firstAfterChangeMs };
  } finally {
    await app.close();
  }
}

/** The plume CSV import into a fresh database, with the source triggers (0054) and with them dropped: same CSV, same run. */
export async function benchImportWithAndWithoutSources(adminUrl: string, csv: string) {
  const rates: Record<string, number> = {};
  for (const variant of ['without', 'with', 'without ', 'with '] as const) {
    const backend = await postgresBackend(adminUrl);
    try {
      const db = await openDatabase(loadConfig(benchEnv(backend)));
      try {
        await migrate(db);
        if (variant.trim() === 'without') for (const op of ['insert', 'update', 'delete', 'truncate']) await db.query(raw(`DROP TRIGGER plumes_sources_${op} ON plumes`));
        const started = performance.now();
        const report = await importPlumeCsv(db, Readable.from([csv]), null);
        const rate = report.received / ((performance.now() - started) / 1000);
        rates[variant.trim()] = Math.max(rates[variant.trim()] ?? 0, rate);
      } finally {
        await db.close();
      }
    } finally {
      await backend.dispose();
    }
  }
  return { withoutRowsPerSecond: rates.without!, withRowsPerSecond: rates.with!, ratio: rates.with! / rates.without! };
}

function printSeries(f: Series) {
  if (f.error) return console.log(`${f.label}: failed: ${f.error}`);
  const met = f.medianMs <= f.targetMs ? 'met' : 'NOT met';
  console.log(`${f.label}: ${f.sources} sources/sectors; median ${f.medianMs.toFixed(0)} ms (target ≤ ${f.targetMs} ms: ${met}), p99 ${f.p99Ms.toFixed(0)} ms vs bare ST_ClusterDBSCAN ${f.bareMedianMs.toFixed(0)} ms (ratio ${(f.medianMs / f.bareMedianMs).toFixed(2)})`);
}

export function printSources(r: Awaited<ReturnType<typeof benchSources>>, imports?: Awaited<ReturnType<typeof benchImportWithAndWithoutSources>>) {
  console.log(`\nSources on ${r.plumes} plumes (PostgreSQL, anonymous, response cache off)`);
  for (const f of r.figures) printSeries(f);
  console.log(`maintained clusters: full rebuild ${r.rebuildSeconds.toFixed(1)} s; first basin request after one plume changed ${r.firstAfterChangeMs.toFixed(0)} ms`);
  if (imports) {
    console.log(`plume CSV import: ${imports.withRowsPerSecond.toFixed(0)} rows/s with the source triggers vs ${imports.withoutRowsPerSecond.toFixed(0)} rows/s without; ratio ${imports.ratio.toFixed(2)} (target ≥ 0.8: ${imports.ratio >= 0.8 ? 'met' : 'NOT met'})`);
  }
  console.log(`BENCH_JSON ${JSON.stringify({ sources: r.figures, rebuild_s: r.rebuildSeconds, first_after_change_ms: r.firstAfterChangeMs, import: imports ?? null })}`);
}
