import type { Database, Queryable } from '../../platform/db/database.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { isUuid } from '../../platform/uuid.js';
import * as queries from './captures.queries.js';
import { acceptsCaptures } from './deck-status.js';
import type { Owner } from './owner.js';
import { platformRow } from './platforms.service.js';
import { specRow } from './specs.service.js';
import type { CaptureBody, ReviewBody } from './tasking.schemas.js';

const notFound = (id: string): never => {
  throw new NotFoundError(`Task capture ${id} not found.`);
};

function captureView(row: queries.CaptureRow) {
  return {
    id: row.id,
    created: row.created_at.toISOString(),
    target_spec: row.target_spec_id,
    platform: row.platform_id,
    captured_at: row.captured_at.toISOString(),
    scene: row.scene,
    notes: row.notes,
    status: row.status,
  };
}

function rejectionView(row: queries.ReviewRow) {
  if (!row.rejection_id) return null;
  return {
    id: row.rejection_id,
    created: row.rejection_created_at!.toISOString(),
    reason: row.rejection_reason!,
    description: row.rejection_description,
    notes: row.rejection_notes,
    review: row.id,
  };
}

function reviewView(row: queries.ReviewRow) {
  return {
    id: row.id,
    created: row.created_at.toISOString(),
    task_capture: row.task_capture_id,
    decision: row.decision,
    notes: row.notes,
    reviewer: row.reviewer,
    rejection: rejectionView(row),
  };
}

async function captureRow(db: Queryable, owner: Owner, id: string, lock = false) {
  return (isUuid(id) ? await queries.selectCapture(db, owner.organizationId, id, lock) : undefined) ?? notFound(id);
}

export async function getCapture(db: Queryable, owner: Owner, id: string) {
  return captureView(await captureRow(db, owner, id));
}

/** A capture of one of the organization's specs, by one of its platforms, once its deck is (or was) being captured. */
export async function createCapture(db: Queryable, owner: Owner, body: CaptureBody) {
  const spec = await specRow(db, owner, body.target_spec_id);
  if (!acceptsCaptures(spec.deck_status)) throw new ConflictError(`The target spec’s deck is ${spec.deck_status}: captures are recorded once it is ACTIVE.`);
  if (body.platform_id) await platformRow(db, owner, body.platform_id);
  const row = await queries.insertCapture(db, owner.organizationId, {
    specId: spec.id,
    platformId: body.platform_id ?? null,
    capturedAt: body.captured_at,
    scene: body.scene ?? null,
    notes: body.notes ?? null,
  });
  return captureView(row);
}

export async function listCaptures(db: Queryable, owner: Owner, query: { target_spec_id?: string | undefined; status?: string | undefined; limit: number; offset: number }) {
  const filter = { specId: query.target_spec_id, status: query.status };
  const [rows, count] = await Promise.all([queries.selectCaptures(db, owner.organizationId, filter, query), queries.countCaptures(db, owner.organizationId, filter)]);
  return { items: rows.map(captureView), count };
}

/** A review decides the capture's status; a rejecting one says why (the page's rejection). Later reviews supersede earlier ones. */
export async function reviewCapture(db: Database, owner: Owner, captureId: string, body: ReviewBody) {
  if (body.decision === 'REJECTED' && !body.rejection) throw ValidationError.field('body', ['rejection'], 'A rejecting review gives its rejection: reason, description, notes.');
  if (body.decision === 'ACCEPTED' && body.rejection) throw ValidationError.field('body', ['rejection'], 'An accepting review has no rejection.');
  const reviewId = await db.transaction(async (tx) => {
    const capture = await captureRow(tx, owner, captureId, true);
    const id = await queries.insertReview(tx, owner.organizationId, { captureId: capture.id, decision: body.decision, notes: body.notes ?? null, reviewer: owner.reviewer });
    if (body.rejection) {
      await queries.insertRejection(tx, owner.organizationId, { reviewId: id, reason: body.rejection.reason, description: body.rejection.description ?? null, notes: body.rejection.notes ?? null });
    }
    return id;
  });
  return reviewView((await queries.selectReview(db, owner.organizationId, reviewId))!);
}

export async function listReviews(db: Queryable, owner: Owner, captureId: string) {
  const capture = await captureRow(db, owner, captureId);
  return (await queries.selectReviews(db, owner.organizationId, capture.id)).map(reviewView);
}

/** The page's rejection: that of the capture's latest review, when that review rejected it. */
export async function getRejection(db: Queryable, owner: Owner, captureId: string) {
  const capture = await captureRow(db, owner, captureId);
  const [latest] = await queries.selectReviews(db, owner.organizationId, capture.id);
  const rejection = latest ? rejectionView(latest) : null;
  if (!rejection) throw new NotFoundError(`Task capture ${captureId} has no rejection.`);
  return rejection;
}
