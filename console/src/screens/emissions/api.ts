import { api, dataOf, type Answer } from '../../api/client.js';
import type { RecordsQuery } from './records-filter.js';
import type { Scope } from './shape.js';

/** `GET /v2/emissions/insights` as documented in docs/emissions.md. */
export type Insights = Answer<'/v2/emissions/insights'>;
export type RecordsPage = Answer<'/v2/emissions'>;
export type EmissionRecord = RecordsPage['data'][number];
export type FacilitySummary = Answer<'/v1/facilities'>['items'][number];

export function insights(year: number, signal: AbortSignal, scope?: Scope): Promise<Insights> {
  return dataOf(api.GET('/v2/emissions/insights', { params: { query: { year, scope: scope === undefined ? undefined : String(scope) } }, signal }));
}

/** The year to open on: this year, or the latest of the two before it that has records. */
export async function latestYearWithRecords(signal: AbortSignal): Promise<{ year: number; all: Insights }> {
  const thisYear = new Date().getUTCFullYear();
  let first: Insights | undefined;
  for (let year = thisYear; year > thisYear - 3; year -= 1) {
    const all = await insights(year, signal);
    first ??= all;
    if (all.total_kg > 0) return { year, all };
  }
  return { year: thisYear, all: first! };
}

/** Every facility of the organization (names for ids, and the facilities screen's list). */
export async function allFacilities(signal: AbortSignal): Promise<FacilitySummary[]> {
  const facilities: FacilitySummary[] = [];
  for (let page = 1; page <= 20; page += 1) {
    const answer = await dataOf(api.GET('/v1/facilities', { params: { query: { page, size: 100, status: ['active', 'archived'] } }, signal }));
    facilities.push(...answer.items);
    if (page >= answer.pages) break;
  }
  return facilities;
}

export function recordsPage(query: RecordsQuery, signal?: AbortSignal): Promise<RecordsPage> {
  return dataOf(api.GET('/v2/emissions', { params: { query }, ...(signal ? { signal } : {}) }));
}
