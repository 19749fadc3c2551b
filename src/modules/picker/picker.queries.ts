import sql, { join, raw, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import type { PickerStatus } from './picker.schemas.js';

export interface AssignmentRow {
  id: string;
  organization_id: string;
  assigner_id: string | null;
  note: string | null;
  created: Date;
  modified: Date;
  status: PickerStatus;
}

export interface AssignmentFilter {
  organizationId: string;
  ids?: string[];
  assignerNumber?: string;
  assigneeNumber?: string;
  status?: PickerStatus;
  /** Assignments holding any of these scenes (scene_search, resolved by the catalog). */
  sceneIds?: string[];
}

/** An assignment's status follows its assignees' statuses (Deleted ones left out). */
const DERIVED_STATUS = sql`(
  SELECT CASE
    WHEN count(*) FILTER (WHERE st.status <> 'Deleted') = 0 THEN 'Deleted'
    WHEN bool_and(st.status = 'Done') FILTER (WHERE st.status <> 'Deleted') THEN 'Done'
    WHEN bool_and(st.status IN ('Done', 'Failed')) FILTER (WHERE st.status <> 'Deleted') THEN 'Failed'
    WHEN bool_or(st.status <> 'To Do') FILTER (WHERE st.status <> 'Deleted') THEN 'In Progress'
    ELSE 'To Do' END
  FROM picker_scene_statuses st WHERE st.assignment_id = a.id)`;

function assignmentWhere(filter: AssignmentFilter): Sql {
  const parts: Sql[] = [sql`a.organization_id = ${filter.organizationId}::uuid`];
  if (filter.ids) parts.push(sql`a.id = ANY(${filter.ids}::bigint[])`);
  if (filter.assignerNumber) parts.push(sql`a.assigner_id = (SELECT u.id FROM users u WHERE u.number = ${filter.assignerNumber}::bigint)`);
  if (filter.assigneeNumber) {
    parts.push(sql`EXISTS (SELECT 1 FROM picker_assignment_assignees aa JOIN users u ON u.id = aa.user_id WHERE aa.assignment_id = a.id AND u.number = ${filter.assigneeNumber}::bigint)`);
  }
  if (filter.status) parts.push(sql`${DERIVED_STATUS} = ${filter.status}`);
  if (filter.sceneIds) parts.push(sql`EXISTS (SELECT 1 FROM picker_assignment_scenes sc WHERE sc.assignment_id = a.id AND sc.scene_id = ANY(${filter.sceneIds}::uuid[]))`);
  return join(parts, ' AND ');
}

export function selectAssignments(db: Queryable, filter: AssignmentFilter, page: { limit: number; offset: number }) {
  return db.query<AssignmentRow>(sql`
    SELECT a.id::text, a.organization_id, a.assigner_id, a.note, a.created, a.modified, ${DERIVED_STATUS} AS status
    FROM picker_assignments a WHERE ${assignmentWhere(filter)}
    ORDER BY a.created DESC, a.id DESC LIMIT ${page.limit} OFFSET ${page.offset}`);
}

export async function countAssignments(db: Queryable, filter: AssignmentFilter) {
  const [row] = await db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM picker_assignments a WHERE ${assignmentWhere(filter)}`);
  return row!.n;
}

export function selectAssignmentScenes(db: Queryable, ids: string[]) {
  return db.query<{ assignment_id: string; scene_id: string }>(sql`
    SELECT assignment_id::text, scene_id FROM picker_assignment_scenes WHERE assignment_id = ANY(${ids}::bigint[]) ORDER BY scene_id`);
}

export function selectAssignmentAssignees(db: Queryable, ids: string[]) {
  return db.query<{ assignment_id: string; user_id: string }>(sql`
    SELECT aa.assignment_id::text, aa.user_id FROM picker_assignment_assignees aa JOIN users u ON u.id = aa.user_id
    WHERE aa.assignment_id = ANY(${ids}::bigint[]) ORDER BY u.number`);
}

export interface StatusRow {
  id: string;
  assignment_id: string;
  organization_id: string;
  assigner_id: string | null;
  assignment_note: string | null;
  user_id: string;
  scene_id: string;
  status: PickerStatus;
  note: string | null;
  created: Date;
  modified: Date;
}

const STATUS_COLUMNS = sql`st.id::text, st.assignment_id::text, a.organization_id, a.assigner_id, a.note AS assignment_note, st.user_id, st.scene_id, st.status, st.note, st.created, st.modified`;

export function selectStatusesOf(db: Queryable, assignmentIds: string[]) {
  return db.query<StatusRow>(sql`
    SELECT ${STATUS_COLUMNS} FROM picker_scene_statuses st JOIN picker_assignments a ON a.id = st.assignment_id
    WHERE st.assignment_id = ANY(${assignmentIds}::bigint[]) ORDER BY st.id`);
}

export async function selectStatus(db: Queryable, organizationId: string, id: string) {
  const [row] = await db.query<StatusRow>(sql`
    SELECT ${STATUS_COLUMNS} FROM picker_scene_statuses st JOIN picker_assignments a ON a.id = st.assignment_id
    WHERE st.id = ${id}::bigint AND a.organization_id = ${organizationId}::uuid`);
  return row;
}

export function updateStatus(db: Queryable, id: string, change: { status: PickerStatus; note?: string | null }) {
  const note = change.note === undefined ? sql`note` : sql`${change.note}`;
  return db.query(sql`UPDATE picker_scene_statuses SET status = ${change.status}, note = ${note}, modified = now() WHERE id = ${id}::bigint`);
}

export interface UserRow {
  id: string;
  number: string;
  email: string;
  first_name: string;
  last_name: string;
  industry: string | null;
  organization: string;
  title: string;
  usage: string | null;
  created_at: Date;
  is_staff: boolean;
  is_superuser: boolean;
  organization_id: string | null;
  organization_name: string | null;
  role: string | null;
}

/** Users with their membership of this organization only (none when they are not members). */
export function selectUsers(db: Queryable, organizationId: string, where: { ids?: string[]; numbers?: number[] }) {
  const match = where.numbers ? sql`u.number = ANY(${where.numbers}::bigint[])` : sql`u.id = ANY(${where.ids ?? []}::uuid[])`;
  return db.query<UserRow>(sql`
    SELECT u.id, u.number::text, u.email, u.first_name, u.last_name, u.industry, u.organization, u.title, u.usage, u.created_at, u.is_staff, u.is_superuser,
           m.organization_id, o.name AS organization_name, m.role
    FROM users u
    LEFT JOIN memberships m ON m.user_id = u.id AND m.organization_id = ${organizationId}::uuid
    LEFT JOIN organizations o ON o.id = m.organization_id
    WHERE ${match} AND u.is_active`);
}

export async function selectUserFlags(db: Queryable, userId: string) {
  const [row] = await db.query<{ is_staff: boolean }>(sql`SELECT is_staff FROM users WHERE id = ${userId}::uuid`);
  return row;
}

export async function insertAssignment(db: Queryable, input: { organizationId: string; assignerId: string | null; note: string | null }) {
  const [row] = await db.query<{ id: string }>(sql`
    INSERT INTO picker_assignments (organization_id, assigner_id, note) VALUES (${input.organizationId}::uuid, ${input.assignerId}::uuid, ${input.note})
    RETURNING id::text`);
  return row!.id;
}

export function updateAssignment(db: Queryable, id: string, change: { assignerId?: string | null; note?: string | null }) {
  const assigner = change.assignerId === undefined ? sql`assigner_id` : sql`${change.assignerId}::uuid`;
  const note = change.note === undefined ? sql`note` : sql`${change.note}`;
  return db.query(sql`UPDATE picker_assignments SET assigner_id = ${assigner}, note = ${note}, modified = now() WHERE id = ${id}::bigint`);
}

export async function lockAssignment(db: Queryable, organizationId: string, id: string) {
  const [row] = await db.query<{ id: string; assigner_id: string | null }>(sql`
    SELECT id::text, assigner_id FROM picker_assignments WHERE id = ${id}::bigint AND organization_id = ${organizationId}::uuid FOR UPDATE`);
  return row;
}

/** Sets the assignment's scenes and assignees, keeping the statuses of pairs that stay and adding To Do for new ones. */
export async function replaceMembers(db: Queryable, id: string, sceneIds: string[], userIds: string[]) {
  await db.query(sql`DELETE FROM picker_assignment_scenes WHERE assignment_id = ${id}::bigint AND NOT (scene_id = ANY(${sceneIds}::uuid[]))`);
  await db.query(sql`INSERT INTO picker_assignment_scenes (assignment_id, scene_id) SELECT ${id}::bigint, unnest(${sceneIds}::uuid[]) ON CONFLICT DO NOTHING`);
  await db.query(sql`DELETE FROM picker_assignment_assignees WHERE assignment_id = ${id}::bigint AND NOT (user_id = ANY(${userIds}::uuid[]))`);
  await db.query(sql`INSERT INTO picker_assignment_assignees (assignment_id, user_id) SELECT ${id}::bigint, unnest(${userIds}::uuid[]) ON CONFLICT DO NOTHING`);
  await db.query(sql`
    DELETE FROM picker_scene_statuses WHERE assignment_id = ${id}::bigint
      AND NOT (scene_id = ANY(${sceneIds}::uuid[]) AND user_id = ANY(${userIds}::uuid[]))`);
  await db.query(sql`
    INSERT INTO picker_scene_statuses (assignment_id, user_id, scene_id)
    SELECT ${id}::bigint, u, s FROM unnest(${userIds}::uuid[]) u CROSS JOIN unnest(${sceneIds}::uuid[]) s
    ON CONFLICT DO NOTHING`);
}

export async function deleteAssignment(db: Queryable, id: string) {
  await db.query(sql`DELETE FROM picker_assignments WHERE id = ${id}::bigint`);
}

export interface AssessmentRow {
  id: string;
  user_number: string;
  scene_id: string;
  scene_status_id: string | null;
  image_artifacts: Record<string, unknown>;
  low_snr: boolean | null;
  geolocation_error: boolean | null;
  atmospheric_artifacts: Record<string, unknown>;
  cloud_cover_pct: number | null;
  note: string | null;
}

const ASSESSMENT_COLUMNS = sql`sa.id::text, u.number::text AS user_number, sa.scene_id, sa.scene_status_id::text, sa.image_artifacts, sa.low_snr, sa.geolocation_error,
  sa.atmospheric_artifacts, sa.cloud_cover_pct, sa.note`;

/** The user's own assessment of the scene, or (userId null: an API key) the organization's latest. */
export async function selectAssessment(db: Queryable, organizationId: string, sceneId: string, userId: string | null) {
  const mine = userId ? sql`sa.user_id = ${userId}::uuid` : sql`true`;
  const [row] = await db.query<AssessmentRow>(sql`
    SELECT ${ASSESSMENT_COLUMNS} FROM picker_scene_assessments sa JOIN users u ON u.id = sa.user_id
    WHERE sa.organization_id = ${organizationId}::uuid AND sa.scene_id = ${sceneId}::uuid AND ${mine}
    ORDER BY sa.modified DESC, sa.id DESC LIMIT 1`);
  return row;
}

export interface AssessmentInput {
  organizationId: string;
  userId: string;
  sceneId: string;
  statusId?: string | null;
  imageArtifacts?: Record<string, unknown>;
  lowSnr?: boolean | null;
  geolocationError?: boolean | null;
  atmosphericArtifacts?: Record<string, unknown>;
  cloudCoverPct?: number | null;
  note?: string | null;
}

/** Creates the user's assessment of the scene, or changes the fields given (others kept). */
export async function upsertAssessment(db: Queryable, input: AssessmentInput) {
  // Column names and casts are constants of this function, never input.
  const keep = (column: string, value: unknown, cast = '') => (value === undefined ? raw(`sa.${column}`) : sql`${value}${raw(cast)}`);
  const statusId = input.statusId === undefined ? null : input.statusId;
  await db.query(sql`
    INSERT INTO picker_scene_assessments AS sa (organization_id, scene_id, user_id, scene_status_id, image_artifacts, low_snr, geolocation_error, atmospheric_artifacts, cloud_cover_pct, note)
    VALUES (${input.organizationId}::uuid, ${input.sceneId}::uuid, ${input.userId}::uuid, ${statusId}::bigint, ${JSON.stringify(input.imageArtifacts ?? {})}::jsonb,
            ${input.lowSnr ?? false}, ${input.geolocationError ?? null}, ${JSON.stringify(input.atmosphericArtifacts ?? {})}::jsonb, ${input.cloudCoverPct ?? null}, ${input.note ?? null})
    ON CONFLICT (organization_id, scene_id, user_id) DO UPDATE SET
      scene_status_id = ${keep('scene_status_id', input.statusId, '::bigint')},
      image_artifacts = ${keep('image_artifacts', input.imageArtifacts === undefined ? undefined : JSON.stringify(input.imageArtifacts), '::jsonb')},
      low_snr = ${keep('low_snr', input.lowSnr)},
      geolocation_error = ${keep('geolocation_error', input.geolocationError)},
      atmospheric_artifacts = ${keep('atmospheric_artifacts', input.atmosphericArtifacts === undefined ? undefined : JSON.stringify(input.atmosphericArtifacts), '::jsonb')},
      cloud_cover_pct = ${keep('cloud_cover_pct', input.cloudCoverPct)},
      note = ${keep('note', input.note)},
      modified = now()`);
  return selectAssessment(db, input.organizationId, input.sceneId, input.userId);
}
