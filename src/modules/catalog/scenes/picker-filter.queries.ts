import sql, { join, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';
import type { Interval } from '../intervals.js';
import type { Viewer } from '../plume-filter.js';

/** The scene filters on picker assignments: of the viewer's own organization only. */
export interface PickerFilter {
  /** true: scenes with at least one assignee; false: scenes without any. */
  hasAssignees?: boolean;
  /** Users' integer ids (users.number): scenes assigned to any of them. */
  assignees?: number[];
  status?: string;
  modified?: Interval;
}

/**
 * Conditions on `s` read through the view the picker's migration (0031) creates, so the catalog
 * depends on a view's columns, not on the picker module or its tables (decision 0013). Assignments
 * are an organization's internal work: anonymous viewers and other organizations see none.
 */
export function pickerWhere(filter: PickerFilter, viewer: Viewer): Sql {
  const parts: Sql[] = [sql`pa.scene_id = s.id`, viewer.organizationId ? sql`pa.organization_id = ${viewer.organizationId}::uuid` : sql`false`];
  if (filter.assignees?.length) parts.push(sql`pa.assignee_number = ANY(${filter.assignees}::bigint[])`);
  if (filter.status) parts.push(sql`pa.status = ${filter.status}`);
  if (filter.modified?.start) parts.push(sql`pa.modified >= ${filter.modified.start}`);
  if (filter.modified?.end) parts.push(sql`pa.modified < ${filter.modified.end}`);
  const exists = sql`EXISTS (SELECT 1 FROM picker_scene_assignment_states pa WHERE ${join(parts, ' AND ')})`;
  const narrowed = parts.length > 2;
  // hasAssignees=false alone asks for unassigned scenes; with other assignment filters it cannot match.
  if (filter.hasAssignees === false) return narrowed ? sql`false` : sql`NOT ${exists}`;
  return exists;
}

export interface AssignmentStateRow {
  scene_id: string;
  status_id: string;
  assignment_id: string;
  assignee_number: string;
  assignee_email: string;
  assignee_name: string;
  status: string;
  note: string | null;
  created: Date;
  modified: Date;
}

/** The viewer's organization's assignee statuses on these scenes (none for anonymous viewers), for usersceneassignmentstatus_set. */
export function selectAssignmentStates(db: Queryable, viewer: Viewer, sceneIds: string[]) {
  if (!viewer.organizationId || sceneIds.length === 0) return Promise.resolve([]);
  return db.query<AssignmentStateRow>(sql`
    SELECT pa.scene_id, pa.status_id::text, pa.assignment_id::text, pa.assignee_number::text, pa.assignee_email, pa.assignee_name, pa.status, pa.note, pa.created, pa.modified
    FROM picker_scene_assignment_states pa
    WHERE pa.organization_id = ${viewer.organizationId}::uuid AND pa.scene_id = ANY(${sceneIds}::uuid[])
    ORDER BY pa.status_id`);
}
