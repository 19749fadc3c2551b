import type { FastifyInstance } from 'fastify';

/** Placeholder: the areas routes land here. */
export default async function areasRoutes(_app: FastifyInstance) {}
