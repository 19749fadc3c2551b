import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, firstViewTimings, startConsoleHarness, type ConsoleHarness } from '../support/console-browser.js';

/** The console marks the page with the time its map drew the first plume (ms since navigation). */
async function firstPlumeDrawn(page: Page, errors: string[]): Promise<number> {
  const root = page.locator('html[data-first-plume-ms]');
  try {
    await root.waitFor({ state: 'attached', timeout: 150_000 });
  } catch (error) {
    await writeFile(path.join(ARTIFACTS, 'no-plume-drawn.png'), await page.screenshot());
    throw new Error(`No plume was drawn; browser errors: ${JSON.stringify(errors)}`, { cause: error });
  }
  return Number(await root.getAttribute('data-first-plume-ms'));
}

/** The plume count of the summary bar, once it has one (functions run in the page; strings would need 'unsafe-eval'). */
async function plumeCount(page: Page): Promise<number> {
  const text = page.getByTestId('plume-count');
  await expect.poll(async () => /^[\d,]+$/.test((await text.textContent()) ?? ''), { timeout: 30_000 }).toBe(true);
  return Number((await text.textContent())!.replaceAll(',', ''));
}

/** Waits until the count differs from `before` (the summary refetches after a filter change). */
async function countChangedFrom(page: Page, before: number): Promise<number> {
  const text = page.getByTestId('plume-count');
  await expect
    .poll(async () => {
      const shown = (await text.textContent()) ?? '';
      return /^[\d,]+$/.test(shown) ? Number(shown.replaceAll(',', '')) : before;
    }, { timeout: 30_000 })
    .not.toBe(before);
  return plumeCount(page);
}

interface ResourceEntry {
  name: string;
  encodedBodySize: number;
}

