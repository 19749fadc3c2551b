import sql, { join, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import { filtersOnly, type PlumeFilter, type Viewer } from './plume-filter.js';
import { bboxCondition, plumeConditions } from './plumes.queries.js';
import { countPeriods, instantText, type CountPeriods } from './count-periods.js';

/**
 * Exact counts from the maintained time cells (migrations 0050 and 0059, decisions 0025 and 0044):
 * per 1/8-degree cell, calendar month or year (UTC), owner, status, sector, gas and instrument.
 * What the cells cannot say — the part of a month the interval covers partly, the cells the box's
 * edges cut — is counted row by row, from indexes alone. The sum equals count(*) with
 * `geometry && box` (catalog-counts.test).
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

const ROW_CELL = sql`plume_count_cell(p.geometry)`;

const between = (column: Sql, range: { from: string | null; to: string | null }) => [
  ...(range.from ? [sql`${column} >= ${range.from}::date`] : []),
  ...(range.to ? [sql`${column} < ${range.to}::date`] : []),
];

/**
 * The cells of the periods (count-periods.ts), each row signed, for the given filter conditions.
 * To list the cells a box's edges cut, the years met but not taken whole are read too, at nought.
 */
function periodCells(periods: CountPeriods, conditions: Sql[], listEdges: boolean): Sql {
  const { years, touched, months } = periods;
  const taken = between(sql`p.year`, years);
  const counted = listEdges && taken.length ? sql`CASE WHEN ${join(taken, ' AND ')} THEN p.plumes ELSE 0 END` : sql`p.plumes`;
  const yearRows = sql`
    SELECT p.cell, ${counted} AS plumes
    FROM plume_year_cells p WHERE ${join([...conditions, ...(listEdges ? between(sql`p.year`, touched) : taken)], ' AND ')}`;
  if (!months.length) return yearRows;
  const added = months.filter((m) => m.sign > 0).map((m) => m.month);
  return sql`${yearRows} UNION ALL
    SELECT p.cell, CASE WHEN p.month = ANY(${added}::date[]) THEN p.plumes ELSE -p.plumes END
    FROM plume_time_cells p WHERE ${join([...conditions, sql`p.month = ANY(${months.map((m) => m.month)}::date[])`], ' AND ')}`;
}

/**
 * total: every filter but the box; in_bbox: with it. `total` is the caller's own expression for the
 * total (the maintained counts), when it has one. One statement (one snapshot, one round trip): the
 * year and month cells of the interval's periods (count-periods.ts), summed per cell; its short
 * spans counted row by row; the cells the box's edges cut counted row by row inside the box.
 */
export async function countFromCells(db: Queryable, filter: PlumeFilter, viewer: Viewer, total?: Sql): Promise<{ total: number; in_bbox: number }> {
  const { bbox, datetime, ...rest } = filter;
  const conditions = plumeConditions(rest, viewer);
  const start = datetime?.start ?? null;
  const end = datetime?.end ?? null;
  const periods = countPeriods(start, end);
  const ranges = bbox ? cellRanges(bbox) : undefined;
  // With the total given, only the cells the box touches are needed.
  const cellConditions = ranges && total ? [...conditions, inRange(sql`p.cell`, ranges.touched)] : conditions;
  const edge = ranges ? sql`${inRange(sql`c.cell`, ranges.touched)} AND NOT ${inRange(sql`c.cell`, ranges.inside)}` : sql`false`;
  const rowConditions = join(conditions, ' AND ');
  const totalTerms: Sql[] = [sql`(SELECT COALESCE(sum(c.plumes), 0) FROM cells c)`];
  const boxTerms: Sql[] = ranges ? [sql`(SELECT COALESCE(sum(c.plumes) FILTER (WHERE ${inRange(sql`c.cell`, ranges.inside)}), 0) FROM cells c)`] : [];
  for (const span of periods.spans) {
    const counted = (extra: Sql) => sql`${span.sign > 0 ? sql`+` : sql`-`} (SELECT count(*) FROM plumes p WHERE ${rowConditions} AND p."datetime" >= ${instantText(span.from)}::timestamptz AND p."datetime" < ${instantText(span.to)}::timestamptz${extra})`;
    totalTerms.push(counted(sql``));
    if (ranges) boxTerms.push(counted(sql` AND ${inRange(ROW_CELL, ranges.inside)}`));
  }
  if (ranges) {
    const time = join([start ? sql`p."datetime" >= ${start}` : sql`true`, end ? sql`p."datetime" < ${end}` : sql`true`], ' AND ');
    boxTerms.push(sql`+ (SELECT count(*) FROM plumes p WHERE ${rowConditions} AND ${ROW_CELL} = ANY(ARRAY(SELECT c.cell FROM cells c WHERE c.edge)) AND ${time}
      AND ${bboxCondition(bbox!)})`);
  }
  const [row] = await db.query<{ total: string; in_bbox: string }>(sql`
    WITH cells AS MATERIALIZED (
      SELECT c.cell, ${edge} AS edge, sum(c.plumes) AS plumes FROM (${periodCells(periods, cellConditions, ranges !== undefined)}) c GROUP BY c.cell)
    SELECT (${total ?? join(totalTerms, ' ')})::text AS total, (${ranges ? join(boxTerms, ' ') : sql`0`})::text AS in_bbox`);
  const counted = Number(row!.total);
  return { total: counted, in_bbox: ranges ? Number(row!.in_bbox) : counted };
}
