/**
 * A time interval as signed sums of the periods the maintained cells count (migrations 0050 and
 * 0059): whole calendar years and months (UTC) from the cells, the rest counted row by row. A year
 * or month the interval covers more than half of is taken whole and its uncovered part subtracted;
 * one covered half or less is made of the next finer periods. So a count reads at most two partial
 * years of months and, at each end, at most half a month of rows.
 */
export type Sign = 1 | -1;

export interface CountPeriods {
  /** Years taken whole: from the year starting `from` up to the one starting `to`, exclusive (null: no bound). */
  years: { from: string | null; to: string | null };
  months: { month: string; sign: Sign }[];
  spans: { from: Date; to: Date; sign: Sign }[];
  /** The years the interval meets (as `years`): their cells include every cell holding a plume of the interval. */
  touched: { from: string | null; to: string | null };
}

/** A date as PostgreSQL reads it (toISOString writes the year 10000, the one after 9999, as +010000). */
const day = (at: Date) => `${String(at.getUTCFullYear()).padStart(4, '0')}-${String(at.getUTCMonth() + 1).padStart(2, '0')}-${String(at.getUTCDate()).padStart(2, '0')}`;

/** An instant as PostgreSQL reads it, in the year 10000 too (the embedded database's driver sends toISOString's). */
export const instantText = (at: Date) => `${day(at)}T${at.toISOString().slice(-13)}`;

/** Date.UTC would read years 0–99 as 1900–1999. */
function monthStart(year: number, month: number) {
  const at = new Date(0);
  at.setUTCFullYear(year, month, 1);
  return at;
}
const yearStart = (year: number) => monthStart(year, 0);

/** Whether the interval covers more than half of [first, next): then the period is taken whole. */
function mostly(from: Date, to: Date, first: Date, next: Date) {
  return (to.getTime() - from.getTime()) * 2 > next.getTime() - first.getTime();
}

/** [from, to) within one year, as months and spans, each with `sign`. */
function monthsOf(from: Date, to: Date, sign: Sign, periods: CountPeriods) {
  for (let month = from.getUTCMonth(); ; month += 1) {
    const first = monthStart(from.getUTCFullYear(), month);
    const next = monthStart(from.getUTCFullYear(), month + 1);
    if (first.getTime() >= to.getTime()) return;
    const a = from > first ? from : first;
    const b = to < next ? to : next;
    if (mostly(a, b, first, next)) {
      periods.months.push({ month: day(first), sign });
      if (first < a) periods.spans.push({ from: first, to: a, sign: -sign as Sign });
      if (b < next) periods.spans.push({ from: b, to: next, sign: -sign as Sign });
    } else if (a < b) periods.spans.push({ from: a, to: b, sign });
  }
}

/** [from, to) within `year`: taken whole (the caller widens its years), or as months. */
function partYear(from: Date, to: Date, year: number, periods: CountPeriods): boolean {
  const [first, next] = [yearStart(year), yearStart(year + 1)];
  if (!mostly(from, to, first, next)) {
    monthsOf(from, to, 1, periods);
    return false;
  }
  if (first < from) monthsOf(first, from, -1, periods);
  if (to < next) monthsOf(to, next, -1, periods);
  return true;
}

/** [start, end) as periods; a null end is unbounded. */
export function countPeriods(start: Date | null, end: Date | null): CountPeriods {
  const periods: CountPeriods = { years: { from: null, to: null }, months: [], spans: [], touched: { from: null, to: null } };
  if (start && end && start >= end) {
    const none = day(yearStart(start.getUTCFullYear()));
    return { ...periods, years: { from: none, to: none }, touched: { from: none, to: none } };
  }
  const startYear = start?.getUTCFullYear();
  const endYear = end ? new Date(end.getTime() - 1).getUTCFullYear() : undefined;
  if (startYear !== undefined) periods.touched.from = day(yearStart(startYear));
  if (endYear !== undefined) periods.touched.to = day(yearStart(endYear + 1));
  // Whole years between the ends; a partial year at an end, taken whole, widens them.
  let fromYear = startYear;
  let toYear = endYear === undefined ? undefined : endYear + 1;
  if (start && end && startYear === endYear && (start > yearStart(startYear!) || end < yearStart(endYear! + 1))) {
    const whole = partYear(start, end, startYear!, periods);
    if (!whole) toYear = fromYear;
  } else {
    if (start && start > yearStart(startYear!) && !partYear(start, yearStart(startYear! + 1), startYear!, periods)) fromYear = startYear! + 1;
    if (end && end < yearStart(endYear! + 1) && !partYear(yearStart(endYear!), end, endYear!, periods)) toYear = endYear!;
  }
  if (fromYear !== undefined) periods.years.from = day(yearStart(fromYear));
  if (toYear !== undefined) periods.years.to = day(yearStart(Math.max(toYear, fromYear ?? toYear)));
  return periods;
}
