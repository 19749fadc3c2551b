import { PassThrough, type Readable } from 'node:stream';
import sql, { join, raw } from 'sql-template-tag';
import type { Database } from '../../platform/db/database.js';
import type { PlumeFilter, PlumeSort, Viewer } from './plume-filter.js';
import { orderBy, plumeWhere } from './plumes.queries.js';
import { LABELS } from './sectors.js';

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
 * The CSV cells as text, formatted by the database (dates in UTC, sector labels, bounds as a JSON
 * array): the stream then only escapes and joins, which keeps the export near COPY's speed.
 * Emission figures of a plume marked hide_emission are empty for everyone but its owner.
 */
function csvCells(viewer: Viewer) {
  const shown = sql`(NOT p.hide_emission OR p.organization_id IS NOT DISTINCT FROM ${viewer.organizationId}::uuid)`;
  return sql`
    p.plume_id, ST_Y(p.geometry)::text AS plume_latitude, ST_X(p.geometry)::text AS plume_longitude, ${instant('p."datetime"')} AS "datetime",
    ${SECTOR_LABELS} AS ipcc_sector, p.gas, p.emission_cmf_type,
    CASE WHEN p.bounds IS NULL THEN NULL ELSE json_build_array(ST_XMin(p.bounds), ST_YMin(p.bounds), ST_XMax(p.bounds), ST_YMax(p.bounds))::text END AS plume_bounds,
    p.instrument, p.mission_phase, ${instant('p.published_at')} AS published_at, ${instant('p.modified')} AS modified, p.emission_version,
    p.processing_software, p.gsd::text AS gsd, p.sensitivity_mode, p.off_nadir::text AS off_nadir,
    CASE WHEN ${shown} THEN p.emission_auto::text END AS emission_auto, CASE WHEN ${shown} THEN p.emission_uncertainty_auto::text END AS emission_uncertainty_auto,
    p.wind_speed_avg_auto::text AS wind_speed_avg_auto, p.wind_speed_std_auto::text AS wind_speed_std_auto,
    p.wind_direction_avg_auto::text AS wind_direction_avg_auto, p.wind_direction_std_auto::text AS wind_direction_std_auto, p.wind_source_auto,
    p.platform, p.provider, p.plume_tif, p.plume_png, p.con_tif, p.rgb_tif, p.rgb_png`;
}

/** RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled. */
function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = safeCell(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvLines(rows: (string | null)[][]): string {
  let out = '';
  for (const row of rows) out += `${row.map(csvCell).join(',')}\r\n`;
  return out;
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
      SELECT ${csvCells(viewer)} FROM plumes p WHERE ${plumeWhere(filter, viewer)}
      ORDER BY ${orderBy(page.sort)} LIMIT ${page.limit} OFFSET ${page.offset}`);
    await write(csvLines([[...columns]]));
    while (!out.destroyed) {
      const rows = await tx.query<Record<CsvColumn, string | null>>(sql`FETCH ${raw(String(FETCH_ROWS))} FROM plume_csv`);
      if (rows.length === 0) break;
      await write(csvLines(rows.map((row) => columns.map((column) => row[column]))));
    }
    await tx.query(sql`CLOSE plume_csv`);
  }).then(
    () => out.end(),
    (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return out;
}
