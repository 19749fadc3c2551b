import type { Database, Queryable } from '../../platform/db/database.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { isUuid } from '../../platform/uuid.js';
import { searchSceneIds, visibleSceneNames } from '../catalog/picker.service.js';
import * as queries from './picker.queries.js';
import type { AssignmentBody, AssignmentPatchBody, AssignmentsQuery, PickerStatus, SceneAssessmentBody, SceneStatusBody } from './picker.schemas.js';

/**
 * Who acts in the picker: always for one organization (its scenes, its members); a signed-in user
 * (userId) or an API key of the organization (userId null, which manages assignments as the
 * organization's automation but has no statuses or assessments of its own).
 */
export interface Actor {
  organizationId: string;
  userId: string | null;
  isStaff: boolean;
}

/** The catalog viewer of an organization's picker: its own scenes too, published or not. */
const viewerOf = (actor: Actor) => ({ organizationId: actor.organizationId });

export async function actorFor(db: Queryable, principal: { organizationId: string; kind: string; userId: string | null }): Promise<Actor> {
  const userId = principal.kind === 'user' ? principal.userId : null;
  const isStaff = userId ? ((await queries.selectUserFlags(db, userId))?.is_staff ?? false) : false;
  return { organizationId: principal.organizationId, userId, isStaff };
}

function userView(row: queries.UserRow) {
  const name = `${row.first_name} ${row.last_name}`.trim();
  return {
    label: name || row.email,
    groups: {
      platform: ['users', ...(row.is_staff ? ['staff'] : []), ...(row.is_superuser ? ['superusers'] : [])],
      ...(row.organization_id && row.role ? { [row.organization_id]: [row.role] } : {}),
    },
    organizations: row.organization_id && row.organization_name && row.role ? [{ id: row.organization_id, name: row.organization_name, role: row.role }] : [],
    id: Number(row.number),
    email: row.email,
    first_name: row.first_name,
    last_name: row.last_name,
    industry: row.industry,
    organization: row.organization,
    title: row.title,
    usage: row.usage,
    date_joined: row.created_at.toISOString(),
    is_staff: row.is_staff,
    is_superuser: row.is_superuser,
  };
}

type UserView = ReturnType<typeof userView>;

function statusView(row: queries.StatusRow, users: Map<string, UserView>, sceneNames: Map<string, string>, assignmentStatus: PickerStatus) {
  const user = users.get(row.user_id);
  return {
    pk: Number(row.id),
    user: { label: user?.label ?? '', email: user?.email ?? '', id: user?.id ?? 0 },
    scene_id: row.scene_id,
    scene: { name: sceneNames.get(row.scene_id) ?? null },
    assignment: { id: Number(row.assignment_id), note: row.assignment_note, status: assignmentStatus },
    note: row.note,
    status: row.status,
    created: row.created.toISOString(),
    modified: row.modified.toISOString(),
  };
}

/** The page's assignment objects for these rows, in their order (four queries for a whole page). */
async function assignmentViews(db: Queryable, actor: Actor, rows: queries.AssignmentRow[]) {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const [scenes, assignees, statuses] = await Promise.all([queries.selectAssignmentScenes(db, ids), queries.selectAssignmentAssignees(db, ids), queries.selectStatusesOf(db, ids)]);
  const userIds = new Set([...rows.flatMap((row) => (row.assigner_id ? [row.assigner_id] : [])), ...assignees.map((a) => a.user_id), ...statuses.map((s) => s.user_id)]);
  const [users, sceneNames] = await Promise.all([
    queries.selectUsers(db, actor.organizationId, { ids: [...userIds] }),
    visibleSceneNames(db, viewerOf(actor), [...new Set(scenes.map((s) => s.scene_id))]),
  ]);
  const byId = new Map(users.map((user) => [user.id, userView(user)]));
  return rows.map((row) => ({
    id: Number(row.id),
    user: row.assigner_id ? (byId.get(row.assigner_id) ?? null) : null,
    assignees: assignees.filter((a) => a.assignment_id === row.id).flatMap((a) => byId.get(a.user_id) ?? []),
    usersceneassignmentstatus_set: statuses.filter((s) => s.assignment_id === row.id).map((s) => statusView(s, byId, sceneNames, row.status)),
    status: row.status,
    created: row.created.toISOString(),
    note: row.note,
    scenes: scenes.filter((s) => s.assignment_id === row.id).map((s) => s.scene_id),
  }));
}

