import { pipeline, type Readable } from 'node:stream';
import { CsvError, parse as parseCsv } from 'csv-parse';
import { BadRequestError } from '../../platform/errors.js';
import type { Queryable } from '../../platform/db/database.js';
import * as writes from './catalog-writes.queries.js';
import { sceneNameOf, sceneTime } from './names.js';
import { GASES, INSTRUMENTS } from './plume-filter.js';
import { parseSector } from './sectors.js';
import { storeChunk, type PendingPlume } from './plume-import-store.js';
import { BULK_WRITE_ROWS, refreshCatalogAfterBulkWrite } from './planner-statistics.queries.js';
import { parseInstant } from '../../platform/http/date-time.js';

const CHUNK = 500;
const MAX_REPORTED_ERRORS = 1000;

export interface PlumeImportReport {
  received: number;
  created: number;
  updated: number;
  failed: number;
  errors: { row: number; message: string }[];
}

class RowError extends Error {}

const cellOf = (record: Record<string, string>, column: string) => {
  const value = record[column]?.trim();
  return value === undefined || value === '' ? null : value;
};

function numberOf(record: Record<string, string>, column: string, required = false): number | null {
  const cell = cellOf(record, column);
  if (cell === null) {
    if (required) throw new RowError(`${column}: required`);
    return null;
  }
  const value = Number(cell);
  if (!Number.isFinite(value)) throw new RowError(`${column}: not a number`);
  return value;
}

function dateOf(record: Record<string, string>, column: string): Date | null {
  const cell = cellOf(record, column);
  if (cell === null) return null;
  // The public CSV writes UTC times with or without the zone; read both with the server's one parser.
  const value = parseInstant(cell) ?? parseInstant(`${cell}Z`);
  if (!value) throw new RowError(`${column}: not an RFC 3339 date-time`);
  return value;
}

/** `[w, s, e, n]` as JSON, or four numbers separated by commas or spaces. */
function boundsOf(record: Record<string, string>): [number, number, number, number] | null {
  const cell = cellOf(record, 'plume_bounds');
  if (cell === null) return null;
  const numbers = cell.replace(/[[\]()]/g, ' ').split(/[\s,]+/).filter(Boolean).map(Number);
  if (numbers.length !== 4 || numbers.some((n) => !Number.isFinite(n))) throw new RowError('plume_bounds: four numbers (west, south, east, north)');
  const [w, s, e, n] = numbers as [number, number, number, number];
  return [Math.min(w, e), Math.min(s, n), Math.max(w, e), Math.max(s, n)];
}

/** One row of the public plume CSV to a plume (its scene resolved by the caller). */
export function plumeFromRow(record: Record<string, string>, organizationId: string | null): Omit<writes.PlumeValues, 'scene_id'> {
  const plumeId = cellOf(record, 'plume_id');
  const sceneName = plumeId ? sceneNameOf(plumeId) : undefined;
  if (!plumeId || !sceneName) throw new RowError('plume_id: expected <platform><YYYYMMDD>t<HHMMSS>p<part>-<letter>');
  const gas = cellOf(record, 'gas')?.toUpperCase();
  if (!gas || !(GASES as readonly string[]).includes(gas)) throw new RowError('gas: CH4 or CO2');
  const instrument = cellOf(record, 'instrument') ?? plumeId.slice(0, 3);
  if (!(INSTRUMENTS as readonly string[]).includes(instrument)) throw new RowError(`instrument: one of ${INSTRUMENTS.join(', ')}`);
  const latitude = numberOf(record, 'plume_latitude', true)!;
  const longitude = numberOf(record, 'plume_longitude', true)!;
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) throw new RowError('plume_latitude/plume_longitude: out of range');
  const sector = parseSector(record.ipcc_sector);
  if (sector === undefined) throw new RowError(`ipcc_sector: unknown sector ${record.ipcc_sector}`);
  const datetime = dateOf(record, 'datetime') ?? sceneTime(sceneName);
  if (!datetime) throw new RowError('datetime: required');
  const publishedAt = dateOf(record, 'published_at');
  return {
    plume_id: plumeId,
    scene_name: sceneName,
    instrument,
    platform: cellOf(record, 'platform'),
    provider: cellOf(record, 'provider'),
    mission_phase: cellOf(record, 'mission_phase'),
    datetime,
    organization_id: organizationId,
    gas,
    longitude,
    latitude,
    bounds: boundsOf(record),
    sector,
    emission_auto: numberOf(record, 'emission_auto'),
    emission_uncertainty_auto: numberOf(record, 'emission_uncertainty_auto'),
    emission_cmf_type: cellOf(record, 'emission_cmf_type'),
    emission_version: cellOf(record, 'emission_version'),
    processing_software: cellOf(record, 'processing_software'),
    gsd: numberOf(record, 'gsd'),
    sensitivity_mode: cellOf(record, 'sensitivity_mode'),
    off_nadir: numberOf(record, 'off_nadir'),
    wind_speed_avg_auto: numberOf(record, 'wind_speed_avg_auto'),
    wind_speed_std_auto: numberOf(record, 'wind_speed_std_auto'),
    wind_direction_avg_auto: numberOf(record, 'wind_direction_avg_auto'),
    wind_direction_std_auto: numberOf(record, 'wind_direction_std_auto'),
    wind_source_auto: cellOf(record, 'wind_source_auto'),
    quality: null,
    // The public export lists published plumes; a row without published_at awaits review.
    status: publishedAt ? 'published' : 'valid',
    plume_tif: cellOf(record, 'plume_tif'),
    plume_png: cellOf(record, 'plume_png'),
    con_tif: cellOf(record, 'con_tif'),
    rgb_tif: cellOf(record, 'rgb_tif'),
    rgb_png: cellOf(record, 'rgb_png'),
    published_at: publishedAt,
    modified: dateOf(record, 'modified'),
  };
}

