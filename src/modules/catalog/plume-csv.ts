import { PassThrough, type Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import sql, { raw } from 'sql-template-tag';
import type { Database } from '../../platform/db/database.js';
import type { PlumeFilter, PlumeSort, Viewer } from './plume-filter.js';
import { orderBy, plumeWhere, PLUME_COLUMNS, type PlumeRow } from './plumes.queries.js';
import { sectorLabel } from './sectors.js';

/** The public plume CSV export's columns, in its order. */
export const CSV_COLUMNS = [
  'plume_id', 'plume_latitude', 'plume_longitude', 'datetime', 'ipcc_sector', 'gas', 'emission_cmf_type', 'plume_bounds', 'instrument',
  'mission_phase', 'published_at', 'modified', 'emission_version', 'processing_software', 'gsd', 'sensitivity_mode', 'off_nadir',
  'emission_auto', 'emission_uncertainty_auto', 'wind_speed_avg_auto', 'wind_speed_std_auto', 'wind_direction_avg_auto',
  'wind_direction_std_auto', 'wind_source_auto', 'platform', 'provider', 'plume_tif', 'plume_png', 'con_tif', 'rgb_tif', 'rgb_png',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

const FETCH_ROWS = 1000;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A cell a spreadsheet will not run: text starting with = + - @ or a control character gets a
 * leading apostrophe (OWASP), unless it is a plain number such as a western longitude.
 */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) && !NUMBER.test(value) ? `'${value}` : value;
}

const iso = (d: Date | null) => (d ? d.toISOString().replace('.000Z', 'Z') : '');
const text = (v: string | number | null) => (v === null || v === undefined ? '' : String(v));

function cells(row: PlumeRow, viewer: Viewer): Record<CsvColumn, string> {
  const hidden = row.hide_emission && row.organization_id !== viewer.organizationId;
  return {
    plume_id: row.plume_id,
    plume_latitude: String(row.latitude),
    plume_longitude: String(row.longitude),
    datetime: iso(row.datetime),
    ipcc_sector: sectorLabel(row.sector),
    gas: row.gas,
    emission_cmf_type: text(row.emission_cmf_type),
    plume_bounds: row.bounds ? JSON.stringify(row.bounds.map(Number)) : '',
    instrument: row.instrument,
    mission_phase: text(row.mission_phase),
    published_at: iso(row.published_at),
    modified: iso(row.modified),
    emission_version: text(row.emission_version),
    processing_software: text(row.processing_software),
    gsd: text(row.gsd),
    sensitivity_mode: text(row.sensitivity_mode),
    off_nadir: text(row.off_nadir),
    emission_auto: hidden ? '' : text(row.emission_auto),
    emission_uncertainty_auto: hidden ? '' : text(row.emission_uncertainty_auto),
    wind_speed_avg_auto: text(row.wind_speed_avg_auto),
    wind_speed_std_auto: text(row.wind_speed_std_auto),
    wind_direction_avg_auto: text(row.wind_direction_avg_auto),
    wind_direction_std_auto: text(row.wind_direction_std_auto),
    wind_source_auto: text(row.wind_source_auto),
    platform: text(row.platform),
    provider: text(row.provider),
    plume_tif: text(row.plume_tif),
    plume_png: text(row.plume_png),
    con_tif: text(row.con_tif),
    rgb_tif: text(row.rgb_tif),
    rgb_png: text(row.rgb_png),
  };
}

function csvLines(records: string[][]): string {
  return stringify(records, { record_delimiter: '\r\n' });
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
 * The matching plumes as CSV, read through a server-side cursor 1,000 rows at a time and written
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
      SELECT ${PLUME_COLUMNS} FROM plumes p WHERE ${plumeWhere(filter, viewer)}
      ORDER BY ${orderBy(page.sort)} LIMIT ${page.limit} OFFSET ${page.offset}`);
    await write(csvLines([[...columns]]));
    while (!out.destroyed) {
      const rows = await tx.query<PlumeRow>(sql`FETCH ${raw(String(FETCH_ROWS))} FROM plume_csv`);
      if (rows.length === 0) break;
      await write(csvLines(rows.map((row) => {
        const all = cells(row, viewer);
        return columns.map((column) => safeCell(all[column]));
      })));
    }
    await tx.query(sql`CLOSE plume_csv`);
  }).then(
    () => out.end(),
    (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return out;
}
