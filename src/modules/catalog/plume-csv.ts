import type { Readable } from 'node:stream';
import type { Queryable } from '../../platform/db/database.js';
import { pullStream } from '../../platform/http/streaming.js';
import type { PlumeFilter, PlumeSort, Viewer } from './plume-filter.js';
import { selectCsvLines, selectPageIds } from './plume-csv.queries.js';

/** The public plume CSV export's columns, in its order. */
export const CSV_COLUMNS = [
  'plume_id', 'plume_latitude', 'plume_longitude', 'datetime', 'ipcc_sector', 'gas', 'emission_cmf_type', 'plume_bounds', 'instrument',
  'mission_phase', 'published_at', 'modified', 'emission_version', 'processing_software', 'gsd', 'sensitivity_mode', 'off_nadir',
  'emission_auto', 'emission_uncertainty_auto', 'wind_speed_avg_auto', 'wind_speed_std_auto', 'wind_direction_avg_auto',
  'wind_direction_std_auto', 'wind_source_auto', 'platform', 'provider', 'plume_tif', 'plume_png', 'con_tif', 'rgb_tif', 'rgb_png',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Rows read per query: about 1 MB of CSV, a few milliseconds of the database's time. */
const CHUNK_ROWS = 2000;
const ID_DIGITS = 32;
export { safeCell } from '../../platform/http/csv.js';

function idsOf(packed: string): string[] {
  const ids: string[] = [];
  for (let at = 0; at < packed.length; at += ID_DIGITS) ids.push(packed.slice(at, at + ID_DIGITS));
  return ids;
}

/**
 * The matching plumes as CSV, written only as fast as the client reads. No connection or
 * transaction is held while the client reads: one query fixes the page's ids in order, then each
 * chunk of 2,000 rows is one short query, read at most one chunk ahead of what the client took.
 * So a slow or paused reader costs the database nothing between chunks (on the embedded database,
 * which has one connection, every other request gets its turn), and one that leaves stops the
 * queries. Memory stays flat: the ids (32 bytes a plume) and one chunk.
 */
export function plumeCsvStream(db: Queryable, filter: PlumeFilter, viewer: Viewer, page: { sort: PlumeSort; limit: number; offset: number }, columns: readonly CsvColumn[]): Readable {
  let ids: string | undefined;
  let at = 0;
  return pullStream(async () => {
    if (ids === undefined) {
      ids = await selectPageIds(db, filter, viewer, page);
      return `${columns.join(',')}\r\n`;
    }
    if (at >= ids.length) return null;
    const chunk = idsOf(ids.slice(at, at + CHUNK_ROWS * ID_DIGITS));
    at += CHUNK_ROWS * ID_DIGITS;
    const rows = await selectCsvLines(db, chunk, filter, viewer, columns);
    let text = '';
    for (const row of rows) text += `${row.line}\r\n`;
    return text;
  });
}
