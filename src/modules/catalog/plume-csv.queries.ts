import sql, { join, raw, type Sql } from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';
import type { CsvColumn } from './plume-csv.js';
import type { PlumeFilter, PlumeSort, Viewer } from './plume-filter.js';
import { orderBy, plumeWhere } from './plumes.queries.js';
import { LABELS } from './sectors.js';
import { visiblePlumes } from './visible-plumes.queries.js';

const SECTOR_LABELS = sql`CASE p.sector ${join(Object.entries(LABELS).map(([code, label]) => sql`WHEN ${code} THEN ${label}`), ' ')} ELSE '' END`;
const instant = (column: string) => sql`replace(to_char(${raw(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), '.000Z', 'Z')`;

/**
 * Each column's cell, formatted and escaped by the database (dates in UTC, sector labels, bounds
 * as a JSON array, csv_cell for free text): the stream only joins lines, which keeps the export
 * near COPY's speed. Emission figures come NULL (an empty cell) from visiblePlumes where the
 * viewer may not see them.
 */
function cellExpressions(): Record<CsvColumn, Sql> {
  const number = (column: string) => sql`COALESCE(${raw(column)}::text, '')`;
  const text = (column: string) => sql`csv_cell(${raw(column)})`;
  const time = (column: string) => sql`COALESCE(${instant(column)}, '')`;
  return {
    plume_id: sql`p.plume_id`,
    plume_latitude: sql`ST_Y(p.geometry)::text`,
    plume_longitude: sql`ST_X(p.geometry)::text`,
    datetime: time('p."datetime"'),
    ipcc_sector: SECTOR_LABELS,
    gas: sql`p.gas`,
    emission_cmf_type: text('p.emission_cmf_type'),
    // What csv_quote(json_build_array(…)::text) gives (the array always holds commas, so it is quoted),
    // written directly: a third of the line's cost went to building and scanning that JSON. An empty
    // polygon (no extent: NULL) gives an empty cell, never a missing one (concat_ws skips NULLs).
    plume_bounds: sql`COALESCE('"[' || ST_XMin(p.bounds)::text || ', ' || ST_YMin(p.bounds)::text || ', ' || ST_XMax(p.bounds)::text || ', ' || ST_YMax(p.bounds)::text || ']"', '')`,
    instrument: sql`p.instrument`,
    mission_phase: text('p.mission_phase'),
    published_at: time('p.published_at'),
    modified: time('p.modified'),
    emission_version: text('p.emission_version'),
    processing_software: text('p.processing_software'),
    gsd: number('p.gsd'),
    sensitivity_mode: text('p.sensitivity_mode'),
    off_nadir: number('p.off_nadir'),
    emission_auto: number('p.emission_auto'),
    emission_uncertainty_auto: number('p.emission_uncertainty_auto'),
    wind_speed_avg_auto: number('p.wind_speed_avg_auto'),
    wind_speed_std_auto: number('p.wind_speed_std_auto'),
    wind_direction_avg_auto: number('p.wind_direction_avg_auto'),
    wind_direction_std_auto: number('p.wind_direction_std_auto'),
    wind_source_auto: text('p.wind_source_auto'),
    platform: text('p.platform'),
    provider: text('p.provider'),
    plume_tif: text('p.plume_tif'),
    plume_png: text('p.plume_png'),
    con_tif: text('p.con_tif'),
    rgb_tif: text('p.rgb_tif'),
    rgb_png: text('p.rgb_png'),
  };
}

function csvLine(columns: readonly CsvColumn[]): Sql {
  const cells = cellExpressions();
  return sql`concat_ws(',', ${join(columns.map((column) => cells[column]), ', ')})`;
}

type Page = { sort: PlumeSort; limit: number; offset: number };

/** `columns` of one page's plumes, in its order: the same ORDER BY, LIMIT and OFFSET as the JSON pages. */
function pageRows(columns: Sql, filter: PlumeFilter, viewer: Viewer, page: Page): Sql {
  return sql`
    SELECT ${columns} FROM ${visiblePlumes(viewer)} p WHERE ${plumeWhere(filter, viewer)}
    ORDER BY ${orderBy(page.sort)} LIMIT ${page.limit} OFFSET ${page.offset}`;
}

/**
 * The ids of one page of plumes, in the page's order, as one string of 36 characters per plume
 * (about 3.6 MB for the largest page): the order is fixed once, by the same ORDER BY the JSON pages
 * use, and the rows are then read in chunks of these ids.
 */
export async function selectPageIds(db: Queryable, filter: PlumeFilter, viewer: Viewer, page: Page): Promise<string> {
  // ARRAY(subquery) keeps the subquery's order: no second sort of the page's rows, which an
  // aggregate's own ORDER BY cost (~50 of ~110 ms for 100,000 ids).
  const [row] = await db.query<{ ids: string }>(sql`
    SELECT array_to_string(ARRAY(${pageRows(sql`p.id::text`, filter, viewer, page)}), '') AS ids`);
  return row?.ids ?? '';
}

/**
 * The CSV lines of these plumes, in the order of `ids`. The filter is applied again, so a plume
 * unpublished or deleted since the download began is left out rather than shown.
 */
export async function selectCsvLines(db: Queryable, ids: string[], filter: PlumeFilter, viewer: Viewer, columns: readonly CsvColumn[]): Promise<string> {
  const [chunk] = await db.query<{ lines: string }>(sql`
    SELECT COALESCE(string_agg(${csvLine(columns)} || E'\\r\\n', '' ORDER BY page.n), '') AS lines
    FROM unnest(${ids}::uuid[]) WITH ORDINALITY AS page(id, n) JOIN ${visiblePlumes(viewer)} p ON p.id = page.id
    WHERE ${plumeWhere(filter, viewer)}`);
  return chunk?.lines ?? '';
}

/**
 * One page's ids (as selectPageIds gives them) and their CSV lines, in the same order, from one
 * statement: the caller can check the ids against another query's before using the lines. Only
 * the page's rows get a line, not the rows an offset skips.
 */
export async function selectCsvPage(db: Queryable, filter: PlumeFilter, viewer: Viewer, page: Page, columns: readonly CsvColumn[]): Promise<{ ids: string; lines: string }> {
  const [head] = await db.query<{ ids: string; lines: string }>(sql`
    WITH page AS MATERIALIZED (${pageRows(sql`p.id, row_number() OVER (ORDER BY ${orderBy(page.sort)}) AS n`, filter, viewer, page)})
    SELECT array_to_string(ARRAY(SELECT page.id::text FROM page ORDER BY page.n), '') AS ids,
      COALESCE((
        SELECT string_agg(${csvLine(columns)} || E'\\r\\n', '' ORDER BY page.n)
        FROM page JOIN ${visiblePlumes(viewer)} p ON p.id = page.id
      ), '') AS lines`);
  return head ?? { ids: '', lines: '' };
}