export async function listAssignments(db: Queryable, actor: Actor, query: AssignmentsQuery) {
  const filter: queries.AssignmentFilter = { organizationId: actor.organizationId };
  if (query.assigner_id) filter.assignerNumber = query.assigner_id;
  if (query.assignee_id) filter.assigneeNumber = query.assignee_id;
  if (query.assignment_status) filter.status = query.assignment_status;
  if (query.scene_search) filter.sceneIds = await searchSceneIds(db, viewerOf(actor), query.scene_search);
  const [rows, count] = await Promise.all([queries.selectAssignments(db, filter, query), queries.countAssignments(db, filter)]);
  return { items: await assignmentViews(db, actor, rows), count };
}

export async function getAssignment(db: Queryable, actor: Actor, id: string) {
  const [row] = await queries.selectAssignments(db, { organizationId: actor.organizationId, ids: [id] }, { limit: 1, offset: 0 });
  if (!row) throw new NotFoundError(`Assignment ${id} not found.`);
  const [view] = await assignmentViews(db, actor, [row]);
  return view!;
}

/** Assignees: members of the organization, by user id (users.number); each unknown one is named. */
async function resolveAssignees(db: Queryable, actor: Actor, numbers: number[]) {
  const unique = [...new Set(numbers)];
  const members = new Map((await queries.selectUsers(db, actor.organizationId, { numbers: unique })).filter((u) => u.role).map((u) => [Number(u.number), u.id]));
  const missing = numbers.findIndex((n) => !members.has(n));
  if (missing >= 0) throw ValidationError.field('body', ['assignees', missing], `User ${numbers[missing]} is not a member of this organization.`);
  return unique.map((n) => members.get(n)!);
}

/** Scenes: visible to the organization (the catalog's rule); each other one is named as not found. */
async function resolveScenes(db: Queryable, actor: Actor, ids: string[]) {
  const visible = await visibleSceneNames(db, viewerOf(actor), ids);
  const missing = ids.findIndex((id) => !visible.has(id));
  if (missing >= 0) throw ValidationError.field('body', ['scenes', missing], `Scene ${ids[missing]} not found.`);
  return [...new Set(ids)];
}

/** The assigner: the caller, or (staff and API keys only) another member named by user_id. */
async function resolveAssigner(db: Queryable, actor: Actor, userNumber: number | null | undefined) {
  if (userNumber === undefined || userNumber === null) return actor.userId;
  const [user] = (await queries.selectUsers(db, actor.organizationId, { numbers: [userNumber] })).filter((u) => u.role);
  if (!user) throw ValidationError.field('body', ['user_id'], `User ${userNumber} is not a member of this organization.`);
  if (user.id !== actor.userId && actor.userId !== null && !actor.isStaff) throw new ForbiddenError('Only staff may make an assignment on behalf of another user.');
  return user.id;
}

export async function createAssignment(db: Database, actor: Actor, body: AssignmentBody) {
  const id = await db.transaction(async (tx) => {
    const [assignerId, userIds, sceneIds] = [await resolveAssigner(tx, actor, body.user_id), await resolveAssignees(tx, actor, body.assignees), await resolveScenes(tx, actor, body.scenes)];
    const created = await queries.insertAssignment(tx, { organizationId: actor.organizationId, assignerId, note: body.note ?? null });
    await queries.replaceMembers(tx, created, sceneIds, userIds);
    return created;
  });
  return getAssignment(db, actor, id);
}

/** Staff, the assigner and the organization's API keys manage an assignment; its assignees only update their statuses. */
function mayManage(actor: Actor, assignment: { assigner_id: string | null }) {
  return actor.isStaff || actor.userId === null || actor.userId === assignment.assigner_id;
}

export async function modifyAssignment(db: Database, actor: Actor, id: string, body: AssignmentPatchBody) {
  await db.transaction(async (tx) => {
    const assignment = await queries.lockAssignment(tx, actor.organizationId, id);
    if (!assignment) throw new NotFoundError(`Assignment ${id} not found.`);
    if (!mayManage(actor, assignment)) throw new ForbiddenError('Only staff and the assigner may change an assignment.');
    const assignerId = body.user_id === undefined ? undefined : await resolveAssigner(tx, actor, body.user_id);
    await queries.updateAssignment(tx, id, { assignerId, note: body.note });
    if (body.scenes || body.assignees) {
      const sceneIds = body.scenes ? await resolveScenes(tx, actor, body.scenes) : (await queries.selectAssignmentScenes(tx, [id])).map((s) => s.scene_id);
      const userIds = body.assignees ? await resolveAssignees(tx, actor, body.assignees) : (await queries.selectAssignmentAssignees(tx, [id])).map((a) => a.user_id);
      await queries.replaceMembers(tx, id, sceneIds, userIds);
    }
  });
  return getAssignment(db, actor, id);
}

