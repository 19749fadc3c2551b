import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleHarness, type ConsoleHarness } from '../support/console-browser.js';

// The browser tests drive the console against the embedded database, as the console's issue asks;
// the API it calls is tested on PostgreSQL by each module's own tests.
describe.skipIf(Boolean(process.env.DATABASE_URL))('the web console in a browser: sign-in and the plume map', () => {
  let harness: ConsoleHarness;
  beforeAll(async () => {
    harness = await startConsoleHarness();
  });
  afterAll(() => harness?.close());

  it('a person signs in with e-mail and password, sees who they are and their organization, and signs out', async () => {
    const { context, page, errors } = await harness.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('E-mail').fill(harness.demo.user.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'not signed in' }).waitFor();
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
});
