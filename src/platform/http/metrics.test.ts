import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { scraperAllowed } from './metrics.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ RATE_LIMIT_ANONYMOUS: '3' });
});
afterAll(() => ctx?.close());

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text.split('\n').find((row) => row.startsWith(`${name}{`) && wanted.every((label) => row.includes(label)));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('GET /metrics', () => {
  it('counts requests by route and status, times them, and counts rate-limit refusals', async () => {
    const org = await ctx.organization('Metrics Org');
    const key = await org.key();
    await ctx.request({ method: 'GET', url: '/v1/facilities', key });
    await ctx.request({ method: 'GET', url: '/v1/facilities', key });
    // The anonymous budget is 3 a minute: the fourth call from this address is refused.
    for (let i = 0; i < 4; i++) await ctx.request({ method: 'GET', url: '/api/v1/catalog/plumes/annotated', remoteAddress: '203.0.113.9' });
    const response = await ctx.request({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(sample(text, 'carbon_atlas_http_requests_total', { route: '/v1/facilities', status: '200', method: 'GET' })).toBe(2);
    expect(sample(text, 'carbon_atlas_http_request_duration_seconds_count', { route: '/v1/facilities', status: '200' })).toBe(2);
    expect(sample(text, 'carbon_atlas_http_request_duration_seconds_bucket', { le: '+Inf', route: '/v1/facilities', status: '200' })).toBe(2);
    expect(sample(text, 'carbon_atlas_http_request_duration_seconds_sum', { route: '/v1/facilities', status: '200' })).toBeGreaterThan(0);
    expect(sample(text, 'carbon_atlas_http_requests_total', { route: '/api/v1/catalog/plumes/annotated', status: '429' })).toBe(1);
    // Every family once: the request families written beside prom-client's registry do not repeat a name.
    const families = text.split('\n').filter((line) => line.startsWith('# TYPE ')).map((line) => line.split(' ')[2]);
    expect(new Set(families).size).toBe(families.length);
    expect(sample(text, 'carbon_atlas_rate_limit_refusals_total', { route: '/api/v1/catalog/plumes/annotated' })).toBe(1);
  });

  it('reports the database pool, job queues and webhook deliveries', async () => {
    const text = (await ctx.request({ method: 'GET', url: '/metrics', remoteAddress: '::1' })).body;
    expect(sample(text, 'carbon_atlas_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(text).toContain('# TYPE carbon_atlas_job_queue_depth gauge');
    expect(text).toContain('# TYPE carbon_atlas_webhook_deliveries gauge');
    expect(text).toContain('carbon_atlas_process_resident_memory_bytes');
  });
});

describe('who may scrape', () => {
  it('answers another machine as if there were no such route, unless it presents METRICS_TOKEN', async () => {
    expect((await ctx.request({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.12' })).statusCode).toBe(404);
    expect(scraperAllowed(undefined, '127.0.0.1', undefined)).toBe(true);
    expect(scraperAllowed(undefined, '10.0.0.5', undefined)).toBe(false);
    expect(scraperAllowed('Bearer prometheus-scrape-secret', '10.0.0.5', 'prometheus-scrape-secret')).toBe(true);
    expect(scraperAllowed('Bearer wrong-secret-of-same-len', '10.0.0.5', 'prometheus-scrape-secret')).toBe(false);
    expect(scraperAllowed(undefined, '127.0.0.1', 'prometheus-scrape-secret')).toBe(false);
  });
});
