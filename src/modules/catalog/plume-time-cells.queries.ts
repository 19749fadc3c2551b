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

interface Part {
  /** 'YYYY-MM-01' for a month covered in part; null for the months covered whole. */
  month: string | null;
  total: string;
  inside: string | null;
  edge_cells: number[] | null;
}

/** total: every filter but the box; in_bbox: with it. `withTotal` false when the caller has the total already. */
export async function countFromCells(db: Queryable, filter: PlumeFilter, viewer: Viewer, withTotal = true): Promise<{ total: number; in_bbox: number }> {
  const { bbox, datetime, ...rest } = filter;
  const conditions = plumeConditions(rest, viewer);
  const start = datetime?.start ?? null;
  const end = datetime?.end ?? null;
  // The months the interval meets, as an index range (a stored month is its first day, UTC); the
  // first and the last may be covered only in part.
  const cellConditions = [...conditions];
  const partial: string[] = [];
  if (start) {
    cellConditions.push(sql`p.month >= ${utcMonth(start)}::date`);
    if (monthStart(utcMonth(start)).getTime() !== start.getTime()) partial.push(utcMonth(start));
  }
  if (end) {
    const last = utcMonth(new Date(end.getTime() - 1));
    cellConditions.push(sql`p.month <= ${last}::date`);
    if (monthEnd(last).getTime() !== end.getTime()) partial.push(last);
  }
  const ranges = bbox ? cellRanges(bbox) : undefined;
  if (ranges && !withTotal) cellConditions.push(inRange(sql`p.cell`, ranges.touched));
  const inside = ranges ? inRange(sql`p.cell`, ranges.inside) : sql`true`;
  const edge = ranges ? sql`${inRange(sql`p.cell`, ranges.touched)} AND NOT ${inside}` : sql`false`;

  // One row for the months the interval covers whole (month NULL), one per partly covered month,
  // summed per cell first (a few hundred groups), then the cells are told apart.
  const parts = await db.query<Part>(sql`
    SELECT p.month, sum(p.plumes)::text AS total, COALESCE(sum(p.plumes) FILTER (WHERE ${inside}), 0)::text AS inside,
      array_agg(p.cell) FILTER (WHERE ${edge}) AS edge_cells
    FROM (
      SELECT CASE WHEN p.month = ANY(${partial}::date[]) THEN p.month::text END AS month, p.cell, sum(p.plumes) AS plumes
      FROM plume_time_cells p WHERE ${join(cellConditions, ' AND ')} GROUP BY 1, 2) p
    GROUP BY 1`);

  const rowConditions = join(conditions, ' AND ');
  const totalTerms: Sql[] = [sql`0::bigint`];
  const boxTerms: Sql[] = [sql`0::bigint`];
  let total = 0;
  let inBox = 0;
  const edgeCells = new Set<number>();
  for (const part of parts) {
    for (const cell of part.edge_cells ?? []) edgeCells.add(cell);
    if (!part.month) {
      total += Number(part.total);
      inBox += Number(part.inside ?? 0);
      continue;
    }
    // A month partly covered: count the covered part, or the month's cells minus the uncovered part, whichever is shorter.
    const [first, next] = [monthStart(part.month), monthEnd(part.month)];
    const from = start && start > first ? start : first;
    const to = end && end < next ? end : next;
    const covered = to.getTime() - from.getTime();
    const direct = covered <= next.getTime() - first.getTime() - covered;
    // One statement per range (an OR of ranges may be planned as a scan of the whole sector); empty ranges are left out.
    const times: [Date, Date][] = direct ? [[from, to]] : [[first, from], [to, next]];
    if (!direct) {
      total += Number(part.total);
      inBox += Number(part.inside ?? 0);
    }
    for (const [a, b] of times) {
      if (a.getTime() >= b.getTime()) continue;
      const time = sql`p."datetime" >= ${a} AND p."datetime" < ${b}`;
      const sign = direct ? sql`` : sql`-`;
      if (withTotal) totalTerms.push(sql`${sign}(SELECT count(*) FROM plumes p WHERE ${rowConditions} AND ${time})`);
      if (ranges) boxTerms.push(sql`${sign}(SELECT count(*) FROM plumes p WHERE ${rowConditions} AND ${time} AND ${inRange(ROW_CELL, ranges.inside)})`);
    }
  }
  if (ranges && edgeCells.size) {
    const time = join([start ? sql`p."datetime" >= ${start}` : sql`true`, end ? sql`p."datetime" < ${end}` : sql`true`], ' AND ');
    boxTerms.push(sql`(SELECT count(*) FROM plumes p WHERE ${rowConditions} AND ${ROW_CELL} = ANY(${[...edgeCells]}::int[]) AND ${time}
      AND ${bboxCondition(bbox!)})`);
  }
  if (totalTerms.length > 1 || boxTerms.length > 1) {
    const [rows] = await db.query<{ total: string; in_bbox: string }>(sql`SELECT (${join(totalTerms, ' + ')})::text AS total, (${join(boxTerms, ' + ')})::text AS in_bbox`);
    total += Number(rows!.total);
    inBox += Number(rows!.in_bbox);
  }
  return { total, in_bbox: ranges ? inBox : total };
}
