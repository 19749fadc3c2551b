import sql, { join, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';

export interface CaptureRow {
  id: string;
  target_spec_id: string;
  platform_id: string | null;
  captured_at: Date;
  scene: string | null;
  notes: string | null;
  status: string;
  created_at: Date;
}

export interface ReviewRow {
  id: string;
  task_capture_id: string;
  decision: string;
  notes: string | null;
  reviewer: string;
  created_at: Date;
  rejection_id: string | null;
  rejection_reason: string | null;
  rejection_description: string | null;
  rejection_notes: string | null;
  rejection_created_at: Date | null;
}

const CAPTURE_COLUMNS = sql`id, target_spec_id, platform_id, captured_at, scene, notes, status, created_at`;

export async function insertCapture(
  db: Queryable,
  organizationId: string,
  capture: { specId: string; platformId: string | null; capturedAt: string; scene: string | null; notes: string | null },
) {
  const [row] = await db.query<CaptureRow>(sql`
    INSERT INTO task_captures (organization_id, target_spec_id, platform_id, captured_at, scene, notes)
    VALUES (${organizationId}, ${capture.specId}::uuid, ${capture.platformId}::uuid, ${capture.capturedAt}::timestamptz, ${capture.scene}, ${capture.notes})
    RETURNING ${CAPTURE_COLUMNS}`);
  return row!;
}

export async function selectCapture(db: Queryable, organizationId: string, id: string, lock = false) {
  const [row] = await db.query<CaptureRow>(sql`
    SELECT ${CAPTURE_COLUMNS} FROM task_captures WHERE organization_id = ${organizationId} AND id = ${id}::uuid ${lock ? sql`FOR UPDATE` : sql``}`);
  return row;
}

interface CaptureFilter {
  specId?: string | undefined;
  status?: string | undefined;
}

function where(organizationId: string, filter: CaptureFilter): Sql {
  const parts = [sql`organization_id = ${organizationId}`];
  if (filter.specId) parts.push(sql`target_spec_id = ${filter.specId}::uuid`);
  if (filter.status) parts.push(sql`status = ${filter.status}`);
  return join(parts, ' AND ');
}

export function selectCaptures(db: Queryable, organizationId: string, filter: CaptureFilter, page: { limit: number; offset: number }) {
  return db.query<CaptureRow>(sql`
    SELECT ${CAPTURE_COLUMNS} FROM task_captures WHERE ${where(organizationId, filter)}
    ORDER BY captured_at DESC, id LIMIT ${page.limit} OFFSET ${page.offset}`);
}

export async function countCaptures(db: Queryable, organizationId: string, filter: CaptureFilter) {
  const [row] = await db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM task_captures WHERE ${where(organizationId, filter)}`);
  return row!.n;
}

export async function insertReview(db: Queryable, organizationId: string, review: { captureId: string; decision: string; notes: string | null; reviewer: string }) {
  const [row] = await db.query<{ id: string }>(sql`
    INSERT INTO task_capture_reviews (organization_id, task_capture_id, decision, notes, reviewer)
    VALUES (${organizationId}, ${review.captureId}::uuid, ${review.decision}, ${review.notes}, ${review.reviewer}) RETURNING id`);
  await db.query(sql`UPDATE task_captures SET status = ${review.decision} WHERE organization_id = ${organizationId} AND id = ${review.captureId}::uuid`);
  return row!.id;
}

export async function insertRejection(db: Queryable, organizationId: string, rejection: { reviewId: string; reason: string; description: string | null; notes: string | null }) {
  await db.query(sql`
    INSERT INTO task_capture_rejections (organization_id, review_id, reason, description, notes)
    VALUES (${organizationId}, ${rejection.reviewId}::uuid, ${rejection.reason}, ${rejection.description}, ${rejection.notes})`);
}

const REVIEW_SELECT = sql`
  SELECT r.id, r.task_capture_id, r.decision, r.notes, r.reviewer, r.created_at,
         j.id AS rejection_id, j.reason AS rejection_reason, j.description AS rejection_description, j.notes AS rejection_notes, j.created_at AS rejection_created_at
  FROM task_capture_reviews r LEFT JOIN task_capture_rejections j ON j.review_id = r.id`;

export async function selectReview(db: Queryable, organizationId: string, id: string) {
  const [row] = await db.query<ReviewRow>(sql`${REVIEW_SELECT} WHERE r.organization_id = ${organizationId} AND r.id = ${id}::uuid`);
  return row;
}

/** A capture's reviews, newest first. */
export function selectReviews(db: Queryable, organizationId: string, captureId: string) {
  return db.query<ReviewRow>(sql`${REVIEW_SELECT} WHERE r.organization_id = ${organizationId} AND r.task_capture_id = ${captureId}::uuid ORDER BY r.created_at DESC, r.id`);
}
