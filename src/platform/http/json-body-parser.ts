import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../errors.js';
import { findJsonProblem } from './json-guard.js';

/**
 * Fastify's JSON body parser (with its prototype-poisoning checks), followed by the limits every
 * JSON value keeps (json-guard.ts). Checking here, before any route or hook sees the body, means
 * no path — with or without a body schema — can be handed a value nested deep enough to overflow
 * the stack or a number that is not finite. Registered on the root, so every module inherits it.
 */
export function guardJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parseJson(request, body as string, (error, value) => {
      if (error) return done(error, undefined);
      const problem = findJsonProblem(value);
      if (problem) return done(ValidationError.field('body', problem.path, problem.message, problem.type), undefined);
      return done(null, value);
    });
  });
}
