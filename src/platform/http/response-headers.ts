import type { FastifyInstance } from 'fastify';
import { conditionalPayload } from './conditional-get.js';
import { applySecurityHeaders } from './security-headers.js';

/**
 * What every response passes through on its way out, in one onSend hook rather than one each: the
 * request id, the security headers, then the conditional GET (ETag, 304). Fastify's cost per hook
 * and response is measurable on the cached-tile path (docs/benchmarks.md). Registered before
 * compression, whose hooks are the routes' own and so run after it: the tag names the
 * representation, not its encoding.
 */
export function addResponseHeaders(app: FastifyInstance): void {
  // A callback hook, not an async one: a promise per response costs too.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    applySecurityHeaders(reply);
    done(null, conditionalPayload(request, reply, payload));
  });
}
