import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startConsoleHarness, type ConsoleHarness } from '../support/console-browser.js';

// The Emissions, Facilities and Registry screens against the demo data on the embedded database
// (the endpoints they call are tested on PostgreSQL by their modules' own tests).
/** Evaluated in the page: nothing makes the page itself scroll sideways (tables scroll inside their cards). */
const FITS_THE_SCREEN = 'document.documentElement.scrollWidth <= window.innerWidth + 1';

describe.skipIf(Boolean(process.env.DATABASE_URL))('the web console in a browser: emissions, facilities and registry', { timeout: 180_000 }, () => {
  let harness: ConsoleHarness;
  beforeAll(async () => {
    harness = await startConsoleHarness();
    // Seeding the demo (plumes included) takes minutes on a loaded machine.
  }, 600_000);
  afterAll(() => harness?.close());

  async function signIn(page: Page) {
    await page.goto('/sign-in');
    await page.getByRole('tab', { name: 'API key' }).click();
    await page.getByLabel('API key').fill(harness.demo.apiKey!);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('signed-in-as').waitFor();
  }

  it('shows the year by scope and month, year over year, top contributors, anomalies and the filtered records', async () => {
    const { context, page, errors } = await harness.newPage();
    await signIn(page);
    await page.getByRole('link', { name: 'Emissions' }).click();
    // The demo year (2024) is found without a year in the address: the years after it have no records.
    await page.getByTestId('total').filter({ hasText: 'Total 2024' }).waitFor();
    expect(await page.getByTestId('total').textContent()).toContain('No records in 2023 to compare with.');
    await page.getByTestId('top-contributors').getByText('Frankfurt Datacenter').first().waitFor();
    // The demo's refrigerant top-up: Barcelona's July stands out from its other months.
    await page.getByTestId('anomalies').getByText(/Barcelona Warehouse.*Jul 2024.*modified z-score 30 > 3\.5/).waitFor();
    await page.locator('.chart canvas').first().waitFor();
    await harness.screenshot(page, 'emissions');

    await page.getByRole('link', { name: 'Records' }).click();
    await page.getByTestId('records').waitFor();
    await page.getByLabel('Facility').selectOption({ label: 'Madrid Office' });
    await page.getByRole('checkbox', { name: '1' }).uncheck();
    await page.getByRole('checkbox', { name: '3' }).uncheck();
    await page.waitForURL((url) => url.searchParams.get('scope') === '2' && url.searchParams.get('facility_id') === '550e8400-e29b-41d4-a716-446655440000');
    await page.getByTestId('records').getByText('ember-grid-electricity:ES', { exact: false }).first().waitFor();
    const scopes = await page.getByTestId('records').locator('tbody tr td:nth-child(3)').allTextContents();
    expect(new Set(scopes)).toEqual(new Set(['2']));
    await harness.screenshot(page, 'emissions-records');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('adds consumption to a facility and shows its CO2e with the factor and version used', async () => {
    const { context, page, errors } = await harness.newPage();
    await signIn(page);
    await page.goto('/facilities');
    await page.getByTestId('facilities').getByRole('link', { name: 'Madrid Office' }).click();
    const co2e = page.getByTestId('facility-co2e');
    await co2e.waitFor();
    const before = (await co2e.textContent())!;

    const form = page.getByRole('form', { name: 'Add consumption' });
    await form.getByLabel('Category').selectOption('electricity');
    await form.getByLabel('Quantity').fill('lots');
    await form.getByRole('button', { name: 'Add and calculate CO₂e' }).click();
    await form.getByText('Enter the quantity as a number.').waitFor();

    await form.getByLabel('Quantity').fill('2500');
    await form.getByLabel('Unit').selectOption('kWh');
    await form.getByLabel('From').fill('2024-12-01');
    await form.getByLabel('To').fill('2024-12-31');
    await form.getByRole('button', { name: 'Add and calculate CO₂e' }).click();
    const added = page.getByTestId('added-figure');
    await added.waitFor();
    // Spain's grid factor of the shipped library, named with its version, and the working.
    expect(await added.textContent()).toMatch(/2,500 kWh × [\d.]+ kg CO₂e\/kWh; factor ember-grid-electricity:ES version co2\.js-/);
    await page.waitForFunction(`document.querySelector('[data-testid="facility-co2e"]')?.textContent !== ${JSON.stringify(before)}`);
    const toTonnes = (text: string) => Number(text.replace(/[^\d.]/g, ''));
    expect(toTonnes((await co2e.textContent())!)).toBeGreaterThan(toTonnes(before));
    await harness.screenshot(page, 'facilities');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('retires credits and follows the transaction to processed, its public record and the verified ledger', async () => {
    const { context, page, errors } = await harness.newPage();
    await signIn(page);
    await page.goto('/registry');
    await page.getByTestId('inventory').getByText('10000–14999').waitFor();
    await page.getByTestId('chain-status').getByText('Ledger verified').waitFor();

    const form = page.getByRole('form', { name: 'Retire or transfer credits' });
    await form.getByLabel('Tonnes').fill('12');
    await form.getByRole('button', { name: 'Retire' }).click();
    await form.getByText('Name the beneficiary of the retirement.').waitFor();
    await form.getByLabel('Beneficiary').fill('Console e2e staff travel');
    await form.getByLabel('Reason').fill('offset');
    await form.getByRole('button', { name: 'Retire' }).click();

    const newest = page.getByTestId('transactions').locator('tbody tr').first();
    await newest.getByText('Retire').waitFor();
    await newest.getByTestId('state').filter({ hasText: 'processed' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('inventory').getByTestId('available').filter({ hasText: '4988 t' }).waitFor();

    await page.getByRole('button', { name: /12 t for Console e2e staff travel/ }).click();
    const record = page.getByTestId('retirement-record');
    await record.getByText('Console e2e staff travel').waitFor();
    expect(await record.textContent()).toContain('10000–10011');
    await page.getByTestId('chain-status').getByRole('button', { name: 'Verify again' }).click();
    await page.getByTestId('chain-status').getByText('Ledger verified: 2 transactions').waitFor();
    await harness.screenshot(page, 'registry');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fits a phone', async () => {
    const { context, page, errors } = await harness.newPage();
    await signIn(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/registry');
    await page.getByTestId('inventory').waitFor();
    expect(await page.evaluate(FITS_THE_SCREEN)).toBe(true);
    await harness.screenshot(page, 'registry-phone');
    await page.goto('/emissions');
    await page.getByTestId('total').waitFor();
    expect(await page.evaluate(FITS_THE_SCREEN)).toBe(true);
    await harness.screenshot(page, 'emissions-phone');
    expect(errors).toEqual([]);
    await context.close();
  });
});
