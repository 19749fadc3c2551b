import { describe, expect, it } from 'vitest';
import { RequestMetrics } from './request-metrics.js';

describe('RequestMetrics', () => {
  it('writes a counter and a cumulative histogram per method, route and status', () => {
    const metrics = new RequestMetrics();
    metrics.record('GET', '/v1/facilities', 200, 0.003);
    metrics.record('GET', '/v1/facilities', 200, 0.02);
    metrics.record('GET', '/v1/facilities', 200, 45);
    metrics.record('POST', '/v1/facilities', 422, 0.005);
    const lines = metrics.exposition().split('\n');
    const labels = 'method="GET",route="/v1/facilities",status="200"';
    expect(lines).toContain('# TYPE carbon_atlas_http_requests_total counter');
    expect(lines).toContain(`carbon_atlas_http_requests_total{${labels}} 3`);
    expect(lines).toContain('carbon_atlas_http_requests_total{method="POST",route="/v1/facilities",status="422"} 1');
    expect(lines).toContain('# TYPE carbon_atlas_http_request_duration_seconds histogram');
    expect(lines).toContain(`carbon_atlas_http_request_duration_seconds_bucket{le="0.005",${labels}} 1`);
    expect(lines).toContain(`carbon_atlas_http_request_duration_seconds_bucket{le="0.01",${labels}} 1`);
    expect(lines).toContain(`carbon_atlas_http_request_duration_seconds_bucket{le="0.025",${labels}} 2`);
    expect(lines).toContain(`carbon_atlas_http_request_duration_seconds_bucket{le="30",${labels}} 2`);
    expect(lines).toContain(`carbon_atlas_http_request_duration_seconds_bucket{le="+Inf",${labels}} 3`);
    expect(lines).toContain(`carbon_atlas_http_request_duration_seconds_sum{${labels}} 45.023`);
    expect(lines).toContain(`carbon_atlas_http_request_duration_seconds_count{${labels}} 3`);
    // A value on a bound falls in that bucket (le: less than or equal).
    expect(lines).toContain('carbon_atlas_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/v1/facilities",status="422"} 1');
  });

  it('escapes label values as the text format requires', () => {
    const metrics = new RequestMetrics();
    metrics.record('GET', 'a"b\\c\nd', 404, 0.001);
    expect(metrics.exposition()).toContain('carbon_atlas_http_requests_total{method="GET",route="a\\"b\\\\c\\nd",status="404"} 1');
  });

  it('writes the families with no series before the first request', () => {
    expect(new RequestMetrics().exposition()).toBe(
      '# HELP carbon_atlas_http_requests_total HTTP requests answered\n# TYPE carbon_atlas_http_requests_total counter\n\n' +
        '# HELP carbon_atlas_http_request_duration_seconds Time to answer, by route and status\n# TYPE carbon_atlas_http_request_duration_seconds histogram\n',
    );
  });
});
