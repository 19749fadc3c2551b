import type { FastifyInstance } from 'fastify';
import { errorHandlerFor, notFoundHandlerFor } from '../../platform/http/error-handler.js';
import deckRoutes from './decks.routes.js';
import captureRoutes from './captures.routes.js';
import platformRoutes from './platforms.routes.js';

/** The plume data platform's tasking pages under /api/v1/tasking. */
export default async function taskingModule(app: FastifyInstance) {
  await app.register(
    async (scope) => {
      scope.setErrorHandler(errorHandlerFor('plume'));
      scope.setNotFoundHandler(notFoundHandlerFor('plume'));
      await scope.register(deckRoutes);
      await scope.register(captureRoutes);
      await scope.register(platformRoutes);
    },
    { prefix: '/api/v1/tasking' },
  );
}
