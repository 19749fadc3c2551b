import { randomBytes } from 'node:crypto';
import type { Database, Queryable } from '../../platform/db/database.js';
import { NotFoundError, ValidationError } from '../../platform/errors.js';
import { checkOutboundTarget, OutboundTargetRefused, type OutboundPolicy } from '../../platform/http/outbound.js';
import { enqueueJob, JobInterrupted } from '../../platform/jobs/jobs.js';
import { enqueueMail } from '../../platform/mail/outbox.js';
import { postSignedWebhook } from '../../platform/webhooks/delivery.js';
import { isUuid } from '../../platform/uuid.js';
import { overpassesWithoutDetection, publishedPlumes, type PlumeRef } from '../catalog/community.service.js';
import * as notifications from './notifications.queries.js';
import * as queries from './watches.queries.js';
import type { NotificationsQuery, WatchBody } from './watches.schemas.js';

export const WEBHOOK_QUEUE = 'community.webhooks';
export const WEBHOOK_EVENT = 'plume.notified';
export const WEBHOOK_MAX_ATTEMPTS = 5;

function watchView(row: queries.WatchRow) {
  return { id: row.id, name: row.name, area: JSON.parse(row.area) as Record<string, unknown>, threshold_kg_h: row.threshold_kg_h, email: row.email, webhook_url: row.webhook_url, created: row.created.toISOString() };
}

function positions(area: NonNullable<WatchBody['area']>): number[][] {
  return area.type === 'Polygon' ? area.coordinates.flat() : area.coordinates.flat(2);
}

/** Resolves an area of interest or administrative area, for the caller, to its geometry (hex EWKB). */
export type AreaLookup = (selection: { aoiIds: string[]; gadmIds: string[] }) => Promise<string[]>;

/** The watched area as GeoJSON text: drawn in the body, or copied from one of the caller's areas. */
async function watchedArea(db: Queryable, body: WatchBody, lookup: AreaLookup): Promise<string> {
  const given = (['area', 'aoi_id', 'gadm_composite_id'] as const).filter((name) => body[name] !== undefined);
  if (given.length !== 1) throw ValidationError.field('body', ['area'], 'Give exactly one of area (GeoJSON), aoi_id or gadm_composite_id.');
  if (body.area) {
    if (positions(body.area).some(([, lat]) => lat! < -90 || lat! > 90)) throw ValidationError.field('body', ['area'], 'Latitudes must lie between -90 and 90.');
    return JSON.stringify(body.area);
  }
  const [ewkb] = await lookup({ aoiIds: body.aoi_id ? [body.aoi_id] : [], gadmIds: body.gadm_composite_id ? [body.gadm_composite_id] : [] });
  return queries.geoJsonOf(db, ewkb!);
}

export async function createWatch(db: Queryable, organizationId: string, body: WatchBody, policy: OutboundPolicy, lookup: AreaLookup) {
  const area = await watchedArea(db, body, lookup);
  if (body.webhook_url) {
    // A webhook may only target a public address: anything else would let a tenant reach this server's network (SSRF).
    try {
      await checkOutboundTarget(body.webhook_url, policy);
    } catch (error) {
      if (error instanceof OutboundTargetRefused) throw ValidationError.field('body', ['webhook_url'], `Refused: ${error.message}`);
      throw error;
    }
  }
  const webhookSecret = body.webhook_url ? `whsec_${randomBytes(24).toString('base64url')}` : null;
  const row = await queries.insertWatch(db, organizationId, {
    name: body.name,
    area,
    thresholdKgH: body.threshold_kg_h,
    email: body.email,
    webhookUrl: body.webhook_url ?? null,
    webhookSecret,
  });
  if (!row) throw ValidationError.field('body', ['area'], 'The area is not a valid polygon (rings must close and must not cross themselves).');
  return { ...watchView(row), webhook_secret: webhookSecret };
}

export async function listWatches(db: Queryable, organizationId: string) {
  return (await queries.selectWatches(db, organizationId)).map(watchView);
}

export async function deleteWatch(db: Queryable, organizationId: string, id: string) {
  if (!isUuid(id) || !(await queries.deleteWatch(db, organizationId, id))) throw new NotFoundError(`Watch ${id} not found.`);
  return true;
}

export async function listNotifications(db: Queryable, organizationId: string, query: NotificationsQuery) {
  const [rows, count] = await Promise.all([notifications.selectNotifications(db, organizationId, query, query), notifications.countNotifications(db, organizationId, query)]);
  return {
    items: rows.map(({ evidence, ...row }) => ({
      ...row,
      repair_evidence: evidence.map((e) => ({ scene_id: e.scene_id, scene_name: e.scene_name, timestamp: new Date(e.timestamp).toISOString() })),
      created: row.created.toISOString(),
      modified: row.modified.toISOString(),
    })),
    count,
  };
}

