import http from 'node:http';
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

// The Permian Basin, the demo catalog's densest region.
const DENSE = { lon: -102.3, lat: 31.9 };
const ZOOMS = [3, 8, 12];
const SAMPLES = Number(process.env.BENCH_TILE_SAMPLES ?? 30);
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

async function timed(work: () => Promise<unknown>) {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** GET over one kept-alive connection, reading the bytes as sent (fetch would also gunzip them on this, the server's, event loop). */
function get(url: string, headers: Record<string, string>): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
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
  const loaded = await loadDemoCatalog(db, { plumes: count });
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
  try {
    for (const z of ZOOMS) {
      const tile = tileAt(DENSE.lon, DENSE.lat, z);
      const path = `${tile.z}/${tile.x}/${tile.y}.mvt`;
      const direct = () => plumeTile(db, {}, ANONYMOUS, tile, { encoder: 'postgis', limit: TILE_FEATURE_LIMIT.plumes });
      const bytes = await direct();
      const n = bytes.length ? (new VectorTile(new PbfReader(bytes)).layers.plumes?.length ?? 0) : 0;
      const httpTimes: number[] = [];
      const identityTimes: number[] = [];
      const sqlTimes: number[] = [];
      for (let i = 0; i < SAMPLES + 5; i += 1) {
        const overHttp = await timed(async () => {
          const response = await get(`${base}/api/v1/layers/plumes/uncached/${path}`, headers);
          if (response.status !== 200) throw new Error(`uncached tile ${path} answered ${response.status}`);
        });
        const identity = await timed(async () => {
          const response = await get(`${base}/api/v1/layers/plumes/uncached/${path}`, { authorization: headers.authorization });
          if (response.status !== 200) throw new Error(`uncached tile ${path} answered ${response.status}`);
        });
        const bare = await timed(direct);
        if (i >= 5) {
          identityTimes.push(identity);
          httpTimes.push(overHttp);
          sqlTimes.push(bare);
        }
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
        if ((await get(cachedUrl, { 'accept-encoding': 'gzip' })).status !== 200) throw new Error(`cached tile ${path} did not answer 200`);
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
          },
          cached: { appRps: appLoad.requestsPerSecond, bareRps: bareLoad.requestsPerSecond, ratio: appLoad.requestsPerSecond / bareLoad.requestsPerSecond, p50: appLoad.p50, p99: appLoad.p99 },
        });
      } finally {
        await bareApp.close();
      }
    }
    return { plumes: count, scenes: loaded.scenes, loadSeconds, tiles: results };
  } finally {
    await app.close();
  }
}

export function printTiles(r: Awaited<ReturnType<typeof benchTiles>>) {
  console.log(`\nPlume vector tiles on ${r.plumes} demo plumes in ${r.scenes} scenes (PostgreSQL; loaded in ${r.loadSeconds.toFixed(0)} s), over the Permian Basin`);
  for (const t of r.tiles) {
    console.log(`z${t.tile}: ${t.plumesInTile} plumes drawn (published, in the tile and its buffer; at most ${TILE_FEATURE_LIMIT.plumes}), ${(t.bytes / 1024).toFixed(0)} KiB (${(t.gzippedBytes / 1024).toFixed(0)} KiB gzipped)`);
    console.log(`  uncached: median ${t.uncached.identityMedianMs.toFixed(2)} ms over HTTP vs ${t.uncached.sqlMedianMs.toFixed(2)} ms for the same ST_AsMVT SQL; ratio ${t.uncached.identityRatio.toFixed(2)} (target ≤ 1.3: ${t.uncached.identityRatio <= 1.3 ? 'met' : 'NOT met'})`);
    console.log(`            gzip accepted (the server compresses every uncached tile): median ${t.uncached.httpMedianMs.toFixed(2)} ms; ratio ${t.uncached.ratio.toFixed(2)}`);
    console.log(`  cached:   ${t.cached.appRps.toFixed(0)} req/s (p50 ${t.cached.p50} ms, p99 ${t.cached.p99} ms) vs bare route ${t.cached.bareRps.toFixed(0)} req/s; ratio ${t.cached.ratio.toFixed(2)} (target ≥ 0.5: ${t.cached.ratio >= 0.5 ? 'met' : 'NOT met'})`);
  }
}
