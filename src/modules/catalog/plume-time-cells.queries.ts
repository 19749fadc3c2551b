import sql, { join, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import { filtersOnly, type PlumeFilter, type Viewer } from './plume-filter.js';
import { bboxCondition, plumeConditions } from './plumes.queries.js';

/**
 * Exact counts from the maintained time cells (migration 0050, decision 0025): per 1/8-degree cell,
 * calendar month (UTC), owner, status, sector, gas and instrument. What the cells cannot say — the
 * part of a month the interval covers partly, the cells the box's edges cut — is counted row by
 * row, from indexes alone. The sum equals count(*) with `geometry && box` (catalog-counts.test).
 */

/** The filter fields the cells carry; any other filter counts rows (countPlumes). */
const CELL_FIELDS = new Set<keyof PlumeFilter>(['status', 'includeDeleted', 'bbox', 'datetime', 'sectors', 'gas', 'instruments']);

export function cellsCount(filter: PlumeFilter): boolean {
  return filtersOnly(filter, CELL_FIELDS);
}

const PER_DEGREE = 8;
/** Cells beyond the box by this much are read too: `&&` compares float4 boxes, rounded outwards (< 3e-5 degree). */
const MARGIN = 1e-4;
const X0 = 1440;
const Y0 = 720;
const ROW = 4096;

interface CellRange {
  x: [number, number];
  y: [number, number];
}

/** Cells that may hold a point `&&` the box (with the margin), and those wholly inside it (x·8 and k/8 are exact in float8). */
function cellRanges([west, south, east, north]: [number, number, number, number]) {
  const touched: CellRange = {
    x: [Math.floor((west - MARGIN) * PER_DEGREE) + X0, Math.floor((east + MARGIN) * PER_DEGREE) + X0],
    y: [Math.floor((south - MARGIN) * PER_DEGREE) + Y0, Math.floor((north + MARGIN) * PER_DEGREE) + Y0],
  };
  const inside: CellRange = {
    x: [Math.ceil(west * PER_DEGREE) + X0, Math.floor(east * PER_DEGREE) - 1 + X0],
    y: [Math.ceil(south * PER_DEGREE) + Y0, Math.floor(north * PER_DEGREE) - 1 + Y0],
  };
  return { touched, inside };
}

function inRange(cell: Sql, range: CellRange): Sql {
  return sql`((${cell}) % ${ROW} BETWEEN ${range.x[0]}::int AND ${range.x[1]}::int AND (${cell}) / ${ROW} BETWEEN ${range.y[0]}::int AND ${range.y[1]}::int)`;
}

function utcMonth(at: Date) {
  return `${String(at.getUTCFullYear()).padStart(4, '0')}-${String(at.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

function monthStart(month: string) {
  return new Date(`${month}T00:00:00Z`);
}

function monthEnd(month: string) {
  const first = monthStart(month);
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1));
}

const ROW_CELL = sql`plume_count_cell(p.geometry)`;

/** The part of a partly covered month the interval covers, as row counts to add (or, when shorter, the uncovered part to take away). */
interface MonthPart {
  month: string;
  /** Count the covered part (true), or take the month's cells and subtract the uncovered part. */
  direct: boolean;
  times: [Date, Date][];
}

function partialMonths(start: Date | null, end: Date | null): MonthPart[] {
  const months = new Set<string>();
  if (start && monthStart(utcMonth(start)).getTime() !== start.getTime()) months.add(utcMonth(start));
  if (end) {
    const last = utcMonth(new Date(end.getTime() - 1));
    if (monthEnd(last).getTime() !== end.getTime()) months.add(last);
  }
  return [...months].map((month) => {
    const [first, next] = [monthStart(month), monthEnd(month)];
    const from = start && start > first ? start : first;
    const to = end && end < next ? end : next;
    const covered = to.getTime() - from.getTime();
    const direct = covered <= next.getTime() - first.getTime() - covered;
    // One count per range (an OR of ranges may be planned as a scan of the whole sector); empty ranges are left out.
    const spans: [Date, Date][] = direct ? [[from, to]] : [[first, from], [to, next]];
    const times = spans.filter(([a, b]) => a.getTime() < b.getTime());
    return { month, direct, times };
  });
}

/**
 * The sums over the `cells` CTE and the row counts of the partly covered months, as terms of the
 * total and of the count inside the box (the cells wholly inside it): months covered whole and
 * months whose uncovered part is subtracted come from the cells, the rest from rows.
 */
function countTerms(partial: MonthPart[], rowConditions: Sql, ranges: ReturnType<typeof cellRanges> | undefined) {
  const wholeFromCells = partial.filter((part) => !part.direct).map((part) => part.month);
  const cellsTaken = (what: Sql) => sql`(SELECT COALESCE(${what}, 0) FROM cells c WHERE c.month IS NULL OR c.month = ANY(${wholeFromCells}::text[]))`;
  const total: Sql[] = [cellsTaken(sql`sum(c.plumes)`)];
  const box: Sql[] = ranges ? [cellsTaken(sql`sum(c.plumes) FILTER (WHERE ${inRange(sql`c.cell`, ranges.inside)})`)] : [];
  for (const part of partial) {
    for (const [a, b] of part.times) {
      const time = sql`p."datetime" >= ${a} AND p."datetime" < ${b}`;
      const sign = part.direct ? sql`+` : sql`-`;
      total.push(sql`${sign} (SELECT count(*) FROM plumes p WHERE ${rowConditions} AND ${time})`);
      if (ranges) box.push(sql`${sign} (SELECT count(*) FROM plumes p WHERE ${rowConditions} AND ${time} AND ${inRange(ROW_CELL, ranges.inside)})`);
    }
  }
  return { total, box };
}

/**
 * total: every filter but the box; in_bbox: with it. `total` is the caller's own expression for the
 * total (the maintained counts), when it has one. One statement (one snapshot, one round trip): the
 * cells of the months the interval covers whole, summed per cell; the partly covered months counted
 * row by row; the cells the box's edges cut, found among the summed cells, counted row by row
 * inside the box.
 */
export async function countFromCells(db: Queryable, filter: PlumeFilter, viewer: Viewer, total?: Sql): Promise<{ total: number; in_bbox: number }> {
  const { bbox, datetime, ...rest } = filter;
  const conditions = plumeConditions(rest, viewer);
  const start = datetime?.start ?? null;
  const end = datetime?.end ?? null;
  // The months the interval meets, as an index range (a stored month is its first day, UTC).
  const cellConditions = [...conditions];
  if (start) cellConditions.push(sql`p.month >= ${utcMonth(start)}::date`);
  if (end) cellConditions.push(sql`p.month <= ${utcMonth(new Date(end.getTime() - 1))}::date`);
  const ranges = bbox ? cellRanges(bbox) : undefined;
  // With the total given, only the cells the box touches are needed.
  if (ranges && total) cellConditions.push(inRange(sql`p.cell`, ranges.touched));
  const edge = ranges ? sql`${inRange(sql`p.cell`, ranges.touched)} AND NOT ${inRange(sql`p.cell`, ranges.inside)}` : sql`false`;

  const rowConditions = join(conditions, ' AND ');
  const partial = partialMonths(start, end);
  const terms = countTerms(partial, rowConditions, ranges);
  if (ranges) {
    const time = join([start ? sql`p."datetime" >= ${start}` : sql`true`, end ? sql`p."datetime" < ${end}` : sql`true`], ' AND ');
    terms.box.push(sql`+ (SELECT count(*) FROM plumes p WHERE ${rowConditions} AND ${ROW_CELL} = ANY(ARRAY(SELECT DISTINCT c.cell FROM cells c WHERE c.edge)) AND ${time}
      AND ${bboxCondition(bbox!)})`);
  }
  // Summed per (month taken apart or not, cell) first: a few hundred groups.
  const [row] = await db.query<{ total: string; in_bbox: string }>(sql`
    WITH cells AS MATERIALIZED (
      SELECT CASE WHEN p.month = ANY(${partial.map((part) => part.month)}::date[]) THEN p.month::text END AS month, p.cell, ${edge} AS edge, sum(p.plumes) AS plumes
      FROM plume_time_cells p WHERE ${join(cellConditions, ' AND ')} GROUP BY 1, 2)
    SELECT (${total ?? join(terms.total, ' ')})::text AS total, (${ranges ? join(terms.box, ' ') : sql`0`})::text AS in_bbox`);
  const counted = Number(row!.total);
  return { total: counted, in_bbox: ranges ? Number(row!.in_bbox) : counted };
}
