/**
 * Pure data shaping for the Emissions and Facilities screens: no DOM, no fetch, so every figure
 * the screens draw is unit-tested against the API's own response shapes.
 */

export type Scope = 1 | 2 | 3;
export const SCOPES: readonly Scope[] = [1, 2, 3];

export interface MonthKg {
  month: string; // YYYY-MM
  kg: number;
}

/** Columns for a uPlot chart: x (month starts, unix seconds) then one series per scope. */
export interface ScopeMonthTable {
  months: string[];
  x: number[];
  byScope: Record<Scope, number[]>;
  totals: number[];
}

/** The twelve `YYYY-MM` labels of a year. */
export function monthsOf(year: number): string[] {
  return Array.from({ length: 12 }, (_, month) => `${year}-${String(month + 1).padStart(2, '0')}`);
}

/**
 * Joins the insights' `by_month` of each scope (one request per scope, since the API totals months
 * across the scopes it is asked for) into twelve aligned columns; absent months are 0 kg.
 */
export function scopeMonthTable(year: number, byScope: Partial<Record<Scope, readonly MonthKg[]>>): ScopeMonthTable {
  const months = monthsOf(year);
  const column = (scope: Scope) => {
    const kgByMonth = new Map((byScope[scope] ?? []).map((row) => [row.month, row.kg]));
    return months.map((month) => kgByMonth.get(month) ?? 0);
  };
  const table = { 1: column(1), 2: column(2), 3: column(3) };
  return {
    months,
    x: months.map((month) => Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1) / 1000),
    byScope: table,
    totals: months.map((_, i) => table[1][i]! + table[2][i]! + table[3][i]!),
  };
}

/** Stacked columns for a stacked chart: each scope's value sits on the ones below it. */
export function stacked(table: ScopeMonthTable): Record<Scope, number[]> {
  const one = table.byScope[1];
  const two = one.map((kg, i) => kg + table.byScope[2][i]!);
  const three = two.map((kg, i) => kg + table.byScope[3][i]!);
  return { 1: one, 2: two, 3: three };
}

const number = (digits: number) => new Intl.NumberFormat('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 });

/** kgCO2e in the unit a person reads best: kg below a tonne, t below a kilotonne, then kt. */
export function formatKg(kg: number): string {
  if (!Number.isFinite(kg)) return '—';
  const size = Math.abs(kg);
  if (size < 1000) return `${number(size < 10 ? 2 : 1).format(kg)} kg CO₂e`;
  if (size < 1_000_000) return `${number(size < 10_000 ? 2 : 1).format(kg / 1000)} t CO₂e`;
  return `${number(1).format(kg / 1_000_000)} kt CO₂e`;
}

export interface YearOverYear {
  previous_year_kg: number;
  change_kg: number;
  change_pct: number | null;
}

/** "Up 12.5 % on 2023 (+3.2 t CO₂e)", or why there is nothing to compare with. */
export function yearOverYearText(year: number, yoy: YearOverYear): string {
  if (yoy.previous_year_kg === 0 || yoy.change_pct === null) return `No records in ${year - 1} to compare with.`;
  if (yoy.change_kg === 0) return `Unchanged from ${year - 1}.`;
  const direction = yoy.change_kg > 0 ? 'Up' : 'Down';
  const sign = yoy.change_kg > 0 ? '+' : '−';
  return `${direction} ${number(1).format(Math.abs(yoy.change_pct))} % on ${year - 1} (${sign}${formatKg(Math.abs(yoy.change_kg))})`;
}

/** A month label for people: "Oct 2024". */
export function monthLabel(month: string): string {
  const date = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1));
  return date.toLocaleDateString('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** "business_travel" → "Business travel"; a record without category reads "Uncategorised". */
export function categoryLabel(category: string | null | undefined): string {
  if (!category) return 'Uncategorised';
  const words = category.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Facility ids → names, for ids the emission records carry; unknown ids show as they are. */
export function facilityNamer(facilities: readonly { id: string; name: string }[]): (id: string) => string {
  const names = new Map(facilities.map((facility) => [facility.id, facility.name]));
  return (id) => names.get(id) ?? id;
}

export interface Anomaly {
  facility_id: string;
  month: string;
  kg: number;
  median_kg: number;
  mad_kg: number;
  modified_z: number;
  threshold: number;
}

/** Why a month was flagged, in a sentence a person can check with a calculator. */
export function anomalyText(anomaly: Anomaly): string {
  const times = anomaly.median_kg > 0 ? ` (${number(1).format(anomaly.kg / anomaly.median_kg)}× the median month)` : '';
  return `${monthLabel(anomaly.month)}: ${formatKg(anomaly.kg)} against a median of ${formatKg(anomaly.median_kg)}${times}; modified z-score ${anomaly.modified_z} > ${anomaly.threshold}.`;
}
