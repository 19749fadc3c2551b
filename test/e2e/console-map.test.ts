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

/** The summary's count once the map has settled its view: two reads a second apart agree (the first
 * count shown can be that of a view the map is still moving to). */
async function settledPlumeCount(page: Page): Promise<number> {
  let last = await plumeCount(page);
  await expect
    .poll(
      async () => {
        await page.waitForTimeout(1000);
        const now = await plumeCount(page);
        const settled = now === last;
        last = now;
        return settled;
      },
      { timeout: 30_000, interval: 0 },
    )
    .toBe(true);
  return last;
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

/** The parts of a <canvas> the chart test reads (the server's tsconfig has no DOM types). */
interface CanvasElement {
  width: number;
  height: number;
  getBoundingClientRect(): { width: number };
  parentElement: { querySelector(selector: string): { offsetLeft: number } | null } | null;
  getContext(kind: '2d'): { getImageData(x: number, y: number, width: number, height: number): { data: ArrayLike<number> } } | null;
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
    const storedSession = () => page.evaluate<string | null>("sessionStorage.getItem('carbon-atlas.session')");
    const stored = JSON.parse((await storedSession()) ?? 'null') as { refreshToken: string; accessToken: string };
    const revoked = page.waitForResponse((response) => response.url().endsWith('/v1/auth/revoke'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    expect((await revoked).status()).toBe(204);
    // The session ended on the server too: a copy of its tokens no longer works.
    expect(await storedSession()).toBeNull();
    const refresh = await harness.ctx.request({ method: 'POST', url: '/v1/auth/refresh', payload: { refresh_token: stored.refreshToken } });
    expect(refresh.statusCode).toBe(401);
    expect((await harness.ctx.request({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${stored.accessToken}` } })).statusCode).toBe(401);
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

  it('a box drawn on the map sets the bbox in the address, is outlined, and the summary counts the plumes in it as the API does', async () => {
    const { context, page, errors } = await harness.newPage();
    await page.goto('/');
    await firstPlumeDrawn(page, errors);
    const inView = await settledPlumeCount(page);
    const canvas = (await page.locator('.map-canvas canvas').boundingBox())!;

    // Keyboard: the button is reachable and Escape cancels the drawing without touching the address.
    const draw = page.getByRole('button', { name: 'Draw a box' });
    await draw.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('drawing-hint').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('drawing-hint').waitFor({ state: 'detached' });
    expect(new URL(page.url()).searchParams.get('bbox')).toBeNull();

    const viewBefore = new URL(page.url()).searchParams.get('at');
    await draw.click();
    await page.mouse.move(canvas.x + canvas.width * 0.3, canvas.y + canvas.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(canvas.x + canvas.width * 0.55, canvas.y + canvas.height * 0.7, { steps: 8 });
    await page.mouse.up();
    await page.waitForURL(/bbox=/);
    const bbox = new URL(page.url()).searchParams.get('bbox')!;
    const [west, south, east, north] = bbox.split(',').map(Number) as [number, number, number, number];
    expect(west).toBeLessThan(east);
    expect(south).toBeLessThan(north);
    const answer = await harness.ctx.request({ method: 'GET', url: `/api/v1/catalog/plumes/annotated?${bbox.split(',').map((value) => `bbox=${value}`).join('&')}&limit=1` });
    const inBox = answer.json().bbox_count as number;
    expect(inBox).toBeGreaterThan(0);
    expect(inBox).toBeLessThan(inView);
    await expect.poll(() => page.getByTestId('plume-count').textContent(), { timeout: 30_000 }).toBe(inBox.toLocaleString('en'));
    await page.getByText('Plumes in the area').waitFor();
    await expect.poll(() => page.getByTestId('chosen-area').textContent()).toBe(`The box ${bbox.split(',').join(', ')}`);
    await harness.screenshot(page, 'map-box');

    // The map did not pan while the box was drawn.
    expect(new URL(page.url()).searchParams.get('at')).toBe(viewBefore);
    await page.getByRole('button', { name: 'Clear area' }).click();
    await page.waitForURL((url) => !url.searchParams.has('bbox'));
    await expect.poll(() => plumeCount(page), { timeout: 30_000 }).toBe(inView);
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);

  it('an administrative area picked by typing part of its name sets the address and the summary counts the plumes in it as the API does', async () => {
    const { context, page, errors } = await harness.newPage();
    await page.goto('/');
    await firstPlumeDrawn(page, errors);
    const inView = await plumeCount(page);
    const search = page.getByRole('combobox', { name: 'Administrative area' });
    await search.fill('texa');
    const matches = page.getByRole('listbox', { name: 'Administrative areas' }).getByRole('option');
    const texas = matches.filter({ hasText: /^Texas, United States of America$/ });
    await texas.waitFor();
    // Keyboard: the first match is active; arrows move through the list (and wrap), Enter picks.
    const count = await matches.count();
    expect(count).toBeGreaterThan(1);
    const at = (await matches.allTextContents()).indexOf('Texas, United States of America');
    await search.press('ArrowDown');
    await expect.poll(() => matches.nth(1 % count).getAttribute('aria-selected')).toBe('true');
    for (let step = 1; step !== at; step = (step + 1) % count) await search.press('ArrowDown');
    await expect.poll(() => texas.getAttribute('aria-selected')).toBe('true');
    await search.press('Enter');
    await page.waitForURL(/area=USA\.44_1/);
    expect(await search.inputValue()).toBe('Texas, United States of America');
    // Anonymous: administrative areas only, no AOIs.
    expect(await page.getByLabel('Area of interest').count()).toBe(0);

    const answer = await harness.ctx.request({ method: 'GET', url: '/api/v1/catalog/plumes/annotated?gadm_composite_id=USA.44_1&limit=1' });
    const inTexas = answer.json().bbox_count as number;
    expect(inTexas).toBeGreaterThan(0);
    expect(inTexas).not.toBe(inView);
    await expect.poll(() => page.getByTestId('plume-count').textContent(), { timeout: 30_000 }).toBe(inTexas.toLocaleString('en'));
    // The map was fitted to Texas (about 106.6° W to 93.5° W, 25.8° N to 36.5° N).
    await expect.poll(() => new URL(page.url()).searchParams.get('at')).toMatch(/^[4-6]\.\d+\/(2[89]|3[0-4])\.\d+\/-(9[6-9]|10[0-4])\.\d+$/);
    await harness.screenshot(page, 'map-area');

    // The address alone restores it (a shared link), fitted to the area.
    const address = new URL(page.url());
    address.searchParams.delete('at');
    const { context: other, page: shared } = await harness.newPage();
    await shared.goto(address.pathname + address.search);
    expect(await plumeCount(shared)).toBe(inTexas);
    await other.close();
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);

  it('a signed-in person picks one of their AOIs: the address takes its id, the map its outline, the summary the count of the API', async () => {
    const permian = [[[-104.5, 31], [-101, 31], [-101, 33.5], [-104.5, 33.5], [-104.5, 31]]];
    const created = await harness.ctx.request({ method: 'POST', url: '/api/v1/layers/aoi', key: harness.demo.apiKey!, payload: { geometry_json: { type: 'Polygon', coordinates: permian }, name: 'Permian basin (e2e)' } });
    expect(created.statusCode, created.body).toBe(200);
    const aoi = created.json().id as string;
    const { context, page, errors } = await harness.newPage();
    await page.goto('/sign-in');
    await page.getByRole('tab', { name: 'API key' }).click();
    await page.getByLabel('API key').fill(harness.demo.apiKey!);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('signed-in-as').waitFor();
    await page.waitForURL((url) => url.pathname === '/');
    const inView = await plumeCount(page);
    const select = page.getByLabel('Area of interest');
    await expect.poll(() => select.locator('option').allTextContents()).toContain('Permian basin (e2e)');
    await select.selectOption({ label: 'Permian basin (e2e)' });
    await page.waitForURL(new RegExp(`aoi=${aoi}`));
    const answer = await harness.ctx.request({ method: 'GET', url: `/api/v1/catalog/plumes/annotated?aoi_id=${aoi}&limit=1`, key: harness.demo.apiKey! });
    const inAoi = answer.json().bbox_count as number;
    expect(inAoi).toBeGreaterThan(0);
    expect(inAoi).not.toBe(inView);
    await expect.poll(() => page.getByTestId('plume-count').textContent(), { timeout: 30_000 }).toBe(inAoi.toLocaleString('en'));
    await expect.poll(() => page.getByTestId('chosen-area').textContent()).toBe('AOI Permian basin (e2e)');
    // Fitted to the AOI: centred on about 102.75° W, 32.25° N.
    await expect.poll(() => new URL(page.url()).searchParams.get('at')).toMatch(/^\d+\.\d+\/3[12]\.\d+\/-10[23]\.\d+$/);
    await harness.screenshot(page, 'map-aoi');
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);

  it('the y-axis labels of the sector chart are drawn whole, inside the chart', async () => {
    const { context, page, errors } = await harness.newPage();
    await page.goto('/');
    await plumeCount(page);
    const chart = page.locator('.summary .chart canvas');
    await chart.waitFor();
    // The y axis is on the left of the plot: its labels must leave the canvas's left edge blank
    // (a label wider than the axis is cut there: "10,000" drawn as "0,000") and be drawn at all.
    // Polled: the chart is first drawn before its data (and the label widths) arrive; a cut label
    // stays cut, so a bug still fails here once the poll gives up.
    const measureInk = () => chart.evaluate((element) => {
      const canvas = element as unknown as CanvasElement;
      const plot = canvas.parentElement!.querySelector('.u-over')!;
      const ratio = canvas.width / canvas.getBoundingClientRect().width;
      const axisWidth = Math.round(plot.offsetLeft * ratio);
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, axisWidth, canvas.height).data;
      let edge = 0;
      let axis = 0;
      for (let index = 3; index < pixels.length; index += 4) {
        if (pixels[index]! === 0) continue;
        axis += 1;
        if (((index - 3) / 4) % axisWidth < 2 * ratio) edge += 1;
      }
      return { edge, axis, axisWidth: axisWidth / ratio };
    });
    const whole = async () => {
      const ink = await measureInk();
      return ink.axis > 0 && ink.edge === 0 ? 'whole' : ink;
    };
    await expect.poll(whole, { timeout: 30_000, interval: 250 }).toBe('whole');
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
    // Drawing a box folds the filters away (the map is under them) and says how to stop, over the map.
    await page.getByRole('button', { name: 'Filters', exact: true }).click();
    await page.getByRole('button', { name: 'Draw a box' }).click();
    await page.getByTestId('drawing-hint').waitFor();
    await page.getByRole('checkbox', { name: /Oil & Gas/ }).waitFor({ state: 'hidden' });
    await page.getByTestId('drawing-hint').getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('drawing-hint').waitFor({ state: 'detached' });
    expect(new URL(page.url()).searchParams.get('bbox')).toBeNull();
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);
});
