import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';

interface ExportedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}

// A stand-in OpenTelemetry collector: it keeps every span the server exports over OTLP/HTTP (JSON).
const received: ExportedSpan[] = [];
const collector = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    if (request.url === '/v1/traces') {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans: { scopeSpans: { spans: ExportedSpan[] }[] }[] };
      for (const resource of body.resourceSpans) for (const scope of resource.scopeSpans) received.push(...scope.spans);
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});

let ctx: TestContext;
beforeAll(async () => {
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const { port } = collector.address() as AddressInfo;
  process.env.OTEL_BSP_SCHEDULE_DELAY = '100';
  ctx = await createTestContext({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });
});
afterAll(async () => {
  await ctx?.close();
  collector.close();
  // Test files share a worker process (vitest isolate: false): leave no tracing behind for the next one.
  delete process.env.OTEL_BSP_SCHEDULE_DELAY;
  trace.disable();
  context.disable();
  propagation.disable();
});

const attribute = (span: ExportedSpan, key: string) => Object.values(span.attributes.find((entry) => entry.key === key)?.value ?? {})[0];

describe('OpenTelemetry traces', () => {
  it('exports a span per request with its route and status, and the statements it ran as children', async () => {
    const key = await (await ctx.organization('Traced Org')).key();
    expect((await ctx.request({ method: 'GET', url: '/v1/facilities?size=5', key })).statusCode).toBe(200);
    await ctx.request({ method: 'GET', url: '/healthz' });
    for (let i = 0; i < 50 && !received.some((span) => attribute(span, 'http.route') === '/v1/facilities'); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    const requestSpan = received.find((span) => attribute(span, 'http.route') === '/v1/facilities');
    expect(requestSpan).toBeDefined();
    expect(attribute(requestSpan!, 'http.response.status_code')).toEqual(200);
    const statements = received.filter((span) => span.name === 'db.query' && span.traceId === requestSpan!.traceId);
    expect(statements.length).toBeGreaterThan(0);
    expect(String(attribute(statements[0]!, 'db.statement'))).toMatch(/SELECT/i);
    // Statement text is parameterised: no values (the key's digest, the organization id) travel with it.
    expect(statements.map((span) => String(attribute(span, 'db.statement'))).join(' ')).not.toContain(key);
    expect(received.some((span) => attribute(span, 'url.path') === '/healthz' || attribute(span, 'http.route') === '/healthz')).toBe(false);
  });

  it('redacts credentials in the query string of the path it records', async () => {
    await ctx.request({ method: 'GET', url: '/account/verify?uidb64=MQ&token=secret-link-token' });
    for (let i = 0; i < 50 && !received.some((span) => String(attribute(span, 'url.path')).startsWith('/account/verify')); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    const paths = received.map((span) => String(attribute(span, 'url.path')));
    expect(paths).toContain('/account/verify?uidb64=MQ&token=[REDACTED]');
    expect(paths.join(' ')).not.toContain('secret-link-token');
  });
});
