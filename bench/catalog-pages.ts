import { performance } from 'node:perf_hooks';
import sql from 'sql-template-tag';
import type { Queryable } from '../src/platform/db/database.js';
import * as identity from '../src/platform/identity/identity.service.js';
import { BROWSER_ENCODINGS, jsonOf, rawGet, textOf } from './raw-get.js';

/**
 * The catalog page targets of issue 21, measured over HTTP. Every request differs from the one
 * before (the box moves, or the offset), so no response cache or repeated-plan luck answers it,
 * the way a map client panning over a basin asks.
 */
export interface PageScenario {
  name: string;
  targetMs: number;
  path: (i: number) => string;
  /** Sent with an organization's key (the scenes list is not public); the plume pages are read anonymously, as the public map reads them. */
  signedIn?: boolean;
}

const YEAR_2021 = 'datetime=2021-01-01T00:00:00Z/2021-12-31T23:59:59Z';

/** A box around the Permian and San Joaquin windows that moves by up to half a degree each request. */
function movingBox(i: number) {
  const shift = ((i * 37) % 100) / 200; // 0 … 0.495°, deterministic
  const west = -120 + shift;
  const south = 31 + shift / 2;
  return [west, south, west + 19, south + 5].map((v) => `bbox=${v.toFixed(3)}`).join('&');
}

export const PAGE_SCENARIOS: PageScenario[] = [
  { name: 'annotated bbox + datetime + sector', targetMs: 15, path: (i) => `/api/v1/catalog/plumes/annotated?${movingBox(i)}&${YEAR_2021}&sectors=1B2&limit=100` },
  // No filter: the offset moves by a row each request, so each answer is another page.
  { name: 'annotated, no filter', targetMs: 25, path: (i) => `/api/v1/catalog/plumes/annotated?limit=100&offset=${i % 100}` },
  {
    name: 'annotated, every filter',
    targetMs: 25,
    path: (i) =>
      `/api/v1/catalog/plumes/annotated?${movingBox(i)}&${YEAR_2021}&sectors=1B2&sectors=6A&plume_gas=CH4&instruments=GAO&instruments=av3&instruments=tan&qualities=good&qualities=questionable&emission_min=${10 + (i % 50)}&emission_max=100000&has_phme=false&limit=100`,
  },
  { name: 'annotated, offset 30,000', targetMs: 30, path: (i) => `/api/v1/catalog/plumes/annotated?limit=100&offset=${30_000 + i}` },
  { name: 'scenes list, bbox + datetime', targetMs: 25, path: (i) => `/api/v1/catalog/scenes?${movingBox(i)}&${YEAR_2021}&limit=100`, signedIn: true },
];

export interface PageFigures {
  name: string;
  targetMs: number;
  medianMs: number;
  p99Ms: number;
  ratio: number;
  bboxCount?: number;
  totalCount?: number;
}

function quantile(values: number[], q: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

/** An organization's read key for the scenes list, made once per database. */
export async function benchReader(db: Queryable) {
  const organization = await identity.createOrganization(db, { name: `Catalog bench ${Date.now()}`, tier: 'enterprise' });
  const { secret } = await identity.createApiKey(db, { organizationId: organization.id, name: 'bench', scopes: ['catalog:read'], tier: 'enterprise' });
  return secret;
}

const REQUESTS = Number(process.env.BENCH_PAGE_REQUESTS ?? 100);
/**
 * Each page is asked for as a browser asks (BROWSER_ENCODINGS), timed to its last byte and decoded
 * after the timing, as every bench reads since decision 0038: decoding and parsing 265 KiB on this
 * process's event loop, the server's own, is the client's work.
 */
export async function measurePages(base: string, apiKey: string, requests = REQUESTS, warmUp = Math.max(3, Math.round(REQUESTS / 10))): Promise<PageFigures[]> {
  const figures: PageFigures[] = [];
  for (const scenario of PAGE_SCENARIOS) {
    const times: number[] = [];
    let counts: { bbox_count?: number; total_count?: number } = {};
    for (let i = 0; i < warmUp + requests; i += 1) {
      const headers = { ...BROWSER_ENCODINGS, ...(scenario.signedIn ? { authorization: `Bearer ${apiKey}` } : {}) };
      const started = performance.now();
      const answer = await rawGet(base + scenario.path(i), headers);
      const ms = performance.now() - started;
      if (answer.status !== 200) throw new Error(`${scenario.name}: HTTP ${answer.status} ${textOf(answer).slice(0, 300)}`);
      if (i >= warmUp) times.push(ms);
      // Every page decoded (after its timing), so a truncated or malformed answer fails the bench.
      const body = jsonOf<{ bbox_count?: number; total_count?: number }>(answer);
      if (i === 0) counts = body;
    }
    const medianMs = quantile(times, 0.5);
    figures.push({ name: scenario.name, targetMs: scenario.targetMs, medianMs, p99Ms: quantile(times, 0.99), ratio: medianMs / scenario.targetMs, bboxCount: counts.bbox_count, totalCount: counts.total_count });
  }
  return figures;
}

/**
 * The first scenario's counts against plain count(*) over the table, written without any of the
 * catalog's query code: exact counts are part of the target.
 */
export async function checkCounts(db: Queryable, figures: PageFigures[]) {
  const [row] = await db.query<{ total: number; in_bbox: number }>(sql`
    SELECT count(*)::int AS total,
      count(*) FILTER (WHERE ST_X(geometry) BETWEEN -120 AND -101 AND ST_Y(geometry) BETWEEN 31 AND 36)::int AS in_bbox
    FROM plumes WHERE status = 'published' AND sector = '1B2'
      AND "datetime" >= '2021-01-01T00:00:00Z' AND "datetime" < '2021-12-31T23:59:59.001Z'`);
  const first = figures[0]!;
  const exact = first.bboxCount === row!.in_bbox && first.totalCount === row!.total;
  if (!exact) throw new Error(`counts differ from count(*): API ${first.bboxCount}/${first.totalCount}, SQL ${row!.in_bbox}/${row!.total}`);
  return row!;
}

export function printPages(label: string, figures: PageFigures[]) {
  console.log(`\nCatalog pages — ${label} (median and p99 over HTTP, each request another box or offset)`);
  for (const f of figures) {
    const counts = f.bboxCount === undefined ? '' : `; bbox_count ${f.bboxCount}, total_count ${f.totalCount}`;
    console.log(`${f.name.padEnd(36)} median ${f.medianMs.toFixed(1).padStart(7)} ms  p99 ${f.p99Ms.toFixed(1).padStart(7)} ms  ratio to ${f.targetMs} ms ${f.ratio.toFixed(2)} (${f.ratio <= 1 ? 'met' : 'NOT met'})${counts}`);
  }
}
