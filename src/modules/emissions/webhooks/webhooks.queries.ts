import sql from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';

export interface SubscriptionRow {
  organization_id: string;
  id: string;
  url: string;
  events: string[];
  secret: string;
  created_at: Date;
}

export interface DeliveryRow {
  organization_id: string;
  id: string;
  subscription_id: string;
  event: string;
  payload: Record<string, unknown>;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

const SUBSCRIPTION = sql`organization_id, id, url, events, secret, created_at`;
const DELIVERY = sql`organization_id, id, subscription_id, event, payload, state, attempts, last_status_code, last_error, created_at, delivered_at`;

export async function insertSubscription(db: Queryable, input: { organizationId: string; url: string; events: string[]; secret: string }) {
  const [row] = await db.query<SubscriptionRow>(sql`
    INSERT INTO webhook_subscriptions (organization_id, url, events, secret) VALUES (${input.organizationId}, ${input.url}, ${input.events}::text[], ${input.secret})
    RETURNING ${SUBSCRIPTION}`);
  return row!;
}

export function selectSubscriptions(db: Queryable, organizationId: string, event?: string) {
  return db.query<SubscriptionRow>(sql`
    SELECT ${SUBSCRIPTION} FROM webhook_subscriptions
    WHERE organization_id = ${organizationId} AND deleted_at IS NULL AND (${event ?? null}::text IS NULL OR ${event ?? null} = ANY(events))
    ORDER BY created_at, id`);
}

export async function selectSubscription(db: Queryable, organizationId: string, id: string) {
  const [row] = await db.query<SubscriptionRow>(sql`
    SELECT ${SUBSCRIPTION} FROM webhook_subscriptions WHERE organization_id = ${organizationId} AND id = ${id} AND deleted_at IS NULL`);
  return row;
}

export async function deleteSubscription(db: Queryable, organizationId: string, id: string) {
  const rows = await db.query(sql`
    UPDATE webhook_subscriptions SET deleted_at = now() WHERE organization_id = ${organizationId} AND id = ${id} AND deleted_at IS NULL RETURNING id`);
  return rows.length === 1;
}

export async function insertDelivery(db: Queryable, input: { organizationId: string; subscriptionId: string; event: string; payload: Record<string, unknown> }) {
  const [row] = await db.query<{ id: string }>(sql`
    INSERT INTO webhook_deliveries (organization_id, subscription_id, event, payload)
    VALUES (${input.organizationId}, ${input.subscriptionId}, ${input.event}, ${JSON.stringify(input.payload)}::jsonb) RETURNING id`);
  return row!.id;
}

/**
 * Keeps an endpoint's backlog bounded: its pending deliveries beyond the newest `keep` are marked
 * failed with `reason` (they stay in the delivery log). Returns how many were dropped.
 */
export async function dropOldestPending(db: Queryable, organizationId: string, subscriptionId: string, keep: number, reason: string) {
  const rows = await db.query(sql`
    UPDATE webhook_deliveries SET state = 'failed', last_error = ${reason}
    WHERE organization_id = ${organizationId} AND id IN (
      SELECT id FROM webhook_deliveries
      WHERE organization_id = ${organizationId} AND subscription_id = ${subscriptionId} AND state = 'pending'
      ORDER BY created_at DESC, id DESC OFFSET ${keep})
    RETURNING id`);
  return rows.length;
}

export async function selectDeliveryWithTarget(db: Queryable, id: string) {
  const [row] = await db.query<DeliveryRow & { url: string; secret: string; subscription_deleted: boolean }>(sql`
    SELECT d.organization_id, d.id, d.subscription_id, d.event, d.payload, d.state, d.attempts, d.last_status_code, d.last_error, d.created_at, d.delivered_at,
           s.url, s.secret, s.deleted_at IS NOT NULL AS subscription_deleted
    FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.organization_id = d.organization_id AND s.id = d.subscription_id
    WHERE d.id = ${id}`);
  return row;
}

export async function recordAttempt(db: Queryable, id: string, outcome: { state: DeliveryRow['state']; statusCode: number | null; error: string | null }) {
  await db.query(sql`
    UPDATE webhook_deliveries SET attempts = attempts + 1, state = ${outcome.state}, last_status_code = ${outcome.statusCode},
      last_error = ${outcome.error}, delivered_at = CASE WHEN ${outcome.state} = 'delivered' THEN now() END
    WHERE id = ${id}`);
}

export function selectDeliveries(db: Queryable, organizationId: string, subscriptionId: string, limit: number) {
  return db.query<DeliveryRow>(sql`
    SELECT ${DELIVERY} FROM webhook_deliveries WHERE organization_id = ${organizationId} AND subscription_id = ${subscriptionId}
    ORDER BY created_at DESC, id LIMIT ${limit}`);
}

export async function upsertThreshold(db: Queryable, organizationId: string, scope: number, monthlyKg: number) {
  await db.query(sql`
    INSERT INTO emission_thresholds (organization_id, scope, monthly_kg) VALUES (${organizationId}, ${scope}, ${monthlyKg})
    ON CONFLICT (organization_id, scope) DO UPDATE SET monthly_kg = EXCLUDED.monthly_kg`);
}

export function selectThresholds(db: Queryable, organizationId: string) {
  return db.query<{ scope: number; monthly_kg: number }>(sql`SELECT scope, monthly_kg FROM emission_thresholds WHERE organization_id = ${organizationId} ORDER BY scope`);
}

/** The organization's live total for one scope in the UTC month of `at`. */
export async function monthTotal(db: Queryable, organizationId: string, scope: number, at: Date) {
  const [row] = await db.query<{ kg: number }>(sql`
    SELECT COALESCE(sum(value_kg), 0)::float8 AS kg FROM emissions
    WHERE organization_id = ${organizationId} AND scope = ${scope} AND voided_at IS NULL
      AND occurred_at >= date_trunc('month', ${at}::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
      AND occurred_at < (date_trunc('month', ${at}::timestamptz AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC'`);
  return row!.kg;
}

/** Webhook deliveries by state, for the metrics endpoint. */
export const deliveriesByState = sql`SELECT state AS label, count(*)::int AS value FROM webhook_deliveries GROUP BY state`;
