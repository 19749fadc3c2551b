import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { CONSOLE_CSP } from './console.routes.js';

let ctx: TestContext;
let buildDir: string;
const INDEX = '<!doctype html><title>Carbon Atlas</title><script type="module" src="/static/index-abc123.js"></script>';

beforeAll(async () => {
  // A stand-in build, so this test does not depend on `npm run build:console` having run.
  buildDir = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-console-'));
  await mkdir(path.join(buildDir, 'static'));
  await writeFile(path.join(buildDir, 'index.html'), INDEX);
  await writeFile(path.join(buildDir, 'static', 'index-abc123.js'), 'console.log("console");');
  // The real anonymous budget (60 a minute), so the static assets' own budget is what is tested.
  ctx = await createTestContext({ CONSOLE_DIR: buildDir, RATE_LIMIT_ANONYMOUS: '60' });
});
afterAll(async () => {
  await ctx?.close();
  await rm(buildDir, { recursive: true, force: true });
});

describe('the web console', () => {
  it('GET / answers the console page, revalidated on every visit, under a policy that lets MapLibre run and contacts nothing else', async () => {
    const home = await ctx.request({ method: 'GET', url: '/' });
    expect(home.statusCode).toBe(200);
    expect(home.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(home.body).toBe(INDEX);
    expect(home.headers['cache-control']).toBe('no-cache');
    const csp = String(home.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).toContain('worker-src');
    expect(csp).not.toContain('unsafe');
    const openapi = (await ctx.request({ method: 'GET', url: '/openapi.json' })).json();
    expect(openapi.paths['/'].get.operationId).toBe('home');
  });

  it("the console's own addresses answer the same page, so a shared link opens the screen it names", async () => {
    for (const url of ['/map?sectors=1B2&datetime=2024-01-01/2024-06-30', '/sign-in', '/emissions', '/emissions/records', '/registry', '/facilities/123']) {
      const page = await ctx.request({ method: 'GET', url });
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).toBe(INDEX);
    }
  });

  it('hashed assets are public and cached for a year; a missing one is a 404', async () => {
    const script = await ctx.request({ method: 'GET', url: '/static/index-abc123.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('javascript');
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // Scripts may start workers, which take this response's policy (not the page's): the console's, so they can fetch tiles.
    expect(script.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect((await ctx.request({ method: 'GET', url: '/static/index-missing.js' })).statusCode).toBe(404);
    expect((await ctx.request({ method: 'GET', url: '/static/../index.html' })).statusCode).toBe(404);
  });

  it('a first visit loading many chunks at once is not refused by the anonymous API budget', async () => {
    const answers = await Promise.all(Array.from({ length: 80 }, () => ctx.request({ method: 'GET', url: '/static/index-abc123.js' })));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(80).fill(200));
  });

  it('unknown API paths keep their JSON 404 instead of the console page', async () => {
    for (const url of ['/v1/no-such-thing', '/v2/no-such-thing', '/api/v1/no-such-thing', '/openapi.yaml.bak', '/metricsx', '/no-such-page', '/registry/chain/verif', '/registry/chain/verify/x']) {
      const response = await ctx.request({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toContain('application/json');
      expect(response.body, url).not.toContain('<!doctype html>');
    }
  });

  it('the API answers as before beside the console (auth still required where it was)', async () => {
    expect((await ctx.request({ method: 'GET', url: '/v1/whoami' })).statusCode).toBe(401);
    expect((await ctx.request({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