describe.skipIf(Boolean(process.env.DATABASE_URL))('the web console in a browser: sign-in and the plume map', () => {
  let harness: ConsoleHarness;
  // Seeding the demo (with its rasters) takes a while on a busy machine.
  beforeAll(async () => {
    harness = await startConsoleHarness();
  }, 600_000);
  afterAll(() => harness?.close());

  it('a person signs in with e-mail and password, sees who they are and their organization, and signs out', async () => {
    const { context, page, errors } = await harness.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('E-mail').fill(harness.demo.user.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'password is not right' }).waitFor();
    await harness.screenshot(page, 'sign-in-error');

    await page.getByLabel('Password').fill(harness.demo.user.password!);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('signed-in-as').filter({ hasText: harness.demo.user.email }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    expect(errors.filter((error) => !error.includes('401'))).toEqual([]);
    await context.close();
  });

  it('a pasted API key signs in too', async () => {
    const { context, page, errors } = await harness.newPage();
    await page.goto('/sign-in');
    await page.getByRole('tab', { name: 'API key' }).click();
    await page.getByLabel('API key').fill(harness.demo.apiKey!);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('signed-in-as').filter({ hasText: 'API key sk_live_' }).waitFor();
    await harness.screenshot(page, 'sign-in');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an anonymous visitor gets the public plume map; filtering by sector and date changes the plume count and the address', async () => {
    const { context, page, errors } = await harness.newPage();
    await page.goto('/');
    const firstPlumeMs = await firstPlumeDrawn(page, errors);
    // JavaScript transferred for the first view, MapLibre (its chunk and its worker) apart.
    const scripts = await page.evaluate(() =>
      (globalThis as unknown as { performance: { getEntriesByType(type: string): ResourceEntry[] } }).performance
        .getEntriesByType('resource')
        .filter((entry) => entry.name.endsWith('.js'))
        .map((entry) => ({ name: entry.name, bytes: entry.encodedBodySize })),
    );
    const isMapLibre = (name: string) => /\/static\/maplibre/.test(name);
    const timings = await firstViewTimings(page);
    const metrics = {
      firstPlumeMs,
      timings,
      javascriptGzipBytesWithoutMapLibre: scripts.filter((entry) => !isMapLibre(entry.name)).reduce((sum, entry) => sum + entry.bytes, 0),
      mapLibreGzipBytes: scripts.filter((entry) => isMapLibre(entry.name)).reduce((sum, entry) => sum + entry.bytes, 0),
      scripts,
    };
    await writeFile(path.join(ARTIFACTS, 'first-view.json'), JSON.stringify(metrics, null, 2));
    console.info(`console first view: first plume ${firstPlumeMs} ms after navigation; JS ${metrics.javascriptGzipBytesWithoutMapLibre} B without MapLibre (${metrics.mapLibreGzipBytes} B MapLibre); ${JSON.stringify(timings)}`);

    const everything = await plumeCount(page);
    expect(everything).toBeGreaterThan(0);
    await harness.screenshot(page, 'map');

    await page.getByRole('checkbox', { name: /Oil & Gas/ }).check();
    await page.waitForURL(/sectors=1B2/);
    const oilAndGas = await countChangedFrom(page, everything);
    expect(oilAndGas).toBeLessThan(everything);

    await page.getByLabel('From', { exact: true }).fill('2023-01-01');
    await page.getByLabel('From', { exact: true }).press('Enter');
    await page.getByLabel('To', { exact: true }).fill('2023-12-31');
    await page.getByLabel('To', { exact: true }).press('Enter');
    await page.waitForURL(/from=2023-01-01.*to=2023-12-31|to=2023-12-31.*from=2023-01-01/);
    const in2023 = await countChangedFrom(page, oilAndGas);
    expect(in2023).toBeLessThan(oilAndGas);
    const address = new URL(page.url());
    expect(address.searchParams.get('sectors')).toBe('1B2');

    // The address alone restores the view: a shared link shows the same count.
    const { context: other, page: shared } = await harness.newPage();
    await shared.goto(address.pathname + address.search);
    expect(await plumeCount(shared)).toBe(in2023);
    await harness.screenshot(page, 'map-filtered');
    await other.close();
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);

  it('a plume opens its panel, its source opens the source panel with its chart, and the source CSV downloads', async () => {
    const top = (await harness.ctx.request({ method: 'GET', url: '/api/v1/catalog/plumes/annotated?sort=emissions_desc&limit=1&plume_gas=CH4' })).json().items[0];
    const [lon, lat] = top.geometry_json.coordinates;
    const { context, page, errors } = await harness.newPage();
    await page.goto(`/?at=11/${lat}/${lon}`);
    await firstPlumeDrawn(page, errors);
    const canvas = page.locator('.map-canvas canvas');
    const box = (await canvas.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const plumePanel = page.getByTestId('plume-panel');
    await plumePanel.getByRole('heading', { name: `Plume ${top.plume_id}` }).waitFor();
    await page.waitForURL(new RegExp(`plume=${top.id}`));
    await expect.poll(() => plumePanel.getByTestId('plume-emission').textContent()).toContain('kg/h CH4');
    await harness.screenshot(page, 'plume-panel');

    await plumePanel.getByRole('button', { name: 'Its source' }).click();
    const sourcePanel = page.getByTestId('source-panel');
    await sourcePanel.getByText('Persistence', { exact: true }).waitFor();
    await page.waitForURL(/source=CH4_/);
    await sourcePanel.locator('.chart canvas').waitFor();
    await harness.screenshot(page, 'source-panel');

    const [download] = await Promise.all([page.waitForEvent('download'), sourcePanel.getByRole('button', { name: 'Download source CSV' }).click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).toMatch(/^CH4_.*\.csv$/);
    expect(csv.split('\r\n')[0]).toContain('plume_id');
    expect(csv).toContain(top.plume_id);
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);

  it('on a phone the map fills the screen and the filters open from a button', async () => {
    const { context, page, errors } = await harness.newPage();
    await page.setViewportSize({ width: 390, height: 780 });
    await page.goto('/');
    await page.getByRole('button', { name: 'Filters', exact: true }).click();
    await page.getByRole('checkbox', { name: /Oil & Gas/ }).waitFor();
    await page.getByRole('button', { name: 'Filters', exact: true }).click();
    await plumeCount(page);
    await harness.screenshot(page, 'map-phone');
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);
});
