import type { FastifyInstance } from 'fastify';
import { errorHandlerFor, notFoundHandlerFor } from '../../platform/http/error-handler.js';
import pickerRoutes from './picker.routes.js';

/** The plume data platform's picker pages under /api/v1/picker. */
export default async function pickerModule(app: FastifyInstance) {
  await app.register(
    async (scope) => {
      scope.setErrorHandler(errorHandlerFor('plume'));
      scope.setNotFoundHandler(notFoundHandlerFor('plume'));
      await scope.register(pickerRoutes);
    },
    { prefix: '/api/v1/picker' },
  );
}
