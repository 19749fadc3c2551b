import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import { GOOD_PASSWORD, resetRequestsHandled } from '../../../test/support/accounts.js';
import { listMail } from '../mail/outbox.js';

let ctx: TestContext;
beforeAll(async () => {
  // Without a built console, GET / is the page of links (console.test.ts covers the console).
  ctx = await createTestContext({ CONSOLE_DIR: '/nonexistent/console' });
});
afterAll(() => ctx?.close());

/** The path and query of the newest link mailed to `email`. */
async function mailedLink(email: string) {
  await resetRequestsHandled(ctx);
  const [message] = await listMail(ctx.db, { to: email, limit: 1 });
  const url = /(https?:\/\/\S+\/account\/\S+)/.exec(message!.body_text)![1]!;
  expect(url.startsWith(ctx.config.publicUrl)).toBe(true);
  return url.slice(ctx.config.publicUrl.length);
}

describe('pages a person reaches from this server', () => {
  it('GET / links to the reference, the OpenAPI document and the health endpoints, with a strict CSP and a rate budget', async () => {
    const home = await ctx.request({ method: 'GET', url: '/' });
    expect(home.statusCode).toBe(200);
    expect(home.headers['content-type']).toBe('text/html; charset=utf-8');
    for (const href of ['/docs', '/openapi.json', '/healthz', '/readyz']) expect(home.body).toContain(`href="${href}"`);
    const csp = String(home.headers['content-security-policy']);
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; script-src 'self';/);
    expect(csp).not.toContain('unsafe');
    expect(home.headers['x-ratelimit-limit']).toBeDefined();
    const openapi = (await ctx.request({ method: 'GET', url: '/openapi.json' })).json();
    expect(openapi.paths['/'].get.operationId).toBe('home');
  });

  it('the verification e-mail links to a page that confirms the address through the API; nothing is confirmed by opening it', async () => {
    const registered = await ctx.request({
      method: 'POST',
      url: '/api/v1/account/register',
      payload: { email: 'link@pages.test', password1: GOOD_PASSWORD, password2: GOOD_PASSWORD, first_name: 'Link', last_name: 'Page' },
    });
    expect(registered.statusCode).toBeLessThan(300);
    const link = await mailedLink('link@pages.test');
    expect(link).toMatch(/^\/account\/verify\?uidb64=[\w-]+&token=[\w-]+$/);
    const page = await ctx.request({ method: 'GET', url: link });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-endpoint="/api/v1/account/register_verify"');
    expect(page.body).toContain('<script src="/assets/account-links.js" defer></script>');
    expect(page.body).not.toContain(new URL(`http://x${link}`).searchParams.get('token')!);
    expect((await ctx.request({ method: 'POST', url: '/api/v1/token/pair', payload: { email: 'link@pages.test', password: GOOD_PASSWORD } })).statusCode).not.toBe(200);

    const script = await ctx.request({ method: 'GET', url: '/assets/account-links.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('text/javascript');
    expect(script.body).toContain("params.get('token')");
  });

  it('the password-reset e-mail links to a page with the new-password form', async () => {
    const reset = await ctx.request({ method: 'POST', url: '/api/v1/account/request_password_reset', payload: { email: 'link@pages.test' } });
    expect(reset.statusCode).toBeLessThan(300);
    const link = await mailedLink('link@pages.test');
    expect(link).toMatch(/^\/account\/reset-password\?uidb64=[\w-]+&token=[\w-]+$/);
    const page = await ctx.request({ method: 'GET', url: link });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="new_password1"');
    expect(page.body).toContain('data-endpoint="/api/v1/account/reset_password"');
  });

  it('a project page answers 404 as HTML for an unknown or malformed id', async () => {
    for (const id of ['00000000-0000-4000-8000-00000000abcd', '<script>']) {
      const page = await ctx.request({ method: 'GET', url: `/explore/projects/${encodeURIComponent(id)}` });
      expect(page.statusCode).toBe(404);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).not.toContain('<script>');
    }
  });
});
