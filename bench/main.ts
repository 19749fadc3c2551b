import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { migrate } from '../src/platform/db/migrate.js';
import { openDatabase } from '../src/platform/db/open-database.js';
import { FacilityPage } from '../src/modules/facilities/facilities.schemas.js';
import { benchEnv, existingPostgresBackend, pgliteBackend, postgresBackend, type Backend } from './backends.js';
import { seedFacilitiesFixture } from './facilities-fixture.js';
import { runLoad, type LoadResult } from './load.js';
import { benchLoginGuessing, printLoginGuessing } from './login.js';
import { benchRegistry, printRegistry } from './registry.js';
import { benchEmissions, printEmissions } from './emissions.js';
import { benchCatalog, benchCatalogPages, printCatalog } from './catalog.js';
import { printPages } from './catalog-pages.js';
import { benchPlumeImport, printPlumeImport } from './plume-import.js';
import { benchTiles, printTiles } from './tiles.js';
import { benchStac, printStac } from './stac.js';
import { benchImportWithAndWithoutSources, benchSources, printSources } from './sources.js';
import { benchRasterApart, printRaster } from './raster.js';

const EMISSION_RECORDS = Number(process.env.BENCH_EMISSION_RECORDS ?? 1_000_000);
const CATALOG_PLUMES = Number(process.env.BENCH_PLUMES ?? 1_000_000);
const TILE_PLUMES = Number(process.env.BENCH_TILE_PLUMES ?? CATALOG_PLUMES);

const REGISTRY_TRANSACTIONS = Number(process.env.BENCH_REGISTRY_TRANSACTIONS ?? 2000);

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 10;
const TARGET = 0.35;
/** Issue 21: with the response cache off (every request queries), ≥ 0.35 of the bare route too. */
const UNCACHED_TARGET = 0.35;
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PATH = '/v1/facilities?size=50';

function url(server: { server: { address(): unknown } }, path: string) {
  return `http://127.0.0.1:${(server.server.address() as AddressInfo).port}${path}`;
}

async function measure(target: string, headers: Record<string, string> = {}): Promise<LoadResult> {
  await runLoad({ url: target, headers, seconds: 3, connections: CONNECTIONS }); // warm-up, discarded
  return runLoad({ url: target, headers, seconds: SECONDS, connections: CONNECTIONS });
}

interface Fixture {
  organizationId: string;
  apiKey: string;
}

/**
 * The facilities list through the whole app (auth, rate limit, query, serialisation), against a
 * bare route serving the same page. `cacheMb` 0 disables the revision-checked response cache, so
 * every request runs the list query.
 */
