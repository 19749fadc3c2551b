import sql from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';

/**
 * A notification's state from its organization's newest report on the plume — the one place the
 * rule lives: verified once a verification is recorded (or the leak is "Repaired and Verified"),
 * repair once a repair is (or the leak "Needs Verification"), reported otherwise.
 */
export function refreshNotificationStates(db: Queryable, organizationId: string, plumeUuids: string[]) {
  return db.query(sql`
    UPDATE community_notifications n SET report_id = r.id, modified = now(), state = CASE
        WHEN r.leak_status = 'Repaired and Verified' OR r.verification_date IS NOT NULL OR r.verification_status IS NOT NULL THEN 'verified'
        WHEN r.leak_status = 'Needs Verification' OR r.repair_date IS NOT NULL OR r.repair_status IS NOT NULL THEN 'repair'
        ELSE 'reported' END
    FROM (SELECT DISTINCT ON (plume_uuid) * FROM operator_reports
          WHERE organization_id = ${organizationId}::uuid AND plume_uuid = ANY(${plumeUuids}::uuid[])
          ORDER BY plume_uuid, modified DESC, id) r
    WHERE n.organization_id = ${organizationId}::uuid AND n.plume_uuid = r.plume_uuid`);
}

/** Takes up to `limit` queued published plumes off the queue (rows another sweep holds are skipped). */
export async function takeQueuedPlumes(db: Queryable, limit: number) {
  const rows = await db.query<{ plume_uuid: string }>(sql`
    DELETE FROM community_published_plumes WHERE plume_uuid IN (
      SELECT plume_uuid FROM community_published_plumes ORDER BY queued LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING plume_uuid`);
  return rows.map((row) => row.plume_uuid);
}

export interface RaisedRow {
  id: string;
  plume_uuid: string;
  organization_id: string;
  watch_name: string;
  email: boolean;
  webhook: boolean;
}

export interface PublishedPlume {
  id: string;
  plume_id: string;
  longitude: number;
  latitude: number;
  emission_auto: number;
}

/**
 * One notification per watch whose area holds a plume and whose threshold its rate reaches, for a
 * whole batch of plumes in one statement (a bulk publish with no watch nearby costs one query, not
 * one per plume); only new ones are returned.
 */
export function raiseNotifications(db: Queryable, plumes: readonly PublishedPlume[]) {
  if (plumes.length === 0) return Promise.resolve([] as RaisedRow[]);
  return db.query<RaisedRow>(sql`
    WITH batch AS (
      SELECT * FROM unnest(${plumes.map((p) => p.id)}::uuid[], ${plumes.map((p) => p.plume_id)}::text[],
        ${plumes.map((p) => p.longitude)}::float8[], ${plumes.map((p) => p.latitude)}::float8[], ${plumes.map((p) => p.emission_auto)}::float8[])
        AS b(plume_uuid, plume_id, longitude, latitude, emission_auto)),
    raised AS (
      INSERT INTO community_notifications (organization_id, watch_id, plume_uuid, plume_id, emission_rate, webhook_state)
      SELECT w.organization_id, w.id, b.plume_uuid, b.plume_id, b.emission_auto, CASE WHEN w.webhook_url IS NOT NULL THEN 'pending' END
      FROM batch b JOIN community_watches w
        ON ST_Intersects(w.area, ST_SetSRID(ST_MakePoint(b.longitude, b.latitude), 4326)) AND b.emission_auto >= w.threshold_kg_h
      ORDER BY b.plume_uuid, w.id
      ON CONFLICT DO NOTHING
      RETURNING id, plume_uuid, organization_id, watch_id)
    SELECT raised.id, raised.plume_uuid, raised.organization_id, w.name AS watch_name, w.email, w.webhook_url IS NOT NULL AS webhook
    FROM raised JOIN community_watches w ON w.id = raised.watch_id ORDER BY raised.plume_uuid, w.id`);
}

/** Who hears of a notification by e-mail: the organization's owners and admins. */
export async function selectRecipients(db: Queryable, organizationId: string) {
  const rows = await db.query<{ email: string }>(sql`
    SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
    WHERE m.organization_id = ${organizationId}::uuid AND m.role IN ('owner', 'admin') AND u.is_active ORDER BY u.email`);
  return rows.map((row) => row.email);
}

