import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { userOf } from '../../platform/auth/auth-plugin.js';
import { ErrorSchemas } from '../../platform/http/error-families.js';
import * as profiles from './profile.service.js';
import { ProfilePatchBody, User, UserPage, UserParams, UsersQuery } from './accounts.schemas.js';
import { plumeErrors } from './responses.js';

const TAGS = ['account'];

export default async function profileRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/account/me',
    { config: { scopes: ['account:read'] }, schema: { operationId: 'getMe', tags: TAGS, summary: 'Me', response: { 200: User, ...plumeErrors } } },
    (request) => profiles.profileOf(app.db, userOf(request).userId),
  );

  app.patch(
    '/account/me',
    {
      config: { scopes: ['account:write'] },
      schema: { operationId: 'patchMe', tags: TAGS, summary: 'Me Patch', body: ProfilePatchBody, response: { 200: User, ...plumeErrors } },
    },
    (request) => profiles.patchProfile(app.db, userOf(request).userId, request.body),
  );

  app.get(
    '/account/user/:user_id',
    {
      config: { scopes: ['account:read'] },
      schema: { operationId: 'getUser', tags: TAGS, summary: 'User (yourself, or anyone for staff)', params: UserParams, response: { 200: User, 404: ErrorSchemas.plume, ...plumeErrors } },
    },
    (request) => profiles.getUserProfile(app.db, userOf(request), request.params.user_id),
  );

  app.patch(
    '/account/user/:user_id',
    {
      config: { scopes: ['account:write'] },
      schema: { operationId: 'patchUser', tags: TAGS, summary: 'User Patch (yourself, or anyone for staff)', params: UserParams, body: ProfilePatchBody, response: { 200: User, 404: ErrorSchemas.plume, ...plumeErrors } },
    },
    (request) => profiles.patchUserProfile(app.db, userOf(request), request.params.user_id, request.body),
  );

  app.get(
    '/account/users',
    {
      config: { scopes: ['account:read'] },
      schema: {
        operationId: 'listUsers',
        tags: TAGS,
        summary: 'Users: staff see everyone; others themselves and the members of organizations they administer',
        querystring: UsersQuery,
        response: { 200: UserPage, ...plumeErrors },
      },
    },
    (request) => profiles.listUsers(app.db, userOf(request), request.query),
  );
}