async function benchFacilitiesList(backend: Backend, cacheMb: number, fixture?: Fixture) {
  const config = loadConfig({ ...benchEnv(backend), RESPONSE_CACHE_MB: String(cacheMb) });
  const db = await openDatabase(config);
  await migrate(db);
  const data = fixture ?? (await seedFacilitiesFixture(db));
  const app = await buildApp({ config, db, jwtSecret: new TextEncoder().encode(config.JWT_SECRET!), logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const headers = { authorization: `Bearer ${data.apiKey}` };

  // Two baselines answer the same page: `bare` the way any Fastify route answers it (the object
  // serialised through the same response schema), `bareBytes` as cheaply as Fastify can (a
  // precomputed string). The first is the target's baseline; the second is reported as well.
  const body = await (await fetch(url(app, PATH), { headers })).text();
  const page = JSON.parse(body) as { items: unknown[]; total: number };
  const bare = Fastify({ logger: false });
  bare.get('/v1/facilities', { schema: { response: { 200: FacilityPage } } }, async () => page);
  bare.get('/bytes', async (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
  await bare.listen({ port: 0, host: '127.0.0.1' });

  try {
    const baseline = await measure(url(bare, PATH));
    const bytesBaseline = await measure(url(bare, '/bytes'));
    const measured = await measure(url(app, PATH), headers);
    if (measured.non2xx > 0 || measured.errors > 0) throw new Error(`app answered ${measured.non2xx} non-2xx and ${measured.errors} errors`);
    const ratio = measured.requestsPerSecond / baseline.requestsPerSecond;
    const bytesRatio = measured.requestsPerSecond / bytesBaseline.requestsPerSecond;
    return { fixture: data, backend: backend.name, cache: cacheMb > 0, items: page.items.length, total: page.total, baseline, bytesBaseline, measured, ratio, bytesRatio };
  } finally {
    await bare.close();
    await app.close();
  }
}

function row(label: string, result: LoadResult) {
  return `${label.padEnd(26)} ${result.requestsPerSecond.toFixed(0).padStart(8)} req/s   p50 ${String(result.p50).padStart(3)} ms   p99 ${String(result.p99).padStart(3)} ms   (${result.total} requests)`;
}

/** The facilities list with the response cache on and off, printed with p50, p99 and the ratio to the bare route. */
async function facilitiesFigures(backend: Backend) {
  const cached = await benchFacilitiesList(backend, 32);
  const uncached = await benchFacilitiesList(backend, 0, cached.fixture);
  for (const result of [cached, uncached]) {
    const mode = result.cache ? 'response cache on (default)' : 'response cache off: every request queries';
    const target = result.cache ? TARGET : UNCACHED_TARGET;
    console.log(`\nGET ${PATH} — ${result.backend}, ${mode}; ${result.total} facilities in the organization, ${result.items} per page, ${CONNECTIONS} connections, ${SECONDS} s`);
    console.log(row('bare route, same schema', result.baseline));
    console.log(row('bare route, fixed bytes', result.bytesBaseline));
    console.log(row('Carbon Atlas', result.measured));
    const verdict = result.ratio >= target ? 'met' : 'NOT met';
    console.log(`ratio ${result.ratio.toFixed(3)} to the bare route (target ≥ ${target} on PostgreSQL: ${verdict}); ${result.bytesRatio.toFixed(3)} to fixed bytes`);
  }
  return [cached, uncached];
}

const PAGES_PLUMES = Number(process.env.BENCH_PAGES_PLUMES ?? 100_000);

/**
 * Issue 21's catalog targets: the pages at CATALOG_PLUMES on PostgreSQL (BENCH_REUSE_DATABASE_URL
 * reuses a loaded database), the plume CSV import rate, and the pages at 100,000 plumes on both
 * databases (BENCH_REUSE_PAGES_DATABASE_URL reuses PostgreSQL's).
 */
async function catalogOnly() {
  const open = (url: string | undefined) => (url ? existingPostgresBackend(url) : postgresBackend(ADMIN_URL));
  if (process.env.BENCH_CATALOG_PAGES_ONLY) {
    // The pages alone, on the reused or a fresh database: a quick before/after of issue 21's page targets.
    const pagesBackend = await open(process.env.BENCH_REUSE_DATABASE_URL);
    try {
      const result = await benchCatalogPages(pagesBackend, CATALOG_PLUMES);
      printPages(`${result.backend}, ${result.plumes} plumes`, result.pages);
    } finally {
      await pagesBackend.dispose();
    }
    return;
  }
  const backend = await open(process.env.BENCH_REUSE_DATABASE_URL);
  let catalog: Awaited<ReturnType<typeof benchCatalog>>;
  try {
    catalog = await benchCatalog(backend, CATALOG_PLUMES);
    printCatalog(catalog);
  } finally {
    await backend.dispose();
  }
  const importBackend = await postgresBackend(ADMIN_URL);
  try {
    printPlumeImport(await benchPlumeImport(importBackend, catalog.importCsv));
  } finally {
    await importBackend.dispose();
  }
  const compared = [];
  for (const openPages of [() => open(process.env.BENCH_REUSE_PAGES_DATABASE_URL), pgliteBackend]) {
    const pagesBackend = await openPages();
    try {
      const result = await benchCatalogPages(pagesBackend, PAGES_PLUMES);
      printPages(`${result.backend}, ${result.plumes} plumes (loaded in ${result.loadSeconds.toFixed(0)} s)`, result.pages);
      compared.push(result);
    } finally {
      await pagesBackend.dispose();
    }
  }
  const [pgPages, pglitePages] = compared;
  console.log(`\nEmbedded database against PostgreSQL at ${PAGES_PLUMES} plumes (target ≤ 3×):`);
  for (const [i, page] of pglitePages!.pages.entries()) {
    const times = page.medianMs / pgPages!.pages[i]!.medianMs;
    console.log(`${page.name.padEnd(36)} ${times.toFixed(2)}× (${page.medianMs.toFixed(1)} ms vs ${pgPages!.pages[i]!.medianMs.toFixed(1)} ms): ${times <= 3 ? 'met' : 'NOT met'}`);
  }
}

async function main() {
  const only = process.argv.find((arg) => ['--pg-only', '--pglite-only', '--login-only', '--registry-only', '--emissions-only', '--catalog-only', '--tiles-only', '--stac-only', '--raster-only', '--facilities-only', '--sources-only'].includes(arg));
  if (only === '--tiles-only') {
    const existing = process.env.BENCH_TILES_DATABASE_URL;
    const backend = existing ? await existingPostgresBackend(existing) : await postgresBackend(ADMIN_URL);
    try {
      printTiles(await benchTiles(backend, TILE_PLUMES));
    } finally {
      await backend.dispose();
    }
    return;
  }
  if (only === '--raster-only') {
    const figures = [];
    for (const backend of ['pglite', 'postgres'] as const) figures.push(printRaster(await benchRasterApart(backend, SECONDS)));
    console.log(`BENCH_JSON ${JSON.stringify({ raster_tiles: figures })}`);
    return;
  }
  if (only === '--facilities-only') {
    for (const open of [() => postgresBackend(ADMIN_URL), pgliteBackend]) {
      const backend = await open();
      try {
        await facilitiesFigures(backend);
      } finally {
        await backend.dispose();
      }
    }
    return;
  }
  if (only === '--catalog-only') {
    await catalogOnly();
    return;
  }
  if (only === '--sources-only') {
    // BENCH_SOURCES_DATABASE_URL: an existing loaded database (a copy of ca_bench_1m); otherwise a fresh one loaded with BENCH_PLUMES.
    const reuse = process.env.BENCH_SOURCES_DATABASE_URL;
    const backend = reuse ? await existingPostgresBackend(reuse) : await postgresBackend(ADMIN_URL);
    try {
      const figures = await benchSources(backend, CATALOG_PLUMES);
      printSources(figures, process.env.BENCH_SOURCES_IMPORT === '0' ? undefined : await benchImportWithAndWithoutSources(ADMIN_URL, figures.importCsv));
    } finally {
      await backend.dispose();
    }
    return;
  }
  if (only === '--stac-only') {
    // BENCH_STAC_REUSE_URL: search an existing loaded database (a copy of ca_bench_1m) instead of loading one.
    const reuse = process.env.BENCH_STAC_REUSE_URL;
    const backend = reuse ? await existingPostgresBackend(reuse) : await postgresBackend(ADMIN_URL);
    try {
      printStac(await benchStac(backend, Number(process.env.BENCH_STAC_PLUMES ?? CATALOG_PLUMES)));
    } finally {
      await backend.dispose();
    }
    return;
  }
  if (only === '--emissions-only') {
    const backend = await postgresBackend(ADMIN_URL);
    try {
      printEmissions(await benchEmissions(backend, EMISSION_RECORDS));
    } finally {
      await backend.dispose();
    }
    return;
  }
  if (only === '--registry-only') {
    for (const open of [() => postgresBackend(ADMIN_URL), pgliteBackend]) {
      const backend = await open();
      try {
        printRegistry(await benchRegistry(backend, REGISTRY_TRANSACTIONS, 2));
      } finally {
        await backend.dispose();
      }
    }
    return;
  }
  if (only === '--login-only') {
    const backend = await pgliteBackend();
    try {
      printLoginGuessing(await benchLoginGuessing(backend, SECONDS));
    } finally {
      await backend.dispose();
    }
    return;
  }
  const backends: (() => Promise<Backend>)[] = [];
  if (only !== '--pglite-only') backends.push(() => postgresBackend(ADMIN_URL));
  if (only !== '--pg-only') backends.push(pgliteBackend);

  const figures = [];
  const logins = [];
  const ledgers = [];
  const ingests = [];
  const catalogs = [];
  const tileRuns = [];
  const stacs = [];
  const rasters = [];
  for (const open of backends) {
    const backend = await open();
    try {
      const login = await benchLoginGuessing(backend, SECONDS);
      printLoginGuessing(login);
      logins.push(login);
      const registryResult = await benchRegistry(backend, REGISTRY_TRANSACTIONS, 2);
      printRegistry(registryResult);
      ledgers.push(registryResult);
      if (backend.name === 'postgres') {
        // COPY needs a PostgreSQL server: the ingestion figures are PostgreSQL's only.
        const ingestResult = await benchEmissions(backend, EMISSION_RECORDS);
        printEmissions(ingestResult);
        ingests.push(ingestResult);
        const catalogResult = await benchCatalog(backend, CATALOG_PLUMES);
        printCatalog(catalogResult);
        catalogs.push(catalogResult);
        const tileResult = await benchTiles(backend, TILE_PLUMES);
        printTiles(tileResult);
        tileRuns.push(tileResult);
        const stacResult = await benchStac(backend, Number(process.env.BENCH_STAC_PLUMES ?? CATALOG_PLUMES));
        printStac(stacResult);
        stacs.push(stacResult);
      }
      rasters.push(printRaster(await benchRasterApart(backend.name, SECONDS)));
      figures.push(...(await facilitiesFigures(backend)));
    } finally {
      await backend.dispose();
    }
  }
  console.log(
    `BENCH_JSON ${JSON.stringify({
      plume_tiles: tileRuns.flatMap((r) => r.tiles.map((t) => ({ plumes: r.plumes, tile: t.tile, features: t.plumesInTile, uncached_ratio: Number(t.uncached.identityRatio.toFixed(2)), uncached_gzip_ratio: Number(t.uncached.ratio.toFixed(2)), uncached_median_ms: Number(t.uncached.identityMedianMs.toFixed(2)), sql_median_ms: Number(t.uncached.sqlMedianMs.toFixed(2)), cached_ratio: Number(t.cached.ratio.toFixed(2)), cached_rps: Math.round(t.cached.appRps) }))),
      catalog: catalogs.map((c) => ({ plumes: c.plumes, annotated_ratio: Number(c.annotated.ratio.toFixed(2)), annotated_brotli_ratio: Number(c.annotated.brotliRatio.toFixed(2)), csv_ratio: Number(c.csv.ratio.toFixed(2)), csv_gzip_ratio: Number(c.csv.gzip.ratio.toFixed(2)), csv_peak_rss_mb: Math.round(c.csv.peakRssMb), sources_ratio: Number(c.sources.ratio.toFixed(2)) })),
      stac_search: stacs.map((s) => ({ plumes: s.plumes, searches: s.searches.map((x) => ({ limit: x.limit, matched: x.matched, sql_median_ms: Number(x.sqlMedianMs.toFixed(2)), ratio: Number(x.identityRatio.toFixed(2)), median_ms: Number(x.identityMedianMs.toFixed(2)), gzip_median_ms: Number(x.apiMedianMs.toFixed(2)), gzip_ratio: Number(x.ratio.toFixed(2)) })) })),
      emissions_ingest: ingests.map((r) => ({ records: r.count, copy_rps: Math.round(r.copyRps), api_rps: Math.round(r.apiRps), ratio: Number(r.ingestRatio.toFixed(3)), api_median_ms: Number(r.apiMedianMs.toFixed(2)), sql_median_ms: Number(r.sqlMedianMs.toFixed(2)), latency_ratio: Number(r.latencyRatio.toFixed(2)) })),
      registry_transactions: ledgers.map((r) => ({ backend: r.backend, transactions: r.transactions, workers: r.workers, baseline_tps: Math.round(r.baselineTps), api_tps: Math.round(r.apiTps), ratio: Number(r.ratio.toFixed(3)) })),
      login_guessing: logins.map((l) => ({ backend: l.backend, seconds: l.seconds, checked_unthrottled: l.baseline.evaluated, checked_throttled: l.throttled.evaluated, refused: l.throttled.refused, spraying_checked: l.spraying.evaluated, ratio: Number(l.ratio.toFixed(4)) })),
      raster_tiles: rasters,
      facilities_list: figures.map((f) => ({ backend: f.backend, cache: f.cache, app_rps: Math.round(f.measured.requestsPerSecond), bare_rps: Math.round(f.baseline.requestsPerSecond), ratio: Number(f.ratio.toFixed(3)), bytes_rps: Math.round(f.bytesBaseline.requestsPerSecond), bytes_ratio: Number(f.bytesRatio.toFixed(3)), app_p50_ms: f.measured.p50, app_p99_ms: f.measured.p99 })),
    })}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
