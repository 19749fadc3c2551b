import type { FastifyInstance } from 'fastify';
import { errorHandlerFor, notFoundHandlerFor } from '../../platform/http/error-handler.js';
import tokenRoutes from './tokens.routes.js';
import registrationRoutes from './registration.routes.js';
import profileRoutes from './profile.routes.js';
import searchRequestRoutes from './search-requests.routes.js';
import oauthRoutes from './oauth.routes.js';

/** The plume data platform's Account pages under /api/v1, answering errors in that platform's format. */
export default async function accountsModule(app: FastifyInstance) {
  await app.register(
    async (api) => {
      api.setErrorHandler(errorHandlerFor('plume'));
      api.setNotFoundHandler(notFoundHandlerFor('plume'));
      await api.register(tokenRoutes);
      await api.register(registrationRoutes);
      await api.register(profileRoutes);
      await api.register(searchRequestRoutes);
      await api.register(oauthRoutes);
    },
    { prefix: '/api/v1' },
  );
}
