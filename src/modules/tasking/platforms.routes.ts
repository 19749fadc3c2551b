import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorSchemas } from '../../platform/http/error-families.js';
import { errors, NoContent, read, TAGS, withNotFound, write } from './decks.routes.js';
import { ownerOf } from './owner.js';
import * as platforms from './platforms.service.js';
import { page, Paging, Platform, PlatformBody, PlatformParams, PlatformPatchBody } from './tasking.schemas.js';

/** The satellites that capture targets, each with its two-line element set (for capture opportunities). */
export default async function platformRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const withConflict = { 409: ErrorSchemas.plume, ...withNotFound };

  app.post(
    '/platform',
    { config: write, schema: { operationId: 'createTaskingPlatform', tags: TAGS, summary: 'Register a platform (satellite) with its TLE', body: PlatformBody, response: { 201: Platform, 409: ErrorSchemas.plume, ...errors } } },
    async (request, reply) => reply.code(201).send(await platforms.createPlatform(app.db, ownerOf(request), request.body)),
  );

  app.get(
    '/platforms',
    { config: read, schema: { operationId: 'listTaskingPlatforms', tags: TAGS, summary: 'Your organization’s platforms', querystring: Paging, response: { 200: page(Platform), ...errors } } },
    (request) => platforms.listPlatforms(app.db, ownerOf(request), request.query),
  );

  app.get(
    '/platform/:platform_id',
    { config: read, schema: { operationId: 'getTaskingPlatform', tags: TAGS, summary: 'Get a platform', params: PlatformParams, response: { 200: Platform, ...withNotFound } } },
    (request) => platforms.getPlatform(app.db, ownerOf(request), request.params.platform_id),
  );

  app.patch(
    '/platform/:platform_id',
    { config: write, schema: { operationId: 'patchTaskingPlatform', tags: TAGS, summary: 'Rename a platform or give it a fresh TLE', params: PlatformParams, body: PlatformPatchBody, response: { 200: Platform, ...withConflict } } },
    (request) => platforms.patchPlatform(app.db, ownerOf(request), request.params.platform_id, request.body),
  );

  app.delete(
    '/platform/:platform_id',
    { config: write, schema: { operationId: 'deleteTaskingPlatform', tags: TAGS, summary: 'Delete a platform (its captures keep their record, without it)', params: PlatformParams, response: { 204: NoContent, ...withNotFound } } },
    async (request, reply) => {
      await platforms.deletePlatform(app.db, ownerOf(request), request.params.platform_id);
      return reply.code(204).send(null);
    },
  );
}
