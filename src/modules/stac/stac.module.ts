import type { FastifyInstance } from 'fastify';
import { errorHandlerFor, notFoundHandlerFor } from '../../platform/http/error-handler.js';
import aggregateRoutes from './aggregate.routes.js';
import stacRoutes from './stac.routes.js';

/** The plume data platform's STAC API under /api/v1/stac, answering errors as STAC APIs do ({code, description}). */
export default async function stacModule(app: FastifyInstance) {
  await app.register(
    async (scope) => {
      scope.setErrorHandler(errorHandlerFor('stac'));
      scope.setNotFoundHandler(notFoundHandlerFor('stac'));
      await scope.register(stacRoutes);
      await scope.register(aggregateRoutes);
    },
    { prefix: '/api/v1/stac' },
  );
}
