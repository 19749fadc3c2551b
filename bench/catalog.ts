import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import sql from 'sql-template-tag';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { migrate } from '../src/platform/db/migrate.js';
import { openDatabase } from '../src/platform/db/open-database.js';
import { loadDemoCatalog } from '../src/modules/catalog/demo/demo.service.js';
import { ANONYMOUS } from '../src/modules/catalog/plume-filter.js';
import { PLUME_COLUMNS } from '../src/modules/catalog/plumes.queries.js';
import { annotatedPlumes, toFilter } from '../src/modules/catalog/plumes.service.js';
import { clusteredPlumes } from '../src/modules/catalog/sources/sources.queries.js';
import { refreshMaintainedSources } from '../src/modules/catalog/sources/sources.service.js';
import { benchEnv, type Backend } from './backends.js';
import { BROWSER_ENCODINGS, jsonOf, rawGet, rawStream, textOf } from './raw-get.js';
import { benchReader, checkCounts, measurePages, printPages, type PageFigures } from './catalog-pages.js';
import type { Database } from '../src/platform/db/database.js';

const CSV_ROWS = 100_000;
/** Exports of each kind (COPY, plume-csv gzip, plume-csv uncompressed), in turn; p99 is the slowest of so few. */
const CSV_RUNS = Number(process.env.BENCH_CSV_RUNS ?? 5);
const IMPORT_ROWS = 20_000;
// The annotated query: the Permian and the San Joaquin oil fields' window, one year, oil and gas.
const ANNOTATED = '/api/v1/catalog/plumes/annotated?bbox=-120&bbox=31&bbox=-101&bbox=36&datetime=2021-01-01T00:00:00Z/2021-12-31T23:59:59Z&sectors=1B2&limit=100';

function median(values: number[]) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

async function timed<T>(work: () => Promise<T>) {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

/** Counts bytes and rows of a CSV stream without keeping it. */
function counter() {
  let bytes = 0;
  let rows = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      // indexOf, not a loop over every byte: the sink runs on the server's event loop while the
      // export streams, and a byte loop over 30 MB would slow the export it measures.
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) rows += 1;
      done();
    },
  });
  return { sink, totals: () => ({ bytes, rows }) };
}

/**
 * On `count` demo plumes in PostgreSQL: plumes/annotated (bbox + datetime + sector) against the same
 * SQL run directly; plume-csv of 100,000 rows against COPY … TO STDOUT of the same rows, with the
 * server's peak RSS; sources.geojson against the bare ST_ClusterDBSCAN query.
 */
