import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { userOf } from '../../platform/auth/auth-plugin.js';
import * as registration from './registration.service.js';
import { ChangePasswordBody, OneTimeLinkBody, PasswordResetRequestBody, RegisterBody, ResetPasswordBody, User } from './accounts.schemas.js';
import { formErrors, NoContent, plumeErrors } from './responses.js';

const TAGS = ['account'];

export default async function registrationRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/account/register',
    {
      config: { auth: 'none' },
      schema: { operationId: 'register', tags: TAGS, summary: 'Register; a verification link is e-mailed', body: RegisterBody, response: { 204: NoContent, ...formErrors } },
    },
    async (request, reply) => {
      await registration.register(app.db, request.body, app.config.publicUrl);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/account/register_verify',
    {
      config: { auth: 'none' },
      schema: { operationId: 'registerVerify', tags: TAGS, summary: 'Register Verify: activate an account with its e-mailed link', body: OneTimeLinkBody, response: { 204: NoContent, ...formErrors } },
    },
    async (request, reply) => {
      await registration.verifyRegistration(app.db, request.body);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/account/request_password_reset',
    {
      config: { auth: 'none' },
      schema: { operationId: 'requestPasswordReset', tags: TAGS, summary: 'Request Password Reset (the same answer whether or not the address is registered)', body: PasswordResetRequestBody, response: { 204: NoContent, ...formErrors } },
    },
    async (request, reply) => {
      await registration.requestPasswordReset(app.db, request.body.email, app.config.publicUrl);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/account/reset_password',
    {
      config: { auth: 'none' },
      schema: { operationId: 'resetPassword', tags: TAGS, summary: 'Reset Password with an e-mailed link; 422 when the new password breaks a rule', body: ResetPasswordBody, response: { 200: User, ...formErrors } },
    },
    (request) => registration.resetPassword(app.db, request.body),
  );

  app.post(
    '/account/change_password',
    {
      config: { scopes: ['account:write'] },
      schema: { operationId: 'changePassword', tags: TAGS, summary: "Change Password; other sessions' refresh tokens are revoked", body: ChangePasswordBody, response: { 204: NoContent, ...formErrors } },
    },
    async (request, reply) => {
      await registration.changePassword(app.db, app.sessions.throttle, { ...userOf(request), address: request.ip }, request.body);
      return reply.status(204).send(null);
    },
  );
}
