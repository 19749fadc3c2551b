import { PassThrough, type Readable } from 'node:stream';
import sql, { join, raw, type Sql } from 'sql-template-tag';
import type { Database } from '../../platform/db/database.js';
import type { PlumeFilter, PlumeSort, Viewer } from './plume-filter.js';
import { orderBy, plumeWhere } from './plumes.queries.js';
import { LABELS } from './sectors.js';
import { visiblePlumes } from './visible-plumes.queries.js';

/** The public plume CSV export's columns, in its order. */
export const CSV_COLUMNS = [
  'plume_id', 'plume_latitude', 'plume_longitude', 'datetime', 'ipcc_sector', 'gas', 'emission_cmf_type', 'plume_bounds', 'instrument',
  'mission_phase', 'published_at', 'modified', 'emission_version', 'processing_software', 'gsd', 'sensitivity_mode', 'off_nadir',
  'emission_auto', 'emission_uncertainty_auto', 'wind_speed_avg_auto', 'wind_speed_std_auto', 'wind_direction_avg_auto',
  'wind_direction_std_auto', 'wind_source_auto', 'platform', 'provider', 'plume_tif', 'plume_png', 'con_tif', 'rgb_tif', 'rgb_png',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

const FETCH_ROWS = 5000;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A cell a spreadsheet will not run: text starting with = + - @ or a control character gets a
 * leading apostrophe (OWASP), unless it is a plain number such as a western longitude.
 */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) && !NUMBER.test(value) ? `'${value}` : value;
}

const SECTOR_LABELS = sql`CASE p.sector ${join(Object.entries(LABELS).map(([code, label]) => sql`WHEN ${code} THEN ${label}`), ' ')} ELSE '' END`;
const instant = (column: string) => sql`replace(to_char(${raw(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), '.000Z', 'Z')`;

/**
 * Each column's cell, formatted and escaped by the database (dates in UTC, sector labels, bounds
 * as a JSON array, csv_cell for free text): the stream only joins lines, which keeps the export
 * near COPY's speed. Emission figures of a plume marked hide_emission are empty for everyone but
 * its owner.
 */
function cellExpressions(viewer: Viewer): Record<CsvColumn, Sql> {
  const shown = sql`(NOT p.hide_emission OR p.organization_id IS NOT DISTINCT FROM ${viewer.organizationId}::uuid)`;
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
    plume_bounds: sql`CASE WHEN p.bounds IS NULL THEN '' ELSE csv_quote(json_build_array(ST_XMin(p.bounds), ST_YMin(p.bounds), ST_XMax(p.bounds), ST_YMax(p.bounds))::text) END`,
    instrument: sql`p.instrument`,
    mission_phase: text('p.mission_phase'),
    published_at: time('p.published_at'),
    modified: time('p.modified'),
    emission_version: text('p.emission_version'),
    processing_software: text('p.processing_software'),
    gsd: number('p.gsd'),
    sensitivity_mode: text('p.sensitivity_mode'),
    off_nadir: number('p.off_nadir'),
    emission_auto: sql`CASE WHEN ${shown} THEN ${number('p.emission_auto')} ELSE '' END`,
    emission_uncertainty_auto: sql`CASE WHEN ${shown} THEN ${number('p.emission_uncertainty_auto')} ELSE '' END`,
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

function csvLine(columns: readonly CsvColumn[], viewer: Viewer): Sql {
  const cells = cellExpressions(viewer);
  return sql`concat_ws(',', ${join(columns.map((column) => cells[column]), ', ')}) AS line`;
}

function waitForDrain(stream: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
  });
}

/**
 * The matching plumes as CSV, read through a server-side cursor 5,000 rows at a time and written
 * only as fast as the client reads: memory stays flat whatever the size. The cursor's transaction
 * lasts as long as the download (on the embedded database it has the connection to itself).
 */
export function plumeCsvStream(db: Database, filter: PlumeFilter, viewer: Viewer, page: { sort: PlumeSort; limit: number; offset: number }, columns: readonly CsvColumn[]): Readable {
  const out = new PassThrough();
  const write = async (chunk: string) => {
    if (!out.write(chunk)) await waitForDrain(out);
  };
  db.transaction(async (tx) => {
    await tx.query(sql`
      DECLARE plume_csv NO SCROLL CURSOR FOR
      SELECT ${csvLine(columns, viewer)} FROM ${visiblePlumes(viewer)} p WHERE ${plumeWhere(filter, viewer)}
      ORDER BY ${orderBy(page.sort)} LIMIT ${page.limit} OFFSET ${page.offset}`);
    await write(`${columns.join(',')}\r\n`);
    while (!out.destroyed) {
      const rows = await tx.query<{ line: string }>(sql`FETCH ${raw(String(FETCH_ROWS))} FROM plume_csv`);
      if (rows.length === 0) break;
      let chunk = '';
      for (const row of rows) chunk += `${row.line}\r\n`;
      await write(chunk);
    }
    await tx.query(sql`CLOSE plume_csv`);
  }).then(
    () => out.end(),
    (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return out;
}
