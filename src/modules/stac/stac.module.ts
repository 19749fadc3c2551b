import type { FastifyInstance } from 'fastify';
import { errorHandlerFor, notFoundHandlerFor } from '../../platform/http/error-handler.js';

/** The plume data platform's stac pages under /api/v1/stac. */
export default async function stacModule(app: FastifyInstance) {
  await app.register(
    async (scope) => {
      scope.setErrorHandler(errorHandlerFor('plume'));
      scope.setNotFoundHandler(notFoundHandlerFor('plume'));
    },
    { prefix: '/api/v1/stac' },
  );
}
