import type { FastifyInstance } from 'fastify';
import { errorHandlerFor } from '../../platform/http/error-handler.js';
import tilesRoutes from './tiles/tiles.routes.js';
import layersRoutes from './layers/layers.routes.js';
import areasRoutes from './areas/areas.routes.js';
import rasterRoutes from './raster/raster.routes.js';
import basemapRoutes from './tiles/basemap.routes.js';

/** The plume data platform's Geospatial Services (/api/v1/layers/*) and Common (/api/v1/common/*) pages. */
export default async function geoModule(app: FastifyInstance) {
  await app.register(
    async (geo) => {
      geo.setErrorHandler(errorHandlerFor('plume'));
      // No not-found handler here: /api/v1 already has the plume family's (accounts module).
      await geo.register(tilesRoutes);
      await geo.register(layersRoutes);
      await geo.register(areasRoutes);
      await geo.register(rasterRoutes);
      await geo.register(basemapRoutes);
    },
    { prefix: '/api/v1' },
  );
}
