import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../../platform/auth/auth-plugin.js';
import { ErrorSchemas } from '../../../platform/http/error-families.js';
import { createCounterStore } from '../../../platform/counters.js';
import { startWorker } from '../../../platform/jobs/jobs.js';
import { logBackgroundFailure } from '../../../platform/db/database-errors.js';
import { Uuid } from '../../../platform/http/common-schemas.js';
import * as webhooks from './webhooks.service.js';

const TAGS = ['webhooks'];
const errors = { 400: ErrorSchemas.platform, 401: ErrorSchemas.platform, 403: ErrorSchemas.platform, 429: ErrorSchemas.platform };
const withNotFound = { ...errors, 404: ErrorSchemas.platform };

const Subscription = Type.Object({ id: Uuid, url: Type.String(), events: Type.Array(Type.String()), created_at: Type.String({ format: 'date-time' }) });
const Created = Type.Intersect([Subscription, Type.Object({ secret: Type.String({ description: 'Signs every delivery; shown this once.' }) })]);
const Delivery = Type.Object({
  id: Uuid,
  event: Type.String(),
  state: Type.Enum(['pending', 'delivered', 'failed']),
  attempts: Type.Integer(),
  last_status_code: Type.Union([Type.Integer(), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  delivered_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  payload: Type.Record(Type.String(), Type.Unknown()),
});
const Thresholds = Type.Object({ data: Type.Array(Type.Object({ scope: Type.Integer(), monthly_kg: Type.Number() })) });

/** Webhook subscriptions, their delivery log and the thresholds that raise events; and the delivery workers. */
export default async function webhookRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const counters = createCounterStore(app.config.REDIS_URL);
  const perEndpoint = counters.window('webhooks', webhooks.DELIVERIES_PER_MINUTE, 60);
  const outbound = { allowPrivateTargets: app.config.WEBHOOK_ALLOW_PRIVATE_TARGETS };
  const workers = Array.from({ length: app.config.WEBHOOK_WORKERS }, () =>
    startWorker(app.db, webhooks.WEBHOOK_QUEUE, (payload, db, signal) => webhooks.deliver(db, perEndpoint, String(payload.deliveryId), outbound, signal), (error) => logBackgroundFailure(app.log, 'webhook worker', error)),
  );
  app.addHook('preClose', async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    counters.close();
  });

  app.post(
    '/webhooks',
    {
      config: { scopes: ['emissions:write'] },
      schema: { operationId: 'createWebhook', tags: TAGS, summary: 'Subscribe a public http(s) URL to events (private, loopback and link-local targets are refused with 422)', body: Type.Object({ url: Type.String({ pattern: '^https?://', maxLength: 2000 }), events: Type.Array(Type.Enum([...webhooks.EVENTS]), { minItems: 1, uniqueItems: true }) }), response: { 201: Created, ...errors, 422: ErrorSchemas.platform } },
    },
    async (request, reply) => reply.status(201).send(await webhooks.subscribe(app.db, principalOf(request).organizationId, request.body, outbound)),
  );

  app.get(
    '/webhooks',
    { config: { scopes: ['emissions:read'] }, schema: { operationId: 'listWebhooks', tags: TAGS, summary: 'Your subscriptions (never their secrets)', response: { 200: Type.Object({ data: Type.Array(Subscription) }), ...errors } } },
    (request) => webhooks.listSubscriptions(app.db, principalOf(request).organizationId),
  );

  app.delete(
    '/webhooks/:id',
    { config: { scopes: ['emissions:write'] }, schema: { operationId: 'deleteWebhook', tags: TAGS, summary: 'Unsubscribe; pending deliveries are dropped', params: Type.Object({ id: Uuid }), response: { 204: Type.Null(), ...withNotFound } } },
    async (request, reply) => {
      await webhooks.unsubscribe(app.db, principalOf(request).organizationId, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      config: { scopes: ['emissions:read'] },
      schema: { operationId: 'listWebhookDeliveries', tags: TAGS, summary: 'The delivery log, newest first', params: Type.Object({ id: Uuid }), querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }), response: { 200: Type.Object({ data: Type.Array(Delivery) }), ...withNotFound } },
    },
    (request) => webhooks.deliveryLog(app.db, principalOf(request).organizationId, request.params.id, request.query.limit),
  );

  app.put(
    '/emissions/thresholds/:scope',
    {
      config: { scopes: ['emissions:write'] },
      schema: { operationId: 'setEmissionThreshold', tags: TAGS, summary: 'Monthly kgCO2e for a scope whose crossing raises threshold.exceeded', params: Type.Object({ scope: Type.Integer({ minimum: 1, maximum: 3 }) }), body: Type.Object({ monthly_kg: Type.Number({ exclusiveMinimum: 0 }) }), response: { 200: Thresholds, ...errors } },
    },
    (request) => webhooks.setThreshold(app.db, principalOf(request).organizationId, request.params.scope, request.body.monthly_kg),
  );

  app.get(
    '/emissions/thresholds',
    { config: { scopes: ['emissions:read'] }, schema: { operationId: 'listEmissionThresholds', tags: TAGS, summary: 'Your monthly thresholds per scope', response: { 200: Thresholds, ...errors } } },
    (request) => webhooks.listThresholds(app.db, principalOf(request).organizationId),
  );
}
