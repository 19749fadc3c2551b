import type { Queryable } from '../../platform/db/database.js';
import { NotFoundError } from '../../platform/errors.js';
import * as queries from './search-requests.queries.js';
import type { SearchRequestBody } from './accounts.schemas.js';

function view(row: queries.SearchRequestRow) {
  return {
    id: row.id,
    aoi: row.aoi_id,
    query: row.query,
    name: row.name,
    change_detection_enabled: row.change_detection_enabled,
    change_detection_schedule: row.change_detection_schedule,
    created: row.created_at.toISOString(),
  };
}

function fieldsOf(body: SearchRequestBody): queries.SearchRequestFields {
  return {
    aoiId: body.aoi_id,
    name: body.name,
    query: body.query,
    changeDetectionEnabled: body.change_detection_enabled,
    changeDetectionSchedule: body.change_detection_schedule,
  };
}

function notFound(id: string): never {
  throw new NotFoundError(`Search request ${id} not found.`);
}

export async function createSearchRequest(db: Queryable, userId: string, body: SearchRequestBody) {
  return view(await queries.insertSearchRequest(db, userId, fieldsOf(body)));
}

export async function getSearchRequest(db: Queryable, userId: string, id: string) {
  const row = await queries.selectSearchRequest(db, userId, id);
  return row ? view(row) : notFound(id);
}

export async function patchSearchRequest(db: Queryable, userId: string, id: string, body: SearchRequestBody) {
  const row = await queries.updateSearchRequest(db, userId, id, fieldsOf(body));
  return row ? view(row) : notFound(id);
}

export async function deleteSearchRequest(db: Queryable, userId: string, id: string) {
  if (!(await queries.deleteSearchRequest(db, userId, id))) notFound(id);
  return `Search request ${id} deleted.`;
}

export async function listSearchRequests(db: Queryable, userId: string, page: { limit: number; offset: number }) {
  const [rows, count] = await Promise.all([queries.selectSearchRequests(db, userId, page), queries.countSearchRequests(db, userId)]);
  return { items: rows.map(view), count };
}
