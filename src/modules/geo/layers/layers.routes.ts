import type { FastifyInstance } from 'fastify';

/** Placeholder: the layers routes land here. */
export default async function layersRoutes(_app: FastifyInstance) {}
