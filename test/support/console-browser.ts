import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { seedDemoData, type SeedResult } from '../../src/seed.js';
import { configuredBlobStore } from '../../src/platform/storage/configured-blob-store.js';
import { createTestContext, type TestContext } from './test-app.js';
import { BUILT_CONSOLE } from './built-console.js';

/** Debian's chromium (installed by .ci/run when missing); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of every screen the tests visit land here (gitignored); docs/screenshots/ keeps one of each. */
export const ARTIFACTS = path.resolve('test-artifacts/console');

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Without a GPU, WebGL (MapLibre) runs on SwiftShader; recent Chromium asks for the opt-in.
  '--enable-unsafe-swiftshader',
];

export interface ConsoleHarness {
  /** http://127.0.0.1:<port> of a server started in this process on the embedded database with demo data. */
  baseUrl: string;
  ctx: TestContext;
  demo: SeedResult;
  browser: Browser;
  /** A fresh browser context (own storage), its page, and the console errors seen on it. */
  newPage(): Promise<{ context: BrowserContext; page: Page; errors: string[] }>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * One server and one browser per test file. The server is the real app, listening on port 0,
 * seeded as `npm run demo` seeds; the browser is headless Chromium with a throw-away profile
 * (Playwright's launch() makes a temporary user-data-dir and removes it on close).
 */
export async function startConsoleHarness(): Promise<ConsoleHarness> {
  const ctx = await createTestContext({ CONSOLE_DIR: BUILT_CONSOLE });
  // With the asset store, as `npm run demo` seeds: the plume panel's raster overlay has its tiles.
  const demo = await seedDemoData(ctx.db, undefined, { assets: configuredBlobStore(ctx.config) });
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  await mkdir(ARTIFACTS, { recursive: true });
  return {
    baseUrl,
    ctx,
    demo,
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, baseURL: baseUrl });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        // An Error object logged by minified code prints as its class name: ask the page for its message too.
        const [first] = message.args();
        const entry = `console: ${message.text()}`;
        errors.push(entry);
        void first
          ?.evaluate((value: unknown) => (value instanceof Error ? `${value.name}: ${value.message}` : String(value)))
          .then((detail) => {
            const at = errors.indexOf(entry);
            if (at !== -1) errors[at] = `${entry} (${detail})`;
          })
          .catch(() => undefined);
      });
      page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
      return { context, page, errors };
    },
    async screenshot(page, name) {
      await writeFile(path.join(ARTIFACTS, `${name}.png`), await page.screenshot({ fullPage: false }));
    },
    async close() {
      await browser.close();
      await ctx.close();
    },
  };
}

interface TimingEntry {
  name: string;
  startTime: number;
  responseEnd?: number;
}

/**
 * Where the first view's time went, in ms since navigation: the console's `map:*` performance marks
 * (preload, code, style, first-plume) and when the page's own fetches ended (tiles are fetched in
 * MapLibre's worker and are not listed). Printed by the browser tests, never asserted.
 */
export async function firstViewTimings(page: Page): Promise<Record<string, number>> {
  const entries = await page.evaluate(() => {
    const timeline = (globalThis as unknown as { performance: { getEntriesByType(type: string): TimingEntry[] } }).performance;
    return [...timeline.getEntriesByType('mark'), ...timeline.getEntriesByType('resource')].map((entry) => ({ name: entry.name, startTime: entry.startTime, responseEnd: entry.responseEnd }));
  });
  const timings: Record<string, number> = {};
  for (const entry of entries) {
    if (entry.responseEnd === undefined) {
      if (entry.name.startsWith('map:')) timings[entry.name] = Math.round(entry.startTime);
      continue;
    }
    const file = new URL(entry.name).pathname;
    const label = /\/maplibre-gl-worker-[^/]+\.js$/.test(file)
      ? 'worker script'
      : /\/maplibre-[^/]+\.js$/.test(file)
        ? 'MapLibre chunk'
        : /\/static\/index-[^/]+\.js$/.test(file)
          ? 'main chunk'
          : /\/(style|tilejson)\.json$/.test(file)
            ? file.replace('/api/v1/layers/', '')
            : null;
    if (label && !(label in timings)) timings[label] = Math.round(entry.responseEnd);
  }
  return timings;
}