type RatedPlume = PlumeRef & { emission_auto: number };
const hasRate = (plume: PlumeRef): plume is RatedPlume => plume.emission_auto !== null;

/**
 * Matches newly published plumes against every watch (the queue the 0033 trigger fills), raising
 * one notification per watch and plume and queueing its e-mail, in one transaction: a failure
 * leaves the plumes queued for the next sweep. Returns how many notifications were raised.
 */
export async function processPublishedPlumes(db: Database, publicUrl: string, batch = 200): Promise<{ taken: number; raised: number }> {
  return db.transaction(async (tx) => {
    const ids = await notifications.takeQueuedPlumes(tx, batch);
    const plumes = new Map((await publishedPlumes(tx, ids)).filter(hasRate).map((plume) => [plume.id, plume]));
    const created = await notifications.raiseNotifications(tx, [...plumes.values()]);
    for (const notification of created) {
      const plume = plumes.get(notification.plume_uuid)!;
      // A report the organization made before the plume was published already sets the state.
      await notifications.refreshNotificationStates(tx, notification.organization_id, [plume.id]);
      if (notification.webhook) await enqueueJob(tx, WEBHOOK_QUEUE, { notificationId: notification.id });
      if (!notification.email) continue;
      for (const to of await notifications.selectRecipients(tx, notification.organization_id)) {
        await enqueueMail(tx, {
          to,
          subject: `Plume ${plume.plume_id} (${Math.round(plume.emission_auto)} kg/h) published in ${notification.watch_name}`,
          text: [
            `A ${plume.gas} plume of ${plume.emission_auto.toFixed(1)} kg/h was published inside your watched area "${notification.watch_name}",`,
            `at longitude ${plume.longitude.toFixed(5)}, latitude ${plume.latitude.toFixed(5)}.`,
            '',
            `Plume: ${publicUrl}/api/v1/catalog/plume/${plume.plume_id}`,
            `Tell us what you found: POST ${publicUrl}/api/v1/community/operator_report with plume_identifier=${plume.plume_id}`,
          ].join('\n'),
        });
      }
    }
    const raised = created.length;
    return { taken: ids.length, raised };
  });
}

/** Records, for notifications whose repair is reported, later overpasses that saw no plume of the source. */
export async function recordRepairEvidence(db: Queryable, batch = 200): Promise<number> {
  let recorded = 0;
  for (const pending of await notifications.selectRepairing(db, batch)) {
    for (const scene of await overpassesWithoutDetection(db, pending.plume_uuid, pending.after)) {
      await notifications.insertEvidence(db, pending.id, scene);
      recorded += 1;
    }
  }
  return recorded;
}

/** One sweep of the notification loop: raise notifications, then look for repair evidence. */
export async function sweepNotifications(db: Database, publicUrl: string, batch = 200, signal?: AbortSignal) {
  let raised = 0;
  // Batch after batch until the queue is drained (a bulk import publishes thousands at once);
  // a stopping server ends after the batch under way (the rest stays queued).
  for (let round = 0; round < 1000 && !signal?.aborted; round++) {
    const result = await processPublishedPlumes(db, publicUrl, batch);
    raised += result.raised;
    if (result.taken < batch) break;
  }
  return { raised, evidence: signal?.aborted ? 0 : await recordRepairEvidence(db) };
}

/**
 * The webhook job: one signed POST of the notification (event `plume.notified`) to its watch's
 * URL through the outbound client; a failure is retried by the job queue with back-off, and after
 * the fifth attempt the notification's webhook is marked failed. A delivery under way when the
 * worker stops is handed back, not counted.
 */
export async function deliverWebhook(db: Database, notificationId: string, policy: OutboundPolicy, signal?: AbortSignal) {
  const target = await notifications.selectWebhookDelivery(db, notificationId);
  if (!target || !target.url || !target.secret || target.webhook_state !== 'pending') return;
  const body = JSON.stringify({
    id: target.id,
    event: WEBHOOK_EVENT,
    created_at: target.created.toISOString(),
    data: { watch_id: target.watch_id, watch_name: target.watch_name, plume_id: target.plume_id, plume_uuid: target.plume_uuid, emission_rate: target.emission_rate, state: target.state },
  });
  const { error } = await postSignedWebhook({ url: target.url, secret: target.secret, event: WEBHOOK_EVENT, deliveryId: target.id, body }, policy, signal);
  if (signal?.aborted) throw new JobInterrupted();
  const last = target.webhook_attempts + 1 >= WEBHOOK_MAX_ATTEMPTS;
  await notifications.recordWebhookAttempt(db, notificationId, { state: error === null ? 'delivered' : last ? 'failed' : 'pending', error });
  if (error !== null && !last) throw new Error(`notification webhook ${notificationId}: ${error}`);
}
