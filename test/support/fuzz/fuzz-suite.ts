import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test-app.js';
import { problemWith } from './error-shapes.js';
import { holdsNonFiniteNumber } from './non-finite.js';
import { preview } from './raw-json.js';
import { requestArbitrary, type FuzzRequest, type FuzzWorld } from './requests.js';
import { documentedRoutes, familyOf, inFuzzOrder, type FuzzRoute } from './routes.js';

/** Fixed, so CI runs the same requests every time; FUZZ_SEED / FUZZ_RUNS explore further by hand. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
const FUZZ_RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : undefined;

// Budgets high enough that generated traffic is never throttled (a 429 would hide the route), and no
// webhook deliveries to generated URLs.
const FUZZ_ENV = {
  RATE_LIMIT_STANDARD: '10000000',
  RATE_LIMIT_ENTERPRISE: '10000000',
  RATE_LIMIT_ANONYMOUS: '10000000',
  RATE_LIMIT_CREDENTIALS: '10000000',
  RATE_LIMIT_MAIL_PER_RECIPIENT: '10000000',
  WEBHOOK_WORKERS: '0',
  PUBLIC_URL: 'https://atlas.example.org',
};

const READS_AFTER_WRITES = 10;

export interface Failure {
  route: string;
  problem: string;
  request: FuzzRequest;
  body: string;
}

/** Each route's own seed: adding a route elsewhere does not change the requests sent to this one. */
function seedOf(route: FuzzRoute, salt: string): number {
  let hash = FUZZ_SEED;
  for (const char of `${salt}${route.method} ${route.path}`) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

const sizeOf = (request: FuzzRequest) => request.url.length + (request.payload?.length ?? 0);

/** Sends `runs` generated requests to a route; returns each distinct failure once, with its smallest request. */
export async function fuzzRoute(ctx: TestContext, route: FuzzRoute, world: FuzzWorld, runs: number, stage = ''): Promise<Failure[]> {
  const requests = fc.sample(requestArbitrary(route, world), { numRuns: FUZZ_RUNS ?? runs, seed: seedOf(route, stage) });
  const failures = new Map<string, Failure>();
  const statuses: Record<number, number> = {};
  for (const request of requests) {
    const { method, url, headers, payload } = request;
    const response = await ctx.app.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
    statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
    const accepted = response.statusCode < 300 && holdsNonFiniteNumber(payload, headers['content-type']);
    const problem = problemWith(familyOf(url), response) ?? (accepted ? `answered ${response.statusCode} to a JSON number that is not finite` : undefined);
    if (!problem) continue;
    const key = `${request.kind} → ${problem}`;
    const known = failures.get(key);
    if (!known || sizeOf(request) < sizeOf(known.request)) failures.set(key, { route: `${route.method} ${route.path}${stage}`, problem, request, body: response.body });
  }
  // FUZZ_STATS=1 shows how deep the requests went (all 401s or 422s would be a shallow fuzz).
  if (process.env.FUZZ_STATS) console.log(`${route.method} ${route.path}${stage}`, JSON.stringify(statuses));
  // FUZZ_REPORT=<file> keeps every distinct failure as a JSON line, to compare runs or list them.
  if (process.env.FUZZ_REPORT) for (const failure of failures.values()) appendFileSync(process.env.FUZZ_REPORT, `${JSON.stringify(failure)}\n`);
  return [...failures.values()];
}

export function formatFailure(failure: Failure): string {
  const { request } = failure;
  const headers = Object.entries(request.headers)
    .filter(([name]) => name !== 'authorization' || !request.headers[name]!.startsWith('Bearer '))
    .map(([name, value]) => `${name}: ${preview(value, 80)}`);
  return [
    `${failure.route}: ${failure.problem} — ${request.label}`,
    `  ${request.method} ${preview(request.url, 200)}${request.headers.authorization ? '' : ' (anonymous)'}`,
    ...headers.map((line) => `  ${line}`),
    ...(request.payload !== undefined ? [`  body: ${preview(request.payload, 300)}`] : []),
    `  answer: ${preview(failure.body, 300)}`,
  ].join('\n');
}

export interface FuzzModuleOptions {
  /** The module's name in test titles. */
  name: string;
  /** Which documented routes belong to the module. */
  select: (route: FuzzRoute) => boolean;
  /** Seeds data the requests can aim at; returns ids and credentials of the organization that owns it. */
  world: (ctx: TestContext) => Promise<FuzzWorld>;
  /** Requests per route: bounded so every module file stays under a minute on the embedded database. */
  runs: number;
  env?: Record<string, string>;
}

/**
 * One test per route of the module: generated requests (from the route's schemas, then mutated)
 * never get a 5xx, and every 4xx answers in the route's family error shape. Awaited at the top of
 * a test file, since the routes are read from the app's OpenAPI.
 */
export async function fuzzModule(options: FuzzModuleOptions) {
  const ctx = await createTestContext({ ...FUZZ_ENV, ...options.env });
  const world = await options.world(ctx);
  const routes = inFuzzOrder(documentedRoutes(ctx.app).filter(options.select));

  describe(`${options.name} under generated and mutated requests`, () => {
    afterAll(() => ctx.close());

    it('covers at least one route', () => expect(routes.length).toBeGreaterThan(0));

    for (const route of routes) {
      it(`${route.method} ${route.path} never answers 5xx and errors as ${route.family} does`, async () => {
        const failures = await fuzzRoute(ctx, route, world, options.runs);
        expect(failures.map(formatFailure).join('\n\n')).toBe('');
      });
    }

    // A write the server accepted may still break later reads (a factor stored as Infinity, sums
    // that overflow): every read is asked again once all the generated writes are in.
    it('reads still answer without 5xx after the generated writes', async () => {
      const reads = routes.filter((route) => route.method === 'GET');
      const failures: Failure[] = [];
      for (const route of reads) failures.push(...(await fuzzRoute(ctx, route, world, READS_AFTER_WRITES, ' (after the generated writes)')));
      expect(failures.map(formatFailure).join('\n\n')).toBe('');
    });
  });
}
