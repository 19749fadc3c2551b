import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ACCOUNT_LINKS_SCRIPT } from './account-links.js.js';
import { PAGE_CSP, escapeHtml, htmlPage } from './html-page.js';

const TAGS = ['operations'];
const Html = { content: { 'text/html': { schema: Type.String() } } };
const LinkQuery = Type.Object({ uidb64: Type.Optional(Type.String({ maxLength: 64 })), token: Type.Optional(Type.String({ maxLength: 256 })) });
const SCRIPT_PATH = '/assets/account-links.js';

/** Sets a page's headers and gives its HTML back for the handler to return. */
function sendPage(reply: FastifyReply, html: string): string {
  reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).header('cache-control', 'no-store');
  return html;
}

const HOME = htmlPage(
  'Carbon Atlas',
  `<h1>Carbon Atlas</h1>
<p>An open, self-hostable server for greenhouse-gas data: facilities and their CO2e, corporate emissions, a carbon-credit registry and methane/CO2 plumes.</p>
<ul>
<li><a href="/docs">/docs</a> — the interactive API reference</li>
<li><a href="/openapi.json">/openapi.json</a> — the OpenAPI 3.1 document</li>
<li><a href="/healthz">/healthz</a> — the process answers; <a href="/readyz">/readyz</a> — the database answers</li>
</ul>
<p>The APIs: <code>/v1/facilities</code>, <code>/v2/emissions</code>, <code>/organizations</code> (credit registry), <code>/api/v1/catalog</code> (plumes), <code>/api/v1/account</code>.
Every call but the public catalog reads takes an API key: <code>Authorization: Bearer sk_live_…</code> (<code>npm run demo</code> prints one).</p>
<p>The web console is not part of this release.</p>`,
);

function linkPage(kind: 'verify' | 'reset') {
  const verify = kind === 'verify';
  const fields = verify
    ? ''
    : `<label for="p1">New password</label><input id="p1" name="new_password1" type="password" autocomplete="new-password" required>
<label for="p2">New password again</label><input id="p2" name="new_password2" type="password" autocomplete="new-password" required>`;
  const endpoint = verify ? '/api/v1/account/register_verify' : '/api/v1/account/reset_password';
  const done = verify ? 'Your e-mail address is confirmed; you can sign in now.' : 'Your password is changed; sign in with the new one.';
  return htmlPage(
    verify ? 'Confirm your e-mail address' : 'Choose a new password',
    `<h1>${verify ? 'Confirm your e-mail address' : 'Choose a new password'}</h1>
<form id="link-form" data-endpoint="${escapeHtml(endpoint)}" data-done="${escapeHtml(done)}">${fields}<button type="submit">${verify ? 'Confirm' : 'Change password'}</button></form>
<pre id="result" aria-live="polite"></pre>
<p>Without a browser: POST the <code>uidb64</code> and <code>token</code> of this link's address${verify ? '' : ' with <code>new_password1</code> and <code>new_password2</code>'} as JSON to <code>${escapeHtml(endpoint)}</code>.</p>`,
    SCRIPT_PATH,
  );
}
const VERIFY_PAGE = linkPage('verify');
const RESET_PAGE = linkPage('reset');

/**
 * The pages a person reaches from this server's links until the console exists: the home page, and
 * the targets of the verification and password-reset e-mails (which post to the account API from
 * the browser, so that opening the link does nothing by itself — mail scanners open links too).
 */
export default async function rootRoutes(instance: FastifyInstance, options: { home?: boolean } = {}) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const page = { config: { auth: 'none' as const } };
  if (options.home !== false)
    app.get('/', { ...page, schema: { operationId: 'home', tags: TAGS, summary: 'A page linking to the API reference, the OpenAPI document and the health endpoints', response: { 200: Html } } }, (_request, reply) =>
    sendPage(reply, HOME),
  );
  app.get(
    '/account/verify',
    { ...page, schema: { operationId: 'verifyEmailPage', tags: TAGS, summary: 'The page the verification e-mail links to: it confirms the address through /api/v1/account/register_verify', querystring: LinkQuery, response: { 200: Html } } },
    (_request, reply) => sendPage(reply, VERIFY_PAGE),
  );
  app.get(
    '/account/reset-password',
    { ...page, schema: { operationId: 'resetPasswordPage', tags: TAGS, summary: 'The page the password-reset e-mail links to: it sets the new password through /api/v1/account/reset_password', querystring: LinkQuery, response: { 200: Html } } },
    (_request, reply) => sendPage(reply, RESET_PAGE),
  );
  app.get(SCRIPT_PATH, { ...page, schema: { hide: true } }, (_request, reply) => {
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600');
    return ACCOUNT_LINKS_SCRIPT;
  });
}
