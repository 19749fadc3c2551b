import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { Type } from 'typebox';
import type { ConsoleBuild } from './console-build.js';

/**
 * The console's own addresses. Only these answer with index.html (the single-page app routes
 * them in the browser); every other unknown path keeps its API's 404 body, so a mistyped
 * /v1/… or /api/… URL is never answered with a web page (hence no `/registry/*`: the registry API
 * lives under /registry/chain/…).
 */
export const CONSOLE_PATHS = ['/map', '/sign-in', '/emissions', '/emissions/*', '/facilities', '/facilities/*', '/registry'] as const;

/**
 * MapLibre draws in a WebGL canvas fed by a blob: worker and decodes raster tiles to blob:/data:
 * images; Preact and MapLibre set element styles through the CSSOM (allowed by style-src 'self').
 */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; worker-src 'self' blob:; child-src blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Vite names every asset after its content hash: a URL's bytes never change, so browsers keep them a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

function sendIndex(reply: FastifyReply, html: string): string {
  // no-cache: the page names the current hashed assets, so it is revalidated on every visit.
  reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('content-security-policy', CONSOLE_CSP);
  return html;
}

/** The web console: index.html at `/` and at the console's own paths, its hashed assets under /static/. */
export default async function consoleRoutes(app: FastifyInstance, options: { build: ConsoleBuild }) {
  const { indexHtml, staticDir } = options.build;
  const page = { config: { auth: 'none' as const } };
  app.get(
    '/',
    { ...page, schema: { operationId: 'home', tags: ['operations'], summary: 'The web console (the plume map, emissions and registry screens)', response: { 200: { content: { 'text/html': { schema: Type.String() } } } } } },
    (_request, reply) => sendIndex(reply, indexHtml),
  );
  for (const url of CONSOLE_PATHS) app.get(url, { ...page, schema: { hide: true } }, (_request, reply) => sendIndex(reply, indexHtml));

  await app.register(async (assets) => {
    // Assets are public: the auth hook must not ask them for credentials. A first visit loads a dozen
    // chunks at once, and browsers send no credential for them: they spend the tiles' burst budget
    // per address, not the anonymous API budget.
    assets.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), auth: 'none', rateLimit: { address: 'tiles', credential: 'tiles' } } as typeof route.config;
    });
    await assets.register(fastifyStatic, {
      root: staticDir,
      prefix: '/static/',
      decorateReply: false,
      cacheControl: false,
      etag: false,
      lastModified: false,
      index: false,
      schemaHide: true,
      setHeaders: (reply: FastifyReply, file: string) => {
        reply.header('cache-control', IMMUTABLE);
        // A dedicated worker (MapLibre's, from /static/) runs under the policy of its own script's
        // response, not the page's: with the API's default-src 'none' its tile fetches all fail.
        if (file.endsWith('.js')) reply.header('content-security-policy', CONSOLE_CSP);
      },
    });
  });
}
