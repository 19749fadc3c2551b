import type { FastifyInstance } from 'fastify';
import { errorHandlerFor, notFoundHandlerFor } from '../../platform/http/error-handler.js';
import communityRoutes from './community.routes.js';
import watchRoutes from './watches.routes.js';

/** The plume data platform's community pages under /api/v1/community. */
export default async function communityModule(app: FastifyInstance) {
  await app.register(
    async (scope) => {
      scope.setErrorHandler(errorHandlerFor('plume'));
      scope.setNotFoundHandler(notFoundHandlerFor('plume'));
      await scope.register(communityRoutes);
      await scope.register(watchRoutes);
    },
    { prefix: '/api/v1/community' },
  );
}
