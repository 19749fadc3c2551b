import type { FastifyInstance } from 'fastify';
import { logBackgroundFailure } from '../../../platform/db/database-errors.js';

/**
 * Asked once, as an anonymous visitor would, when the server starts listening. The first plume
 * tiles of a process paid for loading PostGIS, the first reads of the catalog's pages and the first
 * runs of the tile code: on the embedded database ~1 s for an empty tile and ~1 s more for a full
 * one on an idle machine, 7 s under load, and the console's first plume waited for them. The world
 * tile (zoom 0) touches all of that for any first view, and stays in the tile cache for the next.
 * Measured (demo catalog, 3,000 plumes): the first view's largest tile 1.0–1.7 s cold, 0.2 s after.
 */
export const WARM_UP_URLS = ['/api/v1/layers/plumes/0/0/0.mvt', '/api/v1/layers/scenes/0/0/0.mvt'];

/**
 * Warms the tile path in the background after listen: readiness is not delayed, a failure is only
 * logged (start-up never fails for it), and close waits for it so the database is not closed under it.
 */
export function warmTilesOnListen(app: FastifyInstance): void {
  let warming: Promise<void> = Promise.resolve();
  let closing = false;
  app.addHook('onListen', async () => {
    warming = warmUp(app, () => closing);
  });
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onClose', async () => {
    await warming;
  });
}

async function warmUp(app: FastifyInstance, closing: () => boolean): Promise<void> {
  const started = performance.now();
  for (const url of WARM_UP_URLS) {
    if (closing()) return;
    try {
      const response = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
      if (response.statusCode >= 400) app.log.warn({ url, statusCode: response.statusCode }, 'tile warm-up: unexpected answer');
    } catch (error) {
      if (!closing()) logBackgroundFailure(app.log, 'tile warm-up', error);
      return;
    }
  }
  app.log.debug({ ms: Math.round(performance.now() - started) }, 'tile warm-up done');
}
