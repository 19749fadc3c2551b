import type { FastifyInstance } from 'fastify';
import { errorHandlerFor, notFoundHandlerFor } from '../../platform/http/error-handler.js';
import plumeRoutes from './plumes.routes.js';
import plumeImportRoutes from './plume-imports.routes.js';
import sourceRoutes from './sources/sources.routes.js';
import sceneRoutes from './scenes/scenes.routes.js';
import assetRoutes from './assets.routes.js';
import { prepareAreaFilters, resolveAreaFilters } from './area-filters.js';

/** The plume data platform's Catalog pages under /api/v1/catalog, answering errors in that platform's format. */
export default async function catalogModule(app: FastifyInstance) {
  await app.register(
    async (catalog) => {
      catalog.setErrorHandler(errorHandlerFor('plume'));
      catalog.setNotFoundHandler(notFoundHandlerFor('plume'));
      // Every catalog route: area filters are resolved to geometries (an unknown or foreign area
      // refused) before any handler runs, and refused where a route has none: never silently ignored.
      catalog.addHook('preValidation', async (request) => prepareAreaFilters(request));
      catalog.addHook('preHandler', async (request) => resolveAreaFilters(request));
      await catalog.register(plumeRoutes);
      await catalog.register(plumeImportRoutes);
      await catalog.register(sourceRoutes);
      await catalog.register(sceneRoutes);
      await catalog.register(assetRoutes);
    },
    { prefix: '/api/v1/catalog' },
  );
}
