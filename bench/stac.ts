import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import sql from 'sql-template-tag';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { migrate } from '../src/platform/db/migrate.js';
import { openDatabase } from '../src/platform/db/open-database.js';
import { loadDemoCatalog } from '../src/modules/catalog/demo/demo.service.js';
import { ANONYMOUS } from '../src/modules/catalog/plume-filter.js';
import { countItems, searchItems } from '../src/modules/catalog/stac.service.js';
import { EXACT_COUNT_LIMIT } from '../src/modules/stac/search-page.js';
import { toSearch } from '../src/modules/stac/search-request.js';
import { benchEnv, type Backend } from './backends.js';
import { jsonOf, rawGet } from './raw-get.js';

// The Permian and San Joaquin window of the catalog bench, one year, and one CQL2 property filter.
const BBOX = '-120,31,-101,36';
const DATETIME = '2021-01-01T00:00:00Z/2021-12-31T23:59:59Z';
const FILTER = 'cm:emission > 500';
const ROUNDS = Number(process.env.BENCH_STAC_ROUNDS ?? 120);
const WARMUP = Math.min(20, Math.floor(ROUNDS / 6));
const NEXT_ROUNDS = 40;
/** What STAC clients send (pystac-client through requests, GDAL through curl): the server gzips each page. */
const GZIP = { 'accept-encoding': 'gzip, deflate' };

