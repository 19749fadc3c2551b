import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { RateLimitedError } from '../errors.js';
import { DownloadSlots, type DownloadLimits } from './download-slots.js';
import { clientAddressOf } from './client-address.js';
import { addRouteHook } from './route-hooks.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A long download (a file the client may read slowly): bounded per client and in total. */
    download?: boolean;
  }
}

export interface DownloadsPluginOptions extends DownloadLimits {
  /** A download whose client takes nothing for this long is cut off, freeing its slot. */
  stallSeconds: number;
  /** No download holds its slot longer than this, however slowly it is read. */
  maxSeconds: number;
}

/** A client can expect one of its own downloads, or someone else's, to end within seconds. */
const RETRY_AFTER_SECONDS = 10;

/**
 * Callers acting for an organization are counted per organization (minting more keys buys no more
 * slots), other signed-in users per user, anonymous callers per address (an IPv6 /64).
 */
function clientOf(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.organizationId) return `organization:${principal.organizationId}`;
  return principal?.rateLimitKey ?? `address:${clientAddressOf(request)}`;
}

/**
 * Routes marked `config.download` hold a slot from the moment they are accepted until their
 * response is finished or its connection closed, whichever way that happens: so a few slow or
 * paused readers cannot take every socket and every database turn. A socket that accepts no byte
 * for `stallSeconds` is closed, so a reader that never reads loses its slot too.
 */
async function downloadsPlugin(app: FastifyInstance, options: DownloadsPluginOptions) {
  const slots = new DownloadSlots(options);
  app.decorate('downloadSlots', slots);

  // On download routes only, and as a route hook: it runs after the app-wide auth hook, so the
  // principal is known here.
  app.addHook('onRoute', (route) => {
    if ((route.config as FastifyContextConfig | undefined)?.download) addRouteHook(route, 'onRequest', holdSlot);
  });
  async function holdSlot(request: FastifyRequest, reply: FastifyReply) {
    const release = slots.tryAcquire(clientOf(request));
    if (!release) throw new RateLimitedError(RETRY_AFTER_SECONDS);
    reply.raw.once('close', release);
    // A reader taking a few bytes a minute resets the stall timer forever: every download also has a deadline.
    const deadline = setTimeout(() => reply.raw.destroy(), options.maxSeconds * 1000);
    reply.raw.once('close', () => clearTimeout(deadline));
    if (request.raw.socket && typeof request.raw.socket.setTimeout === 'function') {
      reply.raw.setTimeout(options.stallSeconds * 1000, () => reply.raw.destroy());
    }
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The downloads in flight in this process (for tests and metrics). */
    downloadSlots: DownloadSlots;
  }
}

export default fp(downloadsPlugin, { name: 'carbon-atlas-downloads', dependencies: ['carbon-atlas-auth'] });
