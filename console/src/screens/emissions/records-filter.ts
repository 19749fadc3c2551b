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

/** The same filter as URL parameters (for the address bar and for `GET /v2/emissions`). */
export function filterParams(filter: RecordsFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.start_date) params.set('start_date', filter.start_date);
  if (filter.end_date) params.set('end_date', filter.end_date);
  if (filter.scopes.length > 0 && filter.scopes.length < 3) params.set('scope', filter.scopes.join(','));
  if (filter.facility_id) params.set('facility_id', filter.facility_id);
  if (filter.category) params.set('category', filter.category);
  if (filter.include_voided) params.set('include_voided', 'true');
  return params;
}

/** The request for one page of records. */
export function recordsPath(filter: RecordsFilter, limit: number, cursor?: string | null): string {
  const params = filterParams(filter);
  params.set('limit', String(Math.min(500, Math.max(1, Math.trunc(limit)))));
  if (cursor) params.set('cursor', cursor);
  return `/v2/emissions?${params.toString()}`;
}

/** A problem with the filter a person can fix before asking the server. */
export function filterProblem(filter: RecordsFilter): string | null {
  if (filter.start_date && filter.end_date && filter.start_date > filter.end_date) return 'The start date is after the end date.';
  return null;
}
