import { request } from '../../api/client.js';
import type { Anomaly, MonthKg, Scope, YearOverYear } from './shape.js';

/** `GET /v2/emissions/insights` as documented in docs/emissions.md. */
export interface Insights {
  year: number;
  total_kg: number;
  by_scope: Record<'1' | '2' | '3', number>;
  by_category: { category: string; kg: number }[];
  by_facility: { facility_id: string; kg: number }[];
  by_month: MonthKg[];
  year_over_year: YearOverYear;
  top_contributors: { facility_id: string; category: string | null; kg: number; share_pct: number }[];
  anomalies: Anomaly[];
}

export interface EmissionRecord {
  id: string;
  facility_id: string;
  scope: number;
  category: string | null;
  value: number;
  timestamp: string;
  source: 'api' | 'calculated';
  voided: boolean;
  void_reason: string | null;
  factor: { id: string; version: string } | null;
  reported: { value: number; unit: string };
}

export interface FacilitySummary {
  id: string;
  name: string;
  type: string;
  country: string;
  status: string;
  co2e: number;
  co2e_biomass: number;
  categories: string[];
}

export function insights(year: number, signal: AbortSignal, scope?: Scope): Promise<Insights> {
  return request<Insights>('/v2/emissions/insights', { query: { year, scope }, signal });
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
    const answer = await request<{ items: FacilitySummary[]; pages: number }>('/v1/facilities', { query: { page, size: 100, status: ['active', 'archived'] }, signal });
    facilities.push(...answer.items);
    if (page >= answer.pages) break;
  }
  return facilities;
}

export interface RecordsPage {
  data: EmissionRecord[];
  pagination: { next_cursor: string | null; has_more: boolean };
}

export function recordsPage(path: string, signal?: AbortSignal): Promise<RecordsPage> {
  return request<RecordsPage>(path, signal ? { signal } : {});
}
