import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../platform/auth/auth-plugin.js';
import { logBackgroundFailure } from '../../platform/db/database-errors.js';
import { ErrorSchemas } from '../../platform/http/error-families.js';
import { startWorker } from '../../platform/jobs/jobs.js';
import { startSweeper } from '../../platform/jobs/sweeper.js';
import { Notification, NotificationsQuery, Watch, WatchBody, WatchCreated } from './watches.schemas.js';
import * as watches from './watches.service.js';

const TAGS = ['community'];
const errors = { 401: ErrorSchemas.plume, 403: ErrorSchemas.plume, 404: ErrorSchemas.plume, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume };
/** How often published plumes are matched against watches. */
export const NOTIFICATION_SWEEP_MS = 15_000;

/** Watched areas and the notifications they raise (our addition to the page: detect → notify → report → verify). */
export default async function watchRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const stopping = new AbortController();
  const sweeper = startSweeper(
    () => watches.sweepNotifications(app.db, app.config.publicUrl, 200, stopping.signal),
    (error) => logBackgroundFailure(app.log, 'community notification sweep', error),
    NOTIFICATION_SWEEP_MS,
  );
  const outbound = { allowPrivateTargets: app.config.WEBHOOK_ALLOW_PRIVATE_TARGETS };
  const worker = startWorker(app.db, watches.WEBHOOK_QUEUE, (payload, db, signal) => watches.deliverWebhook(db, String(payload.notificationId), outbound, signal), (error) => logBackgroundFailure(app.log, 'community webhook worker', error));
  app.addHook('preClose', async () => {
    stopping.abort();
    await Promise.all([sweeper.stop(), worker.stop()]);
  });

  app.post(
    '/watches',
    { config: { scopes: ['community:write'] }, schema: { operationId: 'createWatch', tags: TAGS, summary: 'Watch an area: plumes published inside it at or above the threshold notify your organization', body: WatchBody, response: { 200: WatchCreated, ...errors } } },
    (request) => {
      const principal = principalOf(request);
      const lookup: watches.AreaLookup = (selection) => app.areas.resolve(selection, { organizationId: principal.organizationId, userId: principal.userId });
      return watches.createWatch(app.db, principal.organizationId, request.body, outbound, lookup);
    },
  );

  app.get(
    '/watches',
    { config: { scopes: ['community:read'] }, schema: { operationId: 'listWatches', tags: TAGS, summary: 'Your organization’s watched areas', response: { 200: Type.Array(Watch), ...errors } } },
    (request) => watches.listWatches(app.db, principalOf(request).organizationId),
  );

  app.delete(
    '/watches/:id',
    { config: { scopes: ['community:write'] }, schema: { operationId: 'deleteWatch', tags: TAGS, summary: 'Stop watching an area (its notifications stay)', params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 200: Type.Boolean(), ...errors } } },
    (request) => watches.deleteWatch(app.db, principalOf(request).organizationId, request.params.id),
  );

  app.get(
    '/notifications',
    {
      config: { scopes: ['community:read'] },
      schema: { operationId: 'listNotifications', tags: TAGS, summary: 'Plumes published in your watched areas, newest first, with where your report on each stands', querystring: NotificationsQuery, response: { 200: Type.Object({ items: Type.Array(Notification), count: Type.Integer() }), ...errors } },
    },
    (request) => watches.listNotifications(app.db, principalOf(request).organizationId, request.query),
  );
}
