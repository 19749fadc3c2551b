import type { FastifyInstance } from 'fastify';
import aoiRoutes from './aois.routes.js';
import administrativeAreaRoutes from './administrative-areas.routes.js';
import { areaResolver } from './area-resolver.js';

/** AOIs and administrative areas; also what the catalog's aoi_id and gadm_composite_id filters resolve through. */
export default async function areasRoutes(app: FastifyInstance) {
  app.areas.provide(areaResolver(app.db));
  await app.register(aoiRoutes);
  await app.register(administrativeAreaRoutes);
}