function quantile(values: number[], q: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

const median = (values: number[]) => quantile(values, 0.5);

async function timed<T>(work: () => Promise<T>) {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

/**
 * Times of a bare route answering `body` to the same client, ROUNDS - WARMUP of each: as it is (the
 * verdict's encoding, decision 0040) and gzipped at level 3 as cors-and-compression.ts does, the
 * two taking turns as the measured requests do.
 */
async function httpFloor(body: Buffer) {
  const gzipped = gzipSync(Buffer.from(body), { level: 3 });
  const bare = Fastify({ logger: false });
  bare.get('/floor', async (request, reply) => {
    reply.type('application/geo+json');
    return String(request.headers['accept-encoding'] ?? '').includes('gzip') ? reply.header('content-encoding', 'gzip').send(gzipped) : reply.send(body);
  });
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}/floor`;
  try {
    const times = { identity: [] as number[], gzip: [] as number[] };
    for (let i = 0; i < ROUNDS; i += 1) {
      const order = i % 2 ? (['gzip', 'identity'] as const) : (['identity', 'gzip'] as const);
      for (const encoding of order) {
        const answer = await timed(() => rawGet(url, encoding === 'gzip' ? GZIP : {}));
        if ((answer.result.encoding ?? 'identity') !== encoding) throw new Error(`the floor answered ${answer.result.encoding} to ${encoding}`);
        if (i >= WARMUP) times[encoding].push(answer.ms);
      }
    }
    return times;
  } finally {
    await bare.close();
  }
}

/**
 * On `count` demo plumes in PostgreSQL: STAC search (bbox + datetime + CQL2 filter) at limit 10
 * and 100 over HTTP, against the same two statements (page and count) run directly through the
 * same service functions: the cost of parsing, paging tokens, signing and serialising items.
 */
export async function benchStac(backend: Backend, count: number) {
  const config = loadConfig(benchEnv(backend));
  const db = await openDatabase(config);
  await migrate(db);
  // A reused database (BENCH_STAC_REUSE_URL) already holding the plumes is searched as it is.
  const [held] = await db.query<{ n: string }>(sql`SELECT count(*) AS n FROM plumes`);
  const load = Number(held?.n ?? 0) >= count ? { ms: 0 } : await timed(() => loadDemoCatalog(db, { plumes: count }));
  await db.query(sql`ANALYZE plumes`);
  await db.query(sql`ANALYZE scenes`);
  const app = await buildApp({ config, db, jwtSecret: new TextEncoder().encode(config.JWT_SECRET!), logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  try {
    const results = [];
    for (const limit of [10, 100]) {
      const url = `${base}/api/v1/stac/search?limit=${limit}&bbox=${BBOX}&datetime=${encodeURIComponent(DATETIME)}&filter=${encodeURIComponent(FILTER)}`;
      const search = toSearch({ limit, bbox: BBOX.split(',').map(Number), datetime: DATETIME, filter: FILTER, 'filter-lang': 'cql2-text' });
      const apiTimes: number[] = [];
      const identityTimes: number[] = [];
      const sqlTimes: number[] = [];
      let matched = 0;
      let returned = 0;
      for (let i = 0; i < ROUNDS; i += 1) {
        // Whichever request follows the direct statements pays ~1 ms more (their rows' garbage, the
        // pool's connections just handed back): the two encodings take turns going first.
        const gzipFirst = i % 2 === 0;
        const first = await timed(() => rawGet(url, gzipFirst ? GZIP : {}));
        const second = await timed(() => rawGet(url, gzipFirst ? {} : GZIP));
        const [api, identity] = gzipFirst ? [first, second] : [second, first];
        const direct = await timed(() => Promise.all([searchItems(db, ANONYMOUS, search), countItems(db, ANONYMOUS, search, EXACT_COUNT_LIMIT)]));
        const answer = jsonOf<{ numberMatched: number; numberReturned: number }>(api.result);
        if (api.result.status !== 200 || identity.result.status !== 200 || api.result.encoding !== 'gzip' || identity.result.encoding !== undefined) throw new Error('the search did not answer 200 (gzipped when asked, else not encoded)');
        matched = answer.numberMatched;
        returned = answer.numberReturned;
        if (direct.result[0].length !== Math.min(limit + 1, direct.result[1])) throw new Error('the direct query and the API disagree');
        if (i >= WARMUP) {
          apiTimes.push(api.ms);
          identityTimes.push(identity.ms);
          sqlTimes.push(direct.ms);
        }
      }
      // The floor any answer of this size costs over this client: a bare Fastify route sending the
      // same body, as it is and gzipped at the app's level, read by the same client.
      const floorTimes = await httpFloor((await rawGet(url)).body);
      // The second page through the first page's next link: it carries the count (decision 0026).
      const first = jsonOf<{ links: { rel: string; href: string }[] }>(await rawGet(url));
      const nextUrl = first.links.find((link) => link.rel === 'next')?.href;
      const nextTimes: number[] = [];
      for (let i = 0; nextUrl && i < NEXT_ROUNDS; i += 1) nextTimes.push((await timed(() => rawGet(nextUrl, GZIP))).ms);
      results.push({
        limit, matched, returned, apiMedianMs: median(apiTimes), apiP99Ms: quantile(apiTimes, 0.99), sqlMedianMs: median(sqlTimes), ratio: median(apiTimes) / median(sqlTimes),
        identityMedianMs: median(identityTimes), identityP99Ms: quantile(identityTimes, 0.99), identityRatio: median(identityTimes) / median(sqlTimes),
        floorMedianMs: median(floorTimes.identity),
        gzipFloorMedianMs: median(floorTimes.gzip),
        nextMedianMs: nextTimes.length ? median(nextTimes) : undefined, nextP99Ms: nextTimes.length ? quantile(nextTimes, 0.99) : undefined,
      });
    }
    return { plumes: count, loadSeconds: load.ms / 1000, searches: results };
  } finally {
    await app.close();
  }
}

export function printStac(r: Awaited<ReturnType<typeof benchStac>>) {
  console.log(`\nSTAC search on ${r.plumes} demo plumes (PostgreSQL; loaded in ${r.loadSeconds.toFixed(0)} s): bbox + datetime + CQL2 "${FILTER}"`);
  for (const s of r.searches) {
    // The target's figure compresses nothing, as the SQL it is compared with (decision 0040).
    console.log(
      `limit=${s.limit} (${s.matched} match, ${s.returned} returned): median ${s.identityMedianMs.toFixed(2)} ms (p99 ${s.identityP99Ms.toFixed(2)} ms) over HTTP without compression, vs ${s.sqlMedianMs.toFixed(2)} ms for the same SQL; ratio ${s.identityRatio.toFixed(2)} (target ≤ 1.3: ${s.identityRatio <= 1.3 ? 'met' : 'NOT met'}); pgstac's 100 items in 58 ms: ${s.identityMedianMs < 58 ? 'under' : 'NOT under'}`,
    );
    console.log(`  gzip accepted (as pystac-client asks; on loopback compression costs time and saves none): median ${s.apiMedianMs.toFixed(2)} ms (p99 ${s.apiP99Ms.toFixed(2)} ms), ratio ${s.ratio.toFixed(2)} (${s.ratio <= 1.3 ? 'within' : 'over'} 1.3)`);
    console.log(`  HTTP floor (a bare route sending the same body, same client): median ${s.floorMedianMs.toFixed(2)} ms uncompressed, ${s.gzipFloorMedianMs.toFixed(2)} ms gzipped; the SQL plus the floor is ${((s.sqlMedianMs + s.floorMedianMs) / s.sqlMedianMs).toFixed(2)}× the SQL (${((s.sqlMedianMs + s.gzipFloorMedianMs) / s.sqlMedianMs).toFixed(2)}× gzipped)`);
    if (s.nextMedianMs !== undefined) console.log(`  next page (count carried in the token): median ${s.nextMedianMs.toFixed(2)} ms, p99 ${s.nextP99Ms!.toFixed(2)} ms`);
  }
}
