import sql, { join, raw, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import { DATE_FIELDS } from './report-fields.js';

/** The report's plain columns (text and dates), in the page's order; names are constants, never input. */
export const PLAIN_COLUMNS = [
  'reported_by', 'operator_name', 'investigation_date', 'investigation_method', 'notes', 'classification', 'equipment_group', 'component',
  'location_description', 'confirmed_date', 'survey_method', 'leak_notes', 'leak_status', 'repair_status', 'repair_date', 'repair_notes',
  'verification_status', 'verification_date', 'verification_notes', 'verification_method', 'activity_type', 'activity_detail_notes', 'activity_date',
] as const;
export type PlainColumn = (typeof PLAIN_COLUMNS)[number];
const DATES = new Set<string>(DATE_FIELDS);

export type ReportValues = Record<PlainColumn, string | null> & { location: [number, number] | null; leak_image_key: string | null; plume_uuid: string; plume_id: string };

export interface ReportRow extends ReportValues {
  id: string;
  organization_id: string;
  published: boolean;
  created: Date;
  modified: Date;
}

const SELECT = sql`
  SELECT r.id, r.organization_id, r.plume_uuid, r.plume_id, r.published, r.leak_image_key, r.created, r.modified,
    CASE WHEN r.location IS NULL THEN NULL ELSE ARRAY[ST_X(r.location), ST_Y(r.location)] END AS location,
    ${raw(PLAIN_COLUMNS.map((c) => (DATES.has(c) ? `to_char(r.${c}, 'YYYY-MM-DD') AS ${c}` : `r.${c}`)).join(', '))}
  FROM operator_reports r`;

export interface ReportFilter {
  organizationId: string;
  id?: string;
  plumeIds?: string[];
  published?: boolean;
  owned?: boolean;
}

/** Your organization's reports, and published reports of others. */
function reportWhere(filter: ReportFilter): Sql {
  const own = sql`r.organization_id = ${filter.organizationId}::uuid`;
  const parts: Sql[] = [filter.owned === true ? own : filter.owned === false ? sql`NOT ${own} AND r.published` : sql`(${own} OR r.published)`];
  if (filter.id) parts.push(sql`r.id = ${filter.id}::uuid`);
  if (filter.plumeIds?.length) parts.push(sql`(r.plume_id = ANY(${filter.plumeIds}::text[]) OR r.plume_uuid::text = ANY(${filter.plumeIds}::text[]))`);
  if (filter.published !== undefined) parts.push(filter.published ? sql`r.published` : sql`NOT r.published`);
  return join(parts, ' AND ');
}

export function selectReports(db: Queryable, filter: ReportFilter, page: { limit: number; offset: number }) {
  return db.query<ReportRow>(sql`${SELECT} WHERE ${reportWhere(filter)} ORDER BY r.created DESC, r.id LIMIT ${page.limit} OFFSET ${page.offset}`);
}

export async function countReports(db: Queryable, filter: ReportFilter) {
  const [row] = await db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM operator_reports r WHERE ${reportWhere(filter)}`);
  return row!.n;
}

/** The organization's own report, locked for an update. */
export async function lockOwnReport(db: Queryable, organizationId: string, id: string) {
  const [row] = await db.query<ReportRow>(sql`${SELECT} WHERE r.id = ${id}::uuid AND r.organization_id = ${organizationId}::uuid FOR UPDATE`);
  return row;
}

function valueList(values: ReportValues): Sql[] {
  return PLAIN_COLUMNS.map((c) => (DATES.has(c) ? sql`${values[c]}::date` : sql`${values[c]}`));
}

const point = (location: [number, number] | null) => (location ? sql`ST_SetSRID(ST_MakePoint(${location[0]}, ${location[1]}), 4326)` : sql`NULL`);

export async function insertReport(db: Queryable, input: { id: string; organizationId: string; userId: string | null; values: ReportValues }) {
  const v = input.values;
  await db.query(sql`
    INSERT INTO operator_reports (id, organization_id, created_by_user_id, plume_uuid, plume_id, location, leak_image_key, ${raw(PLAIN_COLUMNS.join(', '))})
    VALUES (${input.id}::uuid, ${input.organizationId}::uuid, ${input.userId}::uuid, ${v.plume_uuid}::uuid, ${v.plume_id}, ${point(v.location)}, ${v.leak_image_key}, ${join(valueList(v), ', ')})`);
}

export async function updateReport(db: Queryable, id: string, v: ReportValues) {
  const values = valueList(v);
  const sets = PLAIN_COLUMNS.map((c, i) => sql`${raw(c)} = ${values[i]!}`);
  await db.query(sql`
    UPDATE operator_reports SET plume_uuid = ${v.plume_uuid}::uuid, plume_id = ${v.plume_id}, location = ${point(v.location)}, leak_image_key = ${v.leak_image_key},
      ${join(sets, ', ')}, modified = now()
    WHERE id = ${id}::uuid`);
}

export async function selectReport(db: Queryable, id: string) {
  const [row] = await db.query<ReportRow>(sql`${SELECT} WHERE r.id = ${id}::uuid`);
  return row;
}

/** Whether a report still holds this image (a replaced image's old links stop working). */
export async function leakImageHeld(db: Queryable, key: string) {
  const [row] = await db.query<{ ok: boolean }>(sql`SELECT EXISTS (SELECT 1 FROM operator_reports WHERE leak_image_key = ${key}) AS ok`);
  return row!.ok;
}