export async function deleteAssignment(db: Database, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const assignment = await queries.lockAssignment(tx, actor.organizationId, id);
    if (!assignment) throw new NotFoundError(`Assignment ${id} not found.`);
    if (!mayManage(actor, assignment)) throw new ForbiddenError('Only staff and the assigner may delete an assignment.');
    await queries.deleteAssignment(tx, id);
  });
  return true;
}

async function statusResponse(db: Queryable, actor: Actor, id: string) {
  const row = await queries.selectStatus(db, actor.organizationId, id);
  if (!row) throw new NotFoundError(`Scene assessment status ${id} not found.`);
  const [assignment] = await queries.selectAssignments(db, { organizationId: actor.organizationId, ids: [row.assignment_id] }, { limit: 1, offset: 0 });
  const [users, names] = await Promise.all([queries.selectUsers(db, actor.organizationId, { ids: [row.user_id] }), visibleSceneNames(db, viewerOf(actor), [row.scene_id])]);
  return statusView(row, new Map(users.map((u) => [u.id, userView(u)])), names, assignment!.status);
}

/** An assignee sets their own status; staff and the assigner may set anyone's. */
export async function updateSceneStatus(db: Database, actor: Actor, id: string, body: SceneStatusBody) {
  if (!/^[0-9]{1,15}$/.test(id)) throw new NotFoundError(`Scene assessment status ${id} not found.`);
  await db.transaction(async (tx) => {
    const row = await queries.selectStatus(tx, actor.organizationId, id);
    if (!row) throw new NotFoundError(`Scene assessment status ${id} not found.`);
    const allowed = actor.userId !== null && (actor.userId === row.user_id || actor.userId === row.assigner_id || actor.isStaff);
    if (!allowed) throw new ForbiddenError('Only the assignee, the assigner or staff may change this status.');
    await queries.updateStatus(tx, id, { status: body.status, note: body.note });
  });
  return statusResponse(db, actor, id);
}

function assessmentView(row: queries.AssessmentRow) {
  return {
    id: Number(row.id),
    user: Number(row.user_number),
    scene_id: row.scene_id,
    scene_assessment_status_id: row.scene_status_id === null ? null : Number(row.scene_status_id),
    image_artifacts: row.image_artifacts,
    low_snr: row.low_snr,
    geolocation_error: row.geolocation_error,
    atmospheric_artifacts: row.atmospheric_artifacts,
    cloud_cover_pct: row.cloud_cover_pct,
    note: row.note,
  };
}

async function visibleScene(db: Queryable, actor: Actor, sceneId: string) {
  if (!isUuid(sceneId) || !(await visibleSceneNames(db, viewerOf(actor), [sceneId])).has(sceneId)) throw new NotFoundError(`Scene ${sceneId} not found.`);
}

/** Your assessment of the scene (an API key: the organization's latest). */
export async function getAssessment(db: Queryable, actor: Actor, sceneId: string) {
  await visibleScene(db, actor, sceneId);
  const row = await queries.selectAssessment(db, actor.organizationId, sceneId, actor.userId);
  if (!row) throw new NotFoundError(`No assessment of scene ${sceneId}.`);
  return assessmentView(row);
}

/** Creates or updates your assessment of a scene, optionally tied to your status on it (which must be yours, on that scene). */
export async function saveAssessment(db: Database, actor: Actor, body: SceneAssessmentBody) {
  if (!actor.userId) throw new ForbiddenError('An assessment is an analyst’s: this endpoint needs a user token, not an organization API key.');
  const userId = actor.userId;
  await visibleScene(db, actor, body.scene_id);
  const statusId = body.scene_assessment_status_id === undefined || body.scene_assessment_status_id === null ? body.scene_assessment_status_id : String(body.scene_assessment_status_id);
  if (statusId) {
    const status = await queries.selectStatus(db, actor.organizationId, statusId);
    if (!status || status.user_id !== userId || status.scene_id !== body.scene_id) {
      throw ValidationError.field('body', ['scene_assessment_status_id'], 'Not one of your statuses on this scene.');
    }
  }
  const row = await queries.upsertAssessment(db, {
    organizationId: actor.organizationId,
    userId,
    sceneId: body.scene_id,
    statusId,
    imageArtifacts: body.image_artifacts,
    lowSnr: body.low_snr,
    geolocationError: body.geolocation_error,
    atmosphericArtifacts: body.atmospheric_artifacts,
    cloudCoverPct: body.cloud_cover_pct,
    note: body.note,
  });
  return assessmentView(row!);
}