/** Notifications awaiting proof of their repair: in repair or verified, with the instant an overpass must follow (the day after the repair date, else the report's creation). */
export function selectRepairing(db: Queryable, limit: number) {
  return db.query<{ id: string; plume_uuid: string; after: Date }>(sql`
    SELECT n.id, n.plume_uuid, COALESCE((r.repair_date + 1)::timestamp AT TIME ZONE 'UTC', r.created) AS after
    FROM community_notifications n JOIN operator_reports r ON r.id = n.report_id
    WHERE n.state IN ('repair', 'verified')
    ORDER BY n.modified LIMIT ${limit}`);
}

export function insertEvidence(db: Queryable, notificationId: string, scene: { id: string; name: string; timestamp: Date }) {
  return db.query(sql`
    INSERT INTO community_repair_evidence (notification_id, scene_id, scene_name, scene_timestamp)
    VALUES (${notificationId}::uuid, ${scene.id}::uuid, ${scene.name}, ${scene.timestamp}) ON CONFLICT DO NOTHING`);
}

export interface NotificationRow {
  id: string;
  watch_id: string | null;
  watch_name: string | null;
  plume_uuid: string;
  plume_id: string;
  emission_rate: number | null;
  state: 'open' | 'reported' | 'repair' | 'verified';
  report_id: string | null;
  webhook_state: 'pending' | 'delivered' | 'failed' | null;
  created: Date;
  modified: Date;
  evidence: { scene_id: string; scene_name: string; timestamp: string }[];
}

export function selectNotifications(db: Queryable, organizationId: string, filter: { state?: string }, page: { limit: number; offset: number }) {
  const state = filter.state ? sql`AND n.state = ${filter.state}` : sql``;
  return db.query<NotificationRow>(sql`
    SELECT n.id, n.watch_id, w.name AS watch_name, n.plume_uuid, n.plume_id, n.emission_rate, n.state, n.report_id, n.webhook_state, n.created, n.modified,
      COALESCE((SELECT json_agg(json_build_object('scene_id', e.scene_id, 'scene_name', e.scene_name, 'timestamp', e.scene_timestamp) ORDER BY e.scene_timestamp)
                FROM community_repair_evidence e WHERE e.notification_id = n.id), '[]'::json) AS evidence
    FROM community_notifications n LEFT JOIN community_watches w ON w.id = n.watch_id
    WHERE n.organization_id = ${organizationId}::uuid ${state}
    ORDER BY n.created DESC, n.id LIMIT ${page.limit} OFFSET ${page.offset}`);
}

export async function countNotifications(db: Queryable, organizationId: string, filter: { state?: string }) {
  const state = filter.state ? sql`AND n.state = ${filter.state}` : sql``;
  const [row] = await db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM community_notifications n WHERE n.organization_id = ${organizationId}::uuid ${state}`);
  return row!.n;
}

/** A notification with its watch's webhook target, for the delivery job. */
export async function selectWebhookDelivery(db: Queryable, id: string) {
  const [row] = await db.query<{ id: string; organization_id: string; watch_id: string; watch_name: string; plume_uuid: string; plume_id: string; emission_rate: number | null; state: string; created: Date; webhook_state: string | null; webhook_attempts: number; url: string | null; secret: string | null }>(sql`
    SELECT n.id, n.organization_id, n.watch_id, w.name AS watch_name, n.plume_uuid, n.plume_id, n.emission_rate, n.state, n.created, n.webhook_state, n.webhook_attempts,
           w.webhook_url AS url, w.webhook_secret AS secret
    FROM community_notifications n LEFT JOIN community_watches w ON w.id = n.watch_id WHERE n.id = ${id}::uuid`);
  return row;
}

export function recordWebhookAttempt(db: Queryable, id: string, outcome: { state: 'pending' | 'delivered' | 'failed'; error: string | null }) {
  return db.query(sql`
    UPDATE community_notifications SET webhook_attempts = webhook_attempts + 1, webhook_state = ${outcome.state}, webhook_last_error = ${outcome.error}
    WHERE id = ${id}::uuid`);
}