export async function benchCatalog(backend: Backend, count: number) {
  const config = loadConfig(benchEnv(backend));
  const db = await openDatabase(config);
  await migrate(db);
  // No ANALYZE here: the loader must leave the statistics current itself (issue 21).
  const load = await timed(() => loadUnlessPresent(db, count));
  const app = await buildApp({ config, db, jwtSecret: new TextEncoder().encode(config.JWT_SECRET!), logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const client = new pg.Client({ connectionString: backend.env.DATABASE_URL });
  await client.connect();
  try {
    const pages = await measurePages(base, await benchReader(db));
    const exactCounts = await checkCounts(db, pages);
    const importCsv = await (await fetch(`${base}/api/v1/catalog/plume-csv?limit=${IMPORT_ROWS}`)).text();

    // plumes/annotated
    const query = Object.fromEntries(new URL(ANNOTATED, base).searchParams);
    // What the route runs for this query (its service): the page beside the counts, then the neighbours.
    const pageQuery = { bbox: [-120, 31, -101, 36], datetime: query.datetime, sectors: ['1B2' as const], sort: 'desc' as const, limit: 100, offset: 0 };
    const apiTimes: Record<'identity' | 'brotli', number[]> = { identity: [], brotli: [] };
    const sqlTimes: number[] = [];
    let matched = 0;
    let shape = '';
    const annotatedOnce = async (encoding: 'identity' | 'brotli', keep: boolean) => {
      // Timed to the last byte and decoded after. The ratio's figure is uncompressed, as the
      // statements' rows arrive (decision 0040); a browser's encodings (brotli) are measured beside it.
      const api = await timed(() => rawGet(base + ANNOTATED, encoding === 'brotli' ? BROWSER_ENCODINGS : {}));
      if (api.result.status !== 200) throw new Error(`plumes/annotated: HTTP ${api.result.status} ${textOf(api.result).slice(0, 200)}`);
      if ((api.result.encoding ?? 'identity') !== (encoding === 'brotli' ? 'br' : 'identity')) throw new Error(`plumes/annotated answered ${api.result.encoding} to ${encoding}`);
      const answer = jsonOf<{ bbox_count: number; items: unknown[]; nearby_items: unknown[] }>(api.result);
      matched = answer.bbox_count;
      shape = `${answer.bbox_count}/${answer.items.length}/${answer.nearby_items.length}`;
      if (keep) apiTimes[encoding].push(api.ms);
    };
    for (let i = 0; i < 120; i += 1) {
      const keep = i >= 20;
      // The two encodings take turns going first, as in the STAC bench.
      for (const encoding of i % 2 ? (['brotli', 'identity'] as const) : (['identity', 'brotli'] as const)) await annotatedOnce(encoding, keep);
      const direct = await timed(() => annotatedPlumes(db, pageQuery, ANONYMOUS));
      // The baseline answers what the route answered: same count, items and neighbours.
      const directShape = `${direct.result.bbox_count}/${direct.result.items.length}/${direct.result.nearby_items.length}`;
      if (directShape !== shape) throw new Error(`plumes/annotated: the route answered ${shape}, its service run directly ${directShape}`);
      if (keep) sqlTimes.push(direct.ms);
    }

    // plume-csv of 100,000 rows vs COPY of the same rows, CSV_RUNS times in turn: compressed as
    // fetch asks (gzip) and uncompressed, as COPY sends it.
    const copyQuery = `COPY (SELECT ${PLUME_COLUMNS.sql} FROM plumes p WHERE p.status = 'published' AND p.status <> 'deleted' ORDER BY p."datetime" DESC, p.plume_id DESC LIMIT ${CSV_ROWS}) TO STDOUT (FORMAT csv, HEADER)`;
    const copyMs: number[] = [];
    const csvMs: Record<'gzip' | 'identity', number[]> = { gzip: [], identity: [] };
    let copyCount = counter();
    let apiCount = counter();
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const exportOnce = async (encoding: 'gzip' | 'identity') => {
      const sink = counter();
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
      // Read as COPY's rows are: a Node stream into the same sink, bytes as sent (gzip not decoded).
      const csv = await timed(() => rawStream(`${base}/api/v1/catalog/plume-csv?limit=${CSV_ROWS}`, { 'accept-encoding': encoding }, sink.sink));
      clearInterval(sampler);
      csvMs[encoding].push(csv.ms);
      if (encoding === 'identity') apiCount = sink;
    };
    const copyOnce = async () => {
      copyCount = counter();
      copyMs.push((await timed(() => pipeline(client.query(copyTo(copyQuery)), copyCount.sink))).ms);
    };
    // The three take turns going first, run by run: none always follows another.
    const steps = [copyOnce, () => exportOnce('gzip'), () => exportOnce('identity')];
    for (let run = 0; run < CSV_RUNS; run += 1) {
      for (let step = 0; step < steps.length; step += 1) await steps[(run + step) % steps.length]!();
    }
    if (apiCount.totals().rows !== copyCount.totals().rows) throw new Error(`plume-csv wrote ${apiCount.totals().rows} lines, COPY ${copyCount.totals().rows}`);

    // sources.geojson vs the bare clustering; the maintained clusters brought up to date first, as demo-plumes leaves them (decision 0034)
    await refreshMaintainedSources(db);
    const bareSql = clusteredPlumes(toFilter({}), ANONYMOUS, 100, 1);
    const bare = await timed(() => db.query(sql`SELECT count(DISTINCT (gas, sector, srid, cluster))::int AS sources FROM (${bareSql}) c`));
    // As the sources bench reads it: a browser's Accept-Encoding, timed to the last byte, decoded after.
    const sourcesAnswer = await timed(() => rawGet(`${base}/api/v1/catalog/sources.geojson`, BROWSER_ENCODINGS));
    if (sourcesAnswer.result.status !== 200) throw new Error(`sources.geojson: HTTP ${sourcesAnswer.result.status} ${textOf(sourcesAnswer.result).slice(0, 200)}`);
    const sources = { ms: sourcesAnswer.ms, result: jsonOf<{ features: unknown[] }>(sourcesAnswer.result) };

    return {
      pages,
      exactCounts,
      importCsv,
      plumes: count,
      loadSeconds: load.ms / 1000,
      scenes: load.result.scenes,
      annotated: {
        matched, apiMedianMs: median(apiTimes.identity), brotliMedianMs: median(apiTimes.brotli), sqlMedianMs: median(sqlTimes),
        ratio: median(apiTimes.identity) / median(sqlTimes), brotliRatio: median(apiTimes.brotli) / median(sqlTimes),
      },
      csv: {
        rows: apiCount.totals().rows - 1,
        copyRows: copyCount.totals().rows - 1,
        runs: CSV_RUNS,
        copyMedianMs: median(copyMs),
        copyP99Ms: Math.max(...copyMs),
        gzip: { medianMs: median(csvMs.gzip), p99Ms: Math.max(...csvMs.gzip), ratio: median(copyMs) / median(csvMs.gzip) },
        identity: { medianMs: median(csvMs.identity), p99Ms: Math.max(...csvMs.identity), ratio: median(copyMs) / median(csvMs.identity) },
        apiRowsPerSecond: (apiCount.totals().rows - 1) / (median(csvMs.identity) / 1000),
        copyRowsPerSecond: (copyCount.totals().rows - 1) / (median(copyMs) / 1000),
        ratio: median(copyMs) / median(csvMs.identity),
        peakRssMb: peakRss / 2 ** 20,
        rssGrowthMb: (peakRss - rssBefore) / 2 ** 20,
      },
      sources: { count: sources.result.features.length, bareCount: (bare.result[0] as { sources: number }).sources, apiSeconds: sources.ms / 1000, bareSeconds: bare.ms / 1000, ratio: sources.ms / bare.ms },
    };
  } finally {
    await client.end();
    await app.close();
  }
}

/** The demo catalog, unless a reused database (BENCH_REUSE_DATABASE_URL) already holds that many plumes. */
async function loadUnlessPresent(db: Database, count: number) {
  const [present] = await db.query<{ plumes: number; scenes: number }>(sql`SELECT (SELECT count(*) FROM plumes)::int AS plumes, (SELECT count(*) FROM scenes)::int AS scenes`);
  if (present!.plumes >= count) return { scenes: present!.scenes, plumes: present!.plumes, skipped: 0 };
  return loadDemoCatalog(db, { plumes: count });
}

/** The catalog pages alone (for the embedded database, which has no COPY to compare with). */
export async function benchCatalogPages(backend: Backend, count: number): Promise<{ backend: string; plumes: number; loadSeconds: number; pages: PageFigures[] }> {
  const config = loadConfig(benchEnv(backend));
  const db = await openDatabase(config);
  await migrate(db);
  const load = await timed(() => loadUnlessPresent(db, count));
  const app = await buildApp({ config, db, jwtSecret: new TextEncoder().encode(config.JWT_SECRET!), logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const pages = await measurePages(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, await benchReader(db));
    await checkCounts(db, pages);
    return { backend: backend.name, plumes: count, loadSeconds: load.ms / 1000, pages };
  } finally {
    await app.close();
  }
}

export function printCatalog(r: Awaited<ReturnType<typeof benchCatalog>>) {
  console.log(`\nPlume catalog on ${r.plumes} demo plumes in ${r.scenes} scenes (PostgreSQL; loaded in ${r.loadSeconds.toFixed(0)} s)`);
  printPages(`PostgreSQL, ${r.plumes} plumes; counts equal count(*) (${r.exactCounts.in_bbox} in the box, ${r.exactCounts.total} in all)`, r.pages);
  console.log(`plumes/annotated bbox + datetime + sector (${r.annotated.matched} match, page of 100): median ${r.annotated.apiMedianMs.toFixed(2)} ms over HTTP uncompressed vs ${r.annotated.sqlMedianMs.toFixed(2)} ms for its service run directly in this process (the page beside the counts, then the neighbours; the 200 rows' views included); ratio ${r.annotated.ratio.toFixed(2)} (target ≤ 1.5: ${r.annotated.ratio <= 1.5 ? 'met' : 'NOT met'}); with brotli ${r.annotated.brotliMedianMs.toFixed(2)} ms, ratio ${r.annotated.brotliRatio.toFixed(2)}`);
  const c = r.csv;
  console.log(`plume-csv ${c.rows} rows, ${c.runs} runs each: COPY TO STDOUT median ${c.copyMedianMs.toFixed(0)} ms, p99 ${c.copyP99Ms.toFixed(0)} ms (${c.copyRowsPerSecond.toFixed(0)} rows/s)`);
  // The target's figure compresses nothing, as COPY (decision 0040); gzip is printed beside it.
  const i = c.identity;
  console.log(`  plume-csv uncompressed, as COPY     median ${i.medianMs.toFixed(0)} ms, p99 ${i.p99Ms.toFixed(0)} ms; ratio to COPY ${i.ratio.toFixed(2)} (target ≥ 0.5: ${i.ratio >= 0.5 ? 'met' : 'NOT met'})`);
  console.log(`  plume-csv gzip (as fetch asks)      median ${c.gzip.medianMs.toFixed(0)} ms, p99 ${c.gzip.p99Ms.toFixed(0)} ms; ratio to COPY ${c.gzip.ratio.toFixed(2)} (${c.gzip.ratio >= 0.5 ? 'at or above' : 'below'} 0.5; compression costs CPU COPY does not spend)`);
  console.log(`  peak RSS ${c.peakRssMb.toFixed(0)} MB (+${c.rssGrowthMb.toFixed(0)} MB during the exports)`);
  console.log(`sources.geojson: ${r.sources.count} sources in ${r.sources.apiSeconds.toFixed(2)} s vs bare ST_ClusterDBSCAN ${r.sources.bareSeconds.toFixed(2)} s (${r.sources.bareCount} clusters); ratio ${r.sources.ratio.toFixed(2)} (target ≤ 1.5: ${r.sources.ratio <= 1.5 ? 'met' : 'NOT met'})`);
}
