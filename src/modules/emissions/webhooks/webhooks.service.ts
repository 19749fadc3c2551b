import { randomBytes } from 'node:crypto';
import type { Database, Queryable } from '../../../platform/db/database.js';
import { NotFoundError, UnprocessableInputError } from '../../../platform/errors.js';
import { checkOutboundTarget, OutboundTargetRefused, type OutboundPolicy } from '../../../platform/http/outbound.js';
import { DeferJob, enqueueJob, JobInterrupted } from '../../../platform/jobs/jobs.js';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import * as queries from './webhooks.queries.js';
import { postSignedWebhook } from '../../../platform/webhooks/delivery.js';
import { toGram } from '../quantities.js';

export const WEBHOOK_QUEUE = 'webhooks.deliver';
export const EVENTS = ['emission.created', 'import.completed', 'threshold.exceeded'] as const;
export type WebhookEvent = (typeof EVENTS)[number];
export const MAX_ATTEMPTS = 5;
export const DELIVERIES_PER_MINUTE = 50;

function subscriptionView(row: queries.SubscriptionRow) {
  return { id: row.id, url: row.url, events: row.events, created_at: row.created_at.toISOString() };
}

/** A webhook may only target a public address: anything else would let a tenant reach this server's network (SSRF). */
async function requirePublicTarget(url: string, policy: OutboundPolicy) {
  try {
    await checkOutboundTarget(url, policy);
  } catch (error) {
    if (error instanceof OutboundTargetRefused) throw new UnprocessableInputError(`url ${url} is refused: ${error.message}`);
    throw error;
  }
}

export async function subscribe(db: Queryable, organizationId: string, input: { url: string; events: WebhookEvent[] }, policy: OutboundPolicy) {
  await requirePublicTarget(input.url, policy);
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  const row = await queries.insertSubscription(db, { organizationId, url: input.url, events: [...new Set(input.events)], secret });
  return { ...subscriptionView(row), secret };
}

export async function listSubscriptions(db: Queryable, organizationId: string) {
  return { data: (await queries.selectSubscriptions(db, organizationId)).map(subscriptionView) };
}

export async function unsubscribe(db: Queryable, organizationId: string, id: string) {
  if (!(await queries.deleteSubscription(db, organizationId, id))) throw new NotFoundError(`Webhook ${id} not found.`);
}

export async function deliveryLog(db: Queryable, organizationId: string, id: string, limit: number) {
  if (!(await queries.selectSubscription(db, organizationId, id))) throw new NotFoundError(`Webhook ${id} not found.`);
  return {
    data: (await queries.selectDeliveries(db, organizationId, id, limit)).map((d) => ({
      id: d.id,
      event: d.event,
      state: d.state,
      attempts: d.attempts,
      last_status_code: d.last_status_code,
      last_error: d.last_error,
      created_at: d.created_at.toISOString(),
      delivered_at: d.delivered_at?.toISOString() ?? null,
      payload: d.payload,
    })),
  };
}

/**
 * Pending deliveries an endpoint may have. An endpoint that is down or slower than the events
 * would otherwise gather an unbounded backlog (50 deliveries a minute drain 1,000 in 20 minutes).
 * Beyond it the oldest pending deliveries are dropped: marked failed with DROPPED_REASON, so the
 * delivery log shows what was lost, while the newest events — the current state — still arrive.
 */
export const MAX_PENDING_DELIVERIES = 1000;
export const DROPPED_REASON = `dropped: more than ${MAX_PENDING_DELIVERIES} deliveries were waiting for this endpoint`;

/** Queues one delivery per subscription to the event, in the caller's transaction. */
export async function emit(db: Queryable, organizationId: string, event: WebhookEvent, data: Record<string, unknown>) {
  for (const subscription of await queries.selectSubscriptions(db, organizationId, event)) {
    await queries.dropOldestPending(db, organizationId, subscription.id, MAX_PENDING_DELIVERIES - 1, DROPPED_REASON);
    const deliveryId = await queries.insertDelivery(db, { organizationId, subscriptionId: subscription.id, event, payload: data });
    await enqueueJob(db, WEBHOOK_QUEUE, { deliveryId });
  }
}

