import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { gzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { migrate } from '../src/platform/db/migrate.js';
import { openDatabase } from '../src/platform/db/open-database.js';
import * as identity from '../src/platform/identity/identity.service.js';
import { loadDemoCatalog } from '../src/modules/catalog/demo/demo.service.js';
import { ANONYMOUS } from '../src/modules/catalog/plume-filter.js';
import { plumeTile } from '../src/modules/catalog/tiles.service.js';
import { TILE_FEATURE_LIMIT } from '../src/modules/geo/tiles/tiles.routes.js';
import sql from 'sql-template-tag';
import { benchEnv, type Backend } from './backends.js';
import { runLoad } from './load.js';
import { rawGet } from './raw-get.js';

// The Permian Basin, the demo catalog's densest region.
const DENSE = { lon: -102.3, lat: 31.9 };
const ZOOMS = [3, 8, 12];
const SAMPLES = Number(process.env.BENCH_TILE_SAMPLES ?? 30);
/**
 * The uncached series runs for at least this long after a warm-up of at least WARM_UP_SECONDS: a
 * 1 ms tile is then measured over hundreds of requests on optimised code, as a server that has
 * been up for a while runs it, and a 300 ms tile still over SAMPLES.
 */
const SAMPLE_SECONDS = Number(process.env.BENCH_TILE_SAMPLE_SECONDS ?? 4);
const WARM_UP_SECONDS = Number(process.env.BENCH_TILE_WARM_UP_SECONDS ?? 2);
const MAX_SAMPLES = 500;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 10;

function tileAt(lon: number, lat: number, z: number) {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const rad = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return { z, x, y };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.99))]!;

/** Searches a user types into the administrative-area picker: prefixes, whole names, accents, several words. */
const AREA_SEARCHES = ['tex', 'Texas', 'harr', 'Harris County', 'new y', 'cali', 'united', 'sao paulo', 'São', 'kern', 'los an', 'ger', 'fr', 'nord', 'san'];
const AREA_ROUNDS = Number(process.env.BENCH_AREA_ROUNDS ?? 20);