/** Characters one row may hold: far above any real plume row. */
const MAX_ROW_SIZE = 1024 * 1024;

/** Parsed rows; a file that is not CSV at all stops the import with the parser's reason. */
async function* csvRecords(upload: Readable): AsyncIterable<Record<string, string>> {
  try {
    // pipeline, not pipe(): a failing source fails the parser too, instead of leaving it waiting.
    // max_record_size: one row (or a quote never closed) may not grow without bound in memory.
    const options = { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, max_record_size: MAX_ROW_SIZE };
    yield* pipeline(upload, parseCsv(options), () => undefined) as AsyncIterable<Record<string, string>>;
  } catch (error) {
    if (error instanceof CsvError) throw new BadRequestError(`Not a readable CSV file: ${error.message}`);
    throw error;
  }
}

/**
 * Imports the public plume CSV (extra columns such as country or state_province are ignored):
 * the importer's own scenes created as first seen, plumes inserted or, by plume_id, updated; bad rows reported by
 * number (the header is row 1). Memory stays flat.
 */
export async function importPlumeCsv(
  db: Queryable,
  upload: Readable,
  organizationId: string | null,
  onProgress?: (report: PlumeImportReport) => void | Promise<void>,
  resumeFrom?: PlumeImportReport,
) {
  // A resumed job skips the rows its interrupted run counted (their plumes are stored).
  const report: PlumeImportReport = resumeFrom ? { ...resumeFrom, errors: [...resumeFrom.errors] } : { received: 0, created: 0, updated: 0, failed: 0, errors: [] };
  let skip = resumeFrom?.received ?? 0;
  const scenes = new Map<string, string>();
  let chunk: PendingPlume[] = [];
  const flush = async () => {
    const stored = await storeChunk(db, chunk, organizationId);
    report.created += stored.created;
    report.updated += stored.updated;
    report.failed += stored.rejected.length;
    report.errors.push(...stored.rejected.slice(0, Math.max(0, MAX_REPORTED_ERRORS - report.errors.length)));
    report.errors.sort((a, b) => a.row - b.row);
    chunk = [];
    await onProgress?.(report);
  };
  let row = 1;
  for await (const record of csvRecords(upload)) {
    row += 1;
    if (skip > 0) {
      skip -= 1;
      continue;
    }
    report.received += 1;
    try {
      const plume = plumeFromRow(record, organizationId);
      let sceneId = scenes.get(plume.scene_name);
      if (!sceneId) {
        // The importer's own scene of that name, never another organization's (see sceneOfOwner).
        const scene = {
          name: plume.scene_name,
          instrument: plume.instrument,
          platform: plume.platform,
          provider: plume.provider,
          missionPhase: plume.mission_phase,
          timestamp: sceneTime(plume.scene_name) ?? plume.datetime,
          organizationId,
        };
        sceneId = await writes.sceneOfOwner(db, scene, plume.status === 'published');
        if (scenes.size > 10_000) scenes.clear();
        scenes.set(plume.scene_name, sceneId);
      }
      chunk.push({ row, plume: { ...plume, scene_id: sceneId } });
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      report.failed += 1;
      if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push({ row, message: error.message });
    }
    if (chunk.length >= CHUNK) await flush();
  }
  await flush();
  // A bulk import leaves the statistics (and on PostgreSQL the visibility map) current, so the
  // first catalog pages after it plan for and read what it stored.
  if (report.created + report.updated >= BULK_WRITE_ROWS) await refreshCatalogAfterBulkWrite(db);
  return report;
}