/** kgCO2e added per scope and UTC month, by a record or an import. */
export class MonthlyAdditions {
  readonly #kg = new Map<string, number>();

  add(scope: number, at: Date, kg: number) {
    this.addToMonth(scope, at.toISOString().slice(0, 7), kg);
  }

  /** `month` as `YYYY-MM`, in UTC. */
  addToMonth(scope: number, month: string, kg: number) {
    const key = `${scope}|${month}`;
    this.#kg.set(key, (this.#kg.get(key) ?? 0) + Number(kg));
  }

  *entries() {
    for (const [key, kg] of this.#kg) {
      const [scope, month] = key.split('|') as [string, string];
      yield { scope: Number(scope), month, kg };
    }
  }
}

/**
 * `threshold.exceeded` for each scope and month that the additions took across the organization's
 * threshold: the total is at or above it now and was below it before them.
 */
export async function checkThresholds(db: Queryable, organizationId: string, additions: MonthlyAdditions) {
  const thresholds = await queries.selectThresholds(db, organizationId);
  for (const { scope, month, kg } of additions.entries()) {
    const threshold = thresholds.find((t) => t.scope === scope);
    if (!threshold) continue;
    const total = await queries.monthTotal(db, organizationId, scope, new Date(`${month}-01T00:00:00Z`));
    if (total >= threshold.monthly_kg && total - kg < threshold.monthly_kg) {
      await emit(db, organizationId, 'threshold.exceeded', { scope, month, threshold_kg: threshold.monthly_kg, total_kg: toGram(total) });
    }
  }
}

/** After one record: `threshold.exceeded` when it took its scope's month across the threshold. */
export async function checkThreshold(db: Queryable, organizationId: string, record: { scope: number; timestamp: string; value: number }) {
  const additions = new MonthlyAdditions();
  additions.add(record.scope, new Date(record.timestamp), record.value);
  await checkThresholds(db, organizationId, additions);
}

export async function setThreshold(db: Queryable, organizationId: string, scope: number, monthlyKg: number) {
  await queries.upsertThreshold(db, organizationId, scope, monthlyKg);
  return { data: await queries.selectThresholds(db, organizationId) };
}

export const listThresholds = async (db: Queryable, organizationId: string) => ({ data: await queries.selectThresholds(db, organizationId) });

/**
 * The delivery job: at most 50 deliveries a minute per endpoint (others wait, not counted as
 * attempts), signed, 10 s timeout, to a public address checked again as it is connected to; a
 * failure is retried by the job queue with back-off, and after the fifth attempt the delivery is
 * marked failed. A delivery under way when the worker stops (`signal`) is abandoned at once, not
 * counted, and handed back: shutdown never waits out an endpoint that does not answer.
 */
export async function deliver(db: Database, perEndpoint: RateLimiterAbstract, deliveryId: string, policy: OutboundPolicy, signal?: AbortSignal) {
  const delivery = await queries.selectDeliveryWithTarget(db, deliveryId);
  if (!delivery || delivery.state !== 'pending' || delivery.subscription_deleted) return;
  try {
    await perEndpoint.consume(delivery.subscription_id);
  } catch (rejection) {
    const wait = (rejection as { msBeforeNext?: number }).msBeforeNext ?? 60_000;
    throw new DeferJob(Math.max(1, Math.ceil(wait / 1000)));
  }
  const body = JSON.stringify({ id: delivery.id, event: delivery.event, created_at: delivery.created_at.toISOString(), data: delivery.payload });
  const { statusCode, error } = await postSignedWebhook({ url: delivery.url, secret: delivery.secret, event: delivery.event, deliveryId: delivery.id, body }, policy, signal);
  if (signal?.aborted) throw new JobInterrupted(); // sent again after the restart: at least once
  const lastAttempt = delivery.attempts + 1 >= MAX_ATTEMPTS;
  await queries.recordAttempt(db, deliveryId, { state: error === null ? 'delivered' : lastAttempt ? 'failed' : 'pending', statusCode, error });
  if (error !== null && !lastAttempt) throw new Error(`delivery ${deliveryId}: ${error}`);
}