async function timed(work: () => Promise<unknown>) {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * Plume tiles on `count` demo plumes in PostgreSQL, over the Permian at z3, z8 and z12:
 * - uncached (`layers/plumes/uncached/…`, gzip accepted as map clients do): median latency over
 *   HTTP against the median of the same ST_AsMVT statement run directly (target ≤ 1.3);
 * - cached (`layers/plumes/…`): requests/s under load against a bare Fastify route sending the
 *   same bytes (target ≥ 0.5).
 */
export async function benchTiles(backend: Backend, count: number) {
  const config = loadConfig({ ...benchEnv(backend), RATE_LIMIT_TILES: '1000000000' });
  const db = await openDatabase(config);
  await migrate(db);
  const loadStarted = performance.now();
  // BENCH_TILES_DATABASE_URL names a database already holding the demo catalog (e.g. a copy of the
  // 1M-plume template): it is used as it is.
  const [held] = await db.query<{ plumes: number; scenes: number }>(sql`SELECT (SELECT count(*) FROM plumes)::int AS plumes, (SELECT count(*) FROM scenes)::int AS scenes`);
  const reused = (held?.plumes ?? 0) >= count;
  const loaded = reused ? { scenes: held!.scenes } : await loadDemoCatalog(db, { plumes: count });
  if (reused) count = held!.plumes;
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  await db.query(sql`ANALYZE plumes`);
  const organization = await identity.createOrganization(db, { name: 'Tile bench', tier: 'enterprise' });
  // catalog:read only: the viewer is anonymous (published plumes), as the direct query's.
  const key = (await identity.createApiKey(db, { organizationId: organization.id, name: 'bench', scopes: ['catalog:read'], tier: 'enterprise' })).secret;
  const app = await buildApp({ config, db, jwtSecret: new TextEncoder().encode(config.JWT_SECRET!), logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const headers = { authorization: `Bearer ${key}`, 'accept-encoding': 'gzip' };
  const results = [];
  // The floor any HTTP answer costs over this client: a bare Fastify route sending a small body.
  const floorApp = Fastify({ logger: false });
  floorApp.get('/floor', async (_request, reply) => reply.type('application/vnd.mapbox-vector-tile').send(Buffer.alloc(1024, 1)));
  await floorApp.listen({ port: 0, host: '127.0.0.1' });
  const floorUrl = `http://127.0.0.1:${(floorApp.server.address() as AddressInfo).port}/floor`;
  try {
    for (const z of ZOOMS) {
      const tile = tileAt(DENSE.lon, DENSE.lat, z);
      const path = `${tile.z}/${tile.x}/${tile.y}.mvt`;
      const direct = () => plumeTile(db, {}, ANONYMOUS, tile, { encoder: 'postgis', limit: TILE_FEATURE_LIMIT.plumes, cellsMaxZoom: config.PLUME_TILE_CELLS_MAX_ZOOM });
      const bytes = await direct();
      const n = bytes.length ? (new VectorTile(new PbfReader(bytes)).layers.plumes?.length ?? 0) : 0;
      const httpTimes: number[] = [];
      const identityTimes: number[] = [];
      const sqlTimes: number[] = [];
      const floorTimes: number[] = [];
      const tileUrl = `${base}/api/v1/layers/plumes/uncached/${path}`;
      const overHttp = async (requestHeaders: Record<string, string>) => {
        const response = await rawGet(tileUrl, requestHeaders);
        if (response.status !== 200) throw new Error(`uncached tile ${path} answered ${response.status}`);
      };
      // The four take turns, so that whatever else the machine does falls on all of them alike.
      const round = async () => ({
        floor: await timed(() => rawGet(floorUrl, {})),
        gzip: await timed(() => overHttp(headers)),
        identity: await timed(() => overHttp({ authorization: headers.authorization })),
        sql: await timed(direct),
      });
      const warmUntil = performance.now() + WARM_UP_SECONDS * 1000;
      for (let i = 0; i < 5 || performance.now() < warmUntil; i += 1) await round();
      const sampleUntil = performance.now() + SAMPLE_SECONDS * 1000;
      while (sqlTimes.length < SAMPLES || (performance.now() < sampleUntil && sqlTimes.length < MAX_SAMPLES)) {
        const times = await round();
        floorTimes.push(times.floor);
        httpTimes.push(times.gzip);
        identityTimes.push(times.identity);
        sqlTimes.push(times.sql);
      }

      // Cached: the same tile through the whole app (auth, rate limit, revision check, cache), against fixed bytes.
      const cachedUrl = `${base}/api/v1/layers/plumes/${path}`;
      // What the cached route sends a gzip-accepting client (fetch would decompress it: gzip it here as the route does).
      const gzipped = gzipSync(bytes);
      const bareApp = Fastify({ logger: false });
      bareApp.get('/tile', async (_request, reply) => reply.type('application/vnd.mapbox-vector-tile').header('content-encoding', 'gzip').send(gzipped));
      await bareApp.listen({ port: 0, host: '127.0.0.1' });
      try {
        const bareUrl = `http://127.0.0.1:${(bareApp.server.address() as AddressInfo).port}/tile`;
        await runLoad({ url: bareUrl, seconds: 2, connections: CONNECTIONS, headers: { 'accept-encoding': 'gzip' } });
        const bareLoad = await runLoad({ url: bareUrl, seconds: SECONDS, connections: CONNECTIONS, headers: { 'accept-encoding': 'gzip' } });
        // A map's first request makes the tile; the load then measures serving it.
        if ((await rawGet(cachedUrl, { 'accept-encoding': 'gzip' })).status !== 200) throw new Error(`cached tile ${path} did not answer 200`);
        await runLoad({ url: cachedUrl, seconds: 2, connections: CONNECTIONS, headers: { 'accept-encoding': 'gzip' } });
        const appLoad = await runLoad({ url: cachedUrl, seconds: SECONDS, connections: CONNECTIONS, headers: { 'accept-encoding': 'gzip' } });
        if (appLoad.total === 0 || appLoad.non2xx > 0 || appLoad.errors > 0) throw new Error(`cached tile answered ${appLoad.non2xx} non-2xx and ${appLoad.errors} errors`);
        results.push({
          tile: path,
          plumesInTile: n,
          bytes: bytes.length,
          gzippedBytes: gzipped.length,
          uncached: {
            httpMedianMs: median(httpTimes),
            identityMedianMs: median(identityTimes),
            sqlMedianMs: median(sqlTimes),
            ratio: median(httpTimes) / median(sqlTimes),
            identityRatio: median(identityTimes) / median(sqlTimes),
            sqlP99Ms: p99(sqlTimes),
            identityP99Ms: p99(identityTimes),
            httpFloorMs: median(floorTimes),
            samples: sqlTimes.length,
          },
          cached: { appRps: appLoad.requestsPerSecond, bareRps: bareLoad.requestsPerSecond, ratio: appLoad.requestsPerSecond / bareLoad.requestsPerSecond, p50: appLoad.p50, p99: appLoad.p99 },
        });
      } finally {
        await bareApp.close();
      }
    }
    const areaSearch = await benchAreaSearch(base);
    return { plumes: count, scenes: loaded.scenes, loadSeconds, reused, tiles: results, areaSearch, cellsMaxZoom: config.PLUME_TILE_CELLS_MAX_ZOOM };
  } finally {
    await floorApp.close();
    await app.close();
  }
}

/** `common/administrative-areas?search=` one request at a time, as a user types: median and p99 over HTTP. */
async function benchAreaSearch(base: string) {
  const times: number[] = [];
  for (let round = 0; round < AREA_ROUNDS + 1; round += 1) {
    for (const term of AREA_SEARCHES) {
      const took = await timed(async () => {
        const response = await rawGet(`${base}/api/v1/common/administrative-areas?search=${encodeURIComponent(term)}`, {});
        if (response.status !== 200) throw new Error(`area search ${term} answered ${response.status}`);
      });
      if (round > 0) times.push(took);
    }
  }
  return { requests: times.length, medianMs: median(times), p99Ms: p99(times) };
}

export function printTiles(r: Awaited<ReturnType<typeof benchTiles>>) {
  console.log(`\nPlume vector tiles on ${r.plumes} demo plumes in ${r.scenes} scenes (PostgreSQL; ${r.reused ? 'an existing database' : `loaded in ${r.loadSeconds.toFixed(0)} s`}), over the Permian Basin`);
  for (const t of r.tiles) {
    console.log(`z${t.tile}: ${t.plumesInTile} ${Number(t.tile.split('/')[0]) <= r.cellsMaxZoom ? 'cells' : 'plumes'} drawn (published, in the tile and its buffer; at most ${TILE_FEATURE_LIMIT.plumes} plumes), ${(t.bytes / 1024).toFixed(0)} KiB (${(t.gzippedBytes / 1024).toFixed(0)} KiB gzipped)`);
    console.log(`  uncached (${t.uncached.samples} requests of each kind after a ${WARM_UP_SECONDS} s warm-up): median ${t.uncached.identityMedianMs.toFixed(2)} ms over HTTP vs ${t.uncached.sqlMedianMs.toFixed(2)} ms for the same ST_AsMVT SQL; ratio ${t.uncached.identityRatio.toFixed(2)} (target ≤ 1.3: ${t.uncached.identityRatio <= 1.3 ? 'met' : 'NOT met'})`);
    console.log(`            p99 ${t.uncached.identityP99Ms.toFixed(2)} ms over HTTP, ${t.uncached.sqlP99Ms.toFixed(2)} ms SQL; HTTP floor (bare route, same client) ${t.uncached.httpFloorMs.toFixed(2)} ms`);
    console.log(`            gzip accepted (the server compresses every uncached tile): median ${t.uncached.httpMedianMs.toFixed(2)} ms; ratio ${t.uncached.ratio.toFixed(2)}`);
    console.log(`  cached:   ${t.cached.appRps.toFixed(0)} req/s (p50 ${t.cached.p50} ms, p99 ${t.cached.p99} ms) vs bare route ${t.cached.bareRps.toFixed(0)} req/s; ratio ${t.cached.ratio.toFixed(2)} (target ≥ 0.5: ${t.cached.ratio >= 0.5 ? 'met' : 'NOT met'})`);
  }
  console.log(`Administrative-area search (${r.areaSearch.requests} requests, one at a time): median ${r.areaSearch.medianMs.toFixed(2)} ms, p99 ${r.areaSearch.p99Ms.toFixed(2)} ms`);
}
