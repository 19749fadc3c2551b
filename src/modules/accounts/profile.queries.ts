import sql, { join, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import { containsPattern } from '../../platform/db/like.js';

export interface ProfileRow {
  id: string;
  number: number;
  email: string;
  first_name: string;
  last_name: string;
  organization: string;
  title: string;
  industry: string | null;
  usage: string | null;
  notes: string;
  created_at: Date;
  is_staff: boolean;
  is_superuser: boolean;
  organizations: { id: string; name: string; role: string }[];
}

const PROFILE = sql`
  SELECT u.id, u.number, u.email, u.first_name, u.last_name, u.organization, u.title, u.industry, u.usage, u.notes,
         u.created_at, u.is_staff, u.is_superuser,
         COALESCE((
           SELECT json_agg(json_build_object('id', o.id, 'name', o.name, 'role', m.role) ORDER BY m.created_at, o.id)
           FROM memberships m JOIN organizations o ON o.id = m.organization_id
           WHERE m.user_id = u.id
         ), '[]'::json) AS organizations
  FROM users u`;

export async function selectProfile(db: Queryable, userId: string) {
  const [row] = await db.query<ProfileRow>(sql`${PROFILE} WHERE u.id = ${userId}`);
  return row;
}

export async function selectProfileByNumber(db: Queryable, number: number) {
  const [row] = await db.query<ProfileRow>(sql`${PROFILE} WHERE u.number = ${number}`);
  return row;
}

export interface ProfileChanges {
  organization?: string | undefined;
  title?: string | undefined;
  industry?: string | undefined;
  usage?: string | undefined;
  notes?: string | undefined;
}

/** Sets only the fields given; returns whether the user exists. */
export async function updateProfile(db: Queryable, userId: string, changes: ProfileChanges) {
  const assignments: Sql[] = [sql`updated_at = now()`];
  if (changes.organization !== undefined) assignments.push(sql`organization = ${changes.organization}`);
  if (changes.title !== undefined) assignments.push(sql`title = ${changes.title}`);
  if (changes.industry !== undefined) assignments.push(sql`industry = ${changes.industry}`);
  if (changes.usage !== undefined) assignments.push(sql`usage = ${changes.usage}`);
  if (changes.notes !== undefined) assignments.push(sql`notes = ${changes.notes}`);
  const rows = await db.query(sql`UPDATE users SET ${join(assignments, ', ')} WHERE id = ${userId} RETURNING id`);
  return rows.length === 1;
}

export interface UserFilter {
  /** Whose view: staff see everyone; others themselves and members of organizations they administer. */
  viewer: { userId: string; isStaff: boolean };
  numbers?: number[] | undefined;
  search?: string | undefined;
  organizationIds?: string[] | undefined;
}

function userConditions(filter: UserFilter): Sql {
  const conditions: Sql[] = [];
  if (!filter.viewer.isStaff) {
    conditions.push(sql`(u.id = ${filter.viewer.userId} OR EXISTS (
      SELECT 1 FROM memberships theirs
      JOIN memberships mine ON mine.organization_id = theirs.organization_id
      WHERE theirs.user_id = u.id AND mine.user_id = ${filter.viewer.userId} AND mine.role IN ('owner', 'admin')))`);
  }
  if (filter.numbers?.length) conditions.push(sql`u.number = ANY(${filter.numbers}::bigint[])`);
  if (filter.search) {
    const pattern = containsPattern(filter.search);
    conditions.push(sql`(u.email ILIKE ${pattern} OR u.first_name ILIKE ${pattern} OR u.last_name ILIKE ${pattern} OR u.organization ILIKE ${pattern})`);
  }
  if (filter.organizationIds?.length) {
    conditions.push(sql`EXISTS (SELECT 1 FROM memberships f WHERE f.user_id = u.id AND f.organization_id = ANY(${filter.organizationIds}::uuid[]))`);
  }
  return conditions.length ? sql`WHERE ${join(conditions, ' AND ')}` : sql``;
}

export function selectProfiles(db: Queryable, filter: UserFilter, page: { limit: number; offset: number }) {
  return db.query<ProfileRow>(sql`${PROFILE} ${userConditions(filter)} ORDER BY u.number LIMIT ${page.limit} OFFSET ${page.offset}`);
}

export async function countProfiles(db: Queryable, filter: UserFilter) {
  const [row] = await db.query<{ count: number }>(sql`SELECT count(*)::int AS count FROM users u ${userConditions(filter)}`);
  return row?.count ?? 0;
}
