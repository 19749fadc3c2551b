import { BadRequestError } from '../../platform/errors.js';
import { parseInstant } from '../../platform/http/date-time.js';
import { findJsonProblem } from '../../platform/http/json-guard.js';
import { checkGeometry, SORT_FIELDS, type CqlExpr, type CqlGeometry, type SortField, type SortKey, type StacSearch, type TimeRange } from '../catalog/stac.service.js';
import { CqlError } from './cql2/cql2-error.js';
import { parseCql2Text } from './cql2/cql2-text.js';
import { queryToCql2 } from './query-extension.js';

/** Items per page: any limit up to 10,000 is accepted and served in pages of at most this many, with a next link. */
export const MAX_PAGE = 1000;
export const DEFAULT_LIMIT = 10;

/** A search as sent, GET or POST, in one shape: what a paging token is bound to and a POST next link repeats. */
export interface SearchInput {
  collections?: string[];
  ids?: string[];
  bbox?: number[];
  intersects?: unknown;
  datetime?: string;
  created_daterange?: string;
  cmf?: string;
  gas?: string;
  instruments?: string[];
  sector?: string;
  version?: string[];
  version_include_nulls?: boolean;
  query?: unknown;
  filter?: unknown;
  'filter-lang'?: string;
  'filter-crs'?: string;
  sortby?: { field: string; direction?: string }[];
  fields?: { include?: string[]; exclude?: string[] };
  q?: string[];
  limit?: number;
  token?: string;
  offset?: number;
}

const bad = (message: string): never => {
  throw new BadRequestError(message);
};

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function instant(text: string, whole: string, name: string): Date {
  const at = RFC3339.test(text) ? parseInstant(text) : undefined;
  if (!at) return bad(`${name} "${whole}" is not an RFC 3339 date-time or interval (e.g. 2024-01-01T00:00:00Z, 2024-01-01T00:00:00Z/.., ../2024-01-01T00:00:00Z).`);
  return at;
}

/** A STAC datetime: an instant, or `start/end` with `..` or an empty string for an open end (not both). */
export function parseDatetime(text: string, name = 'datetime'): TimeRange {
  const value = text.trim();
  const parts = value.split('/');
  if (parts.length === 1) {
    const at = instant(value, text, name);
    return { start: at, end: at };
  }
  if (parts.length !== 2) return bad(`${name} "${text}" has more than one "/".`);
  const open = (part: string) => part === '' || part === '..';
  const [from, to] = parts as [string, string];
  if (open(from) && open(to)) return bad(`${name} "${text}" is open at both ends.`);
  const start = open(from) ? null : instant(from, text, name);
  const end = open(to) ? null : instant(to, text, name);
  if (start && end && start > end) return bad(`${name} "${text}" ends before it starts.`);
  return { start, end };
}

/** [west, south, east, north] (or with heights), latitudes in order; a west greater than east crosses the antimeridian. */
export function parseBbox(values: number[]): [number, number, number, number][] {
  if (values.length !== 4 && values.length !== 6) return bad(`bbox has ${values.length} numbers; it takes 4 (west, south, east, north) or 6 (with heights).`);
  if (!values.every((n) => typeof n === 'number' && Number.isFinite(n))) return bad('bbox takes finite numbers.');
  const [west, south, east, north] = values.length === 6 ? [values[0]!, values[1]!, values[3]!, values[4]!] : (values as [number, number, number, number]);
  if (south > north) return bad('bbox has its south latitude above its north latitude.');
  if (south < -90 || north > 90) return bad('bbox latitudes must lie within -90..90.');
  if (west < -180 || west > 180 || east < -180 || east > 180) return bad('bbox longitudes must lie within -180..180.');
  if (west > east) return [[west, south, 180, north], [-180, south, east, north]];
  return [[west, south, east, north]];
}

export function parseIntersects(value: unknown): CqlGeometry {
  let geometry = value;
  if (typeof value === 'string') {
    try {
      geometry = JSON.parse(value);
    } catch {
      return bad('intersects is not valid JSON: it takes a GeoJSON geometry.');
    }
  }
  checkGeometry(geometry);
  return geometry;
}

