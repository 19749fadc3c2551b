import type { FastifyInstance } from 'fastify';

/** Placeholder: the raster routes land here. */
export default async function rasterRoutes(_app: FastifyInstance) {}
