import type { FastifyInstance } from 'fastify';

/** Placeholder: the tiles routes land here. */
export default async function tilesRoutes(_app: FastifyInstance) {}
