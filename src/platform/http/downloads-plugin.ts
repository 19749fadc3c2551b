import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { RateLimitedError } from '../errors.js';
import { DownloadSlots, type DownloadLimits } from './download-slots.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A long download (a file the client may read slowly): bounded per client and in total. */
    download?: boolean;
  }
}

export interface DownloadsPluginOptions extends DownloadLimits {
  /** A download whose client takes nothing for this long is cut off, freeing its slot. */
  stallSeconds: number;
}

/** A client can expect one of its own downloads, or someone else's, to end within seconds. */
const RETRY_AFTER_SECONDS = 10;

/** Authenticated callers are counted per credential (as their rate limit is), anonymous ones per address. */
function clientOf(request: FastifyRequest): string {
  return request.principal?.rateLimitKey ?? `address:${request.ip}`;
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

  // Registered after the auth plugin, so the principal is known here.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.routeOptions.config.download) return;
    const release = slots.tryAcquire(clientOf(request));
    if (!release) throw new RateLimitedError(RETRY_AFTER_SECONDS);
    reply.raw.once('close', release);
    if (request.raw.socket && typeof request.raw.socket.setTimeout === 'function') {
      reply.raw.setTimeout(options.stallSeconds * 1000, () => reply.raw.destroy());
    }
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The downloads in flight in this process (for tests and metrics). */
    downloadSlots: DownloadSlots;
  }
}

export default fp(downloadsPlugin, { name: 'carbon-atlas-downloads', dependencies: ['carbon-atlas-auth'] });