/** `-datetime,+id,properties.cm:emission` (GET) or `[{field, direction}]` (POST). */
export function parseSortby(sortby: SearchInput['sortby']): SortKey[] {
  return (sortby ?? []).map(({ field, direction }) => {
    const name = field.startsWith('properties.') ? field.slice('properties.'.length) : field;
    if (!Object.hasOwn(SORT_FIELDS, name)) bad(`sortby: "${field}" is not sortable; sortable fields: ${Object.keys(SORT_FIELDS).join(', ')}.`);
    const dir = (direction ?? 'asc').toLowerCase();
    if (dir !== 'asc' && dir !== 'desc') bad(`sortby: direction "${direction}" is neither asc nor desc.`);
    return { field: name as SortField, direction: dir as 'asc' | 'desc' };
  });
}

export function sortbyFromText(text: string): SearchInput['sortby'] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => (part.startsWith('-') ? { field: part.slice(1), direction: 'desc' } : { field: part.replace(/^\+/, ''), direction: 'asc' }));
}

export function fieldsFromText(text: string): NonNullable<SearchInput['fields']> {
  const include: string[] = [];
  const exclude: string[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    if (part.startsWith('-')) exclude.push(part.slice(1));
    else include.push(part.replace(/^\+/, ''));
  }
  return { include, exclude };
}

/** The filter in either encoding, checked for its language; CQL2 text errors name their position. */
export function parseFilter(filter: unknown, lang: string | undefined, crs: string | undefined): CqlExpr | undefined {
  if (filter === undefined || filter === null || filter === '') return undefined;
  if (crs && !/^https?:\/\/www\.opengis\.net\/def\/crs\/OGC\/1\.3\/CRS84$/.test(crs)) bad(`filter-crs "${crs}" is not supported; filters are in CRS84.`);
  const language = lang ?? (typeof filter === 'string' ? 'cql2-text' : 'cql2-json');
  try {
    if (language === 'cql2-text') {
      if (typeof filter !== 'string') return bad('filter-lang cql2-text takes the filter as a string.');
      return parseCql2Text(filter);
    }
    if (language === 'cql2-json') {
      return (typeof filter === 'string' ? jsonParam(filter, 'filter (cql2-json)') : filter) as CqlExpr;
    }
  } catch (error) {
    if (error instanceof CqlError) bad(`Invalid CQL2 filter: ${error.message}`);
    throw error;
  }
  return bad(`filter-lang "${language}" is not supported; use cql2-text or cql2-json.`);
}

const list = (values: string[] | undefined) => {
  const items = values?.flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
  return items && items.length ? items : undefined;
};

/** The search to run; `limit` clamped to one page of MAX_PAGE. */
export function toSearch(input: SearchInput): StacSearch {
  if (input.bbox && input.intersects) bad('bbox and intersects cannot be used together.');
  let filter = parseFilter(input.filter, input['filter-lang'], input['filter-crs']);
  if (input.query !== undefined && input.query !== null) {
    const fromQuery = queryToCql2(input.query);
    if (fromQuery) filter = filter === undefined ? fromQuery : { op: 'and', args: [filter, fromQuery] };
  }
  return {
    collections: list(input.collections),
    ids: list(input.ids),
    bboxes: input.bbox ? parseBbox(input.bbox) : undefined,
    intersects: input.intersects !== undefined && input.intersects !== null ? parseIntersects(input.intersects) : undefined,
    datetime: input.datetime ? parseDatetime(input.datetime) : undefined,
    created: input.created_daterange ? parseDatetime(input.created_daterange, 'created_daterange') : undefined,
    cmf: input.cmf || undefined,
    gas: input.gas || undefined,
    instruments: list(input.instruments),
    sector: input.sector || undefined,
    versions: list(input.version),
    versionIncludeNulls: input.version_include_nulls ?? false,
    filter,
    q: list(input.q),
    sortby: parseSortby(input.sortby),
    limit: Math.min(input.limit ?? DEFAULT_LIMIT, MAX_PAGE),
    offset: input.offset || undefined,
  };
}

/** Comma-separated numbers of a GET bbox. */
export function bboxFromText(text: string): number[] {
  const parts = text.split(',');
  const numbers = parts.map((part) => (part.trim() === '' ? Number.NaN : Number(part)));
  if (numbers.some((n) => !Number.isFinite(n))) bad(`bbox "${text}" is not a list of numbers.`);
  return numbers;
}

/** JSON sent as a query parameter, held to the limits of a JSON body (depth, finite numbers). */
export function jsonParam(text: string, name: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad(`${name} is not valid JSON.`);
  }
  const problem = findJsonProblem(value);
  if (problem) bad(`${name}: ${problem.message}`);
  return value;
}
