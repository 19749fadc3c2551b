import { clientAddressOf } from '../../platform/http/client-address.js';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { userOf } from '../../platform/auth/auth-plugin.js';
import { startWorker } from '../../platform/jobs/jobs.js';
import { logBackgroundFailure } from '../../platform/db/database-errors.js';
import * as registration from './registration.service.js';
import { ChangePasswordBody, OneTimeLinkBody, PasswordResetRequestBody, RegisterBody, ResetPasswordBody, User } from './accounts.schemas.js';
import { formErrors, NoContent } from './responses.js';
import { CREDENTIAL_ROUTE, MAILING_ROUTE } from './route-budgets.js';

const TAGS = ['account'];

export default async function registrationRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  // Woken by each request; the slow poll only picks up jobs queued by another process that stopped.
  const resetMailer = startWorker(
    app.db,
    registration.PASSWORD_RESET_QUEUE,
    (payload, db) => registration.mailPasswordReset(db, String(payload.email), app.config.publicUrl),
    (error) => logBackgroundFailure(app.log, 'password reset mailer', error),
    5_000,
  );
  app.addHook('preClose', () => resetMailer.stop());

  app.post(
    '/account/register',
    {
      config: MAILING_ROUTE,
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
      config: CREDENTIAL_ROUTE,
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
      config: MAILING_ROUTE,
      schema: { operationId: 'requestPasswordReset', tags: TAGS, summary: 'Request Password Reset (the same answer whether or not the address is registered)', body: PasswordResetRequestBody, response: { 204: NoContent, ...formErrors } },
    },
    async (request, reply) => {
      await registration.requestPasswordReset(app.db, request.body.email);
      resetMailer.wake();
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/account/reset_password',
    {
      config: CREDENTIAL_ROUTE,
      schema: { operationId: 'resetPassword', tags: TAGS, summary: 'Reset Password with an e-mailed link; 422 when the new password breaks a rule', body: ResetPasswordBody, response: { 200: User, ...formErrors } },
    },
    (request) => registration.resetPassword(app.db, request.body),
  );

  app.post(
    '/account/change_password',
    {
      config: { scopes: ['account:write'] },
      schema: { operationId: 'changePassword', tags: TAGS, summary: 'Change Password; other sessions and all STAC tokens end', body: ChangePasswordBody, response: { 204: NoContent, ...formErrors } },
    },
    async (request, reply) => {
      await registration.changePassword(app.db, app.sessions.throttle, { ...userOf(request), address: clientAddressOf(request) }, request.body);
      return reply.status(204).send(null);
    },
  );
}
