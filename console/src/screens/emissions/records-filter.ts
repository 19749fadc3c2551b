import type { paths } from '../../api/openapi.js';

/** The records list's filters, kept in the URL's query so a filtered view can be shared. */
export interface RecordsFilter {
  start_date?: string;
  end_date?: string;
  scopes: number[];
  facility_id?: string;
  category?: string;
  include_voided: boolean;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Reads a filter from URL parameters, dropping values the API would refuse. */
export function readFilter(params: URLSearchParams): RecordsFilter {
  const day = (name: string) => {
    const value = params.get(name) ?? '';
    return DAY.test(value) ? value : undefined;
  };
  const text = (name: string) => {
    const value = (params.get(name) ?? '').trim();
    return value ? value.slice(0, 200) : undefined;
  };
  const scopes = [...new Set((params.get('scope') ?? '').split(',').map(Number))].filter((s) => s === 1 || s === 2 || s === 3).sort();
  const filter: RecordsFilter = { scopes, include_voided: params.get('include_voided') === 'true' };
  const start = day('start_date');
  const end = day('end_date');
  const facility = text('facility_id');
  const category = text('category');
  if (start) filter.start_date = start;
  if (end) filter.end_date = end;
  if (facility) filter.facility_id = facility;
  if (category) filter.category = category;
  return filter;
}

/** The query of `GET /v2/emissions`, as its OpenAPI declares it. */
export type RecordsQuery = NonNullable<paths['/v2/emissions']['get']['parameters']['query']>;

/** The filter as `GET /v2/emissions` takes it. */
export function filterQuery(filter: RecordsFilter): Omit<RecordsQuery, 'limit'> {
  const query: Omit<RecordsQuery, 'limit'> = {};
  if (filter.start_date) query.start_date = filter.start_date;
  if (filter.end_date) query.end_date = filter.end_date;
  if (filter.scopes.length > 0 && filter.scopes.length < 3) query.scope = filter.scopes.join(',');
  if (filter.facility_id) query.facility_id = filter.facility_id;
  if (filter.category) query.category = filter.category;
  if (filter.include_voided) query.include_voided = true;
  return query;
}

/** The same filter as URL parameters (for the address bar). */
export function filterParams(filter: RecordsFilter): URLSearchParams {
  return new URLSearchParams(Object.entries(filterQuery(filter)).map(([name, value]) => [name, String(value)]));
}

/** The query for one page of records. */
export function recordsQuery(filter: RecordsFilter, limit: number, cursor?: string | null): RecordsQuery {
  const query: RecordsQuery = { ...filterQuery(filter), limit: Math.min(500, Math.max(1, Math.trunc(limit))) };
  if (cursor) query.cursor = cursor;
  return query;
}

/** A problem with the filter a person can fix before asking the server. */
export function filterProblem(filter: RecordsFilter): string | null {
  if (filter.start_date && filter.end_date && filter.start_date > filter.end_date) return 'The start date is after the end date.';
  return null;
}
