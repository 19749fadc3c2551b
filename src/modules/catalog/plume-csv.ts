import type { Readable } from 'node:stream';
import { constants as zlib } from 'node:zlib';
import type { Database } from '../../platform/db/database.js';
import { pullStream } from '../../platform/http/streaming.js';
import type { PlumeFilter, PlumeSort, Viewer } from './plume-filter.js';
import { selectCsvLines, selectCsvPage, selectPageIds } from './plume-csv.queries.js';

/** The public plume CSV export's columns, in its order. */
export const CSV_COLUMNS = [
  'plume_id', 'plume_latitude', 'plume_longitude', 'datetime', 'ipcc_sector', 'gas', 'emission_cmf_type', 'plume_bounds', 'instrument',
  'mission_phase', 'published_at', 'modified', 'emission_version', 'processing_software', 'gsd', 'sensitivity_mode', 'off_nadir',
  'emission_auto', 'emission_uncertainty_auto', 'wind_speed_avg_auto', 'wind_speed_std_auto', 'wind_direction_avg_auto',
  'wind_direction_std_auto', 'wind_source_auto', 'platform', 'provider', 'plume_tif', 'plume_png', 'con_tif', 'rgb_tif', 'rgb_png',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/**
 * The export's compression (the route's `compress` option): the fastest levels. A 100,000-row
 * export is ~30 MB of CSV compressed in the same process that writes it; measured on 20 MB of it,
 * gzip's default level cost 221 ms of CPU and brotli 4 (the app's default until decision 0041)
 * 326 ms, against 89 ms for gzip 1 and 53 ms for brotli 1, for files 15 % larger (6.8–7.1× smaller
 * than the CSV instead of 7.9–8.2×). The rest as the app's defaults (cors-and-compression.ts).
 */
export const CSV_COMPRESSION = {
  encodings: ['br', 'gzip'] as ('br' | 'gzip')[],
  threshold: 1024,
  zlibOptions: { level: 1 },
  brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 1 } },
};

/** Rows read per query: about 1 MB of CSV, a few milliseconds of the database's time. */
const CHUNK_ROWS = 2000;
/** A uuid as text, dashes included: taking them out cost the ids' query ~15 % more. */
const ID_CHARS = 36;
export { safeCell } from '../../platform/http/csv.js';

/**
 * Chunk queries read ahead at once in this process, across every export: each export has one
 * query of its own (as many as the download slots, DOWNLOAD_LIMIT_TOTAL, allow), and the read-ahead
 * second one only while this is free — so eight exports at once still leave the pool's other
 * connections to every other request.
 */
const READ_AHEAD_LIMIT = 1;
let readingAhead = 0;

function idsOf(packed: string): string[] {
  const ids: string[] = [];
  for (let at = 0; at < packed.length; at += ID_CHARS) ids.push(packed.slice(at, at + ID_CHARS));
  return ids;
}

/** Rows the start reads beside the ids' query, on a fork of its snapshot: about what it formats while the ids are read. */
const HEAD_ROWS = 2 * CHUNK_ROWS;

/**
 * The page's ids in order and, when a second connection is free and no other export is reading
 * ahead, the lines of its first HEAD_ROWS plumes, read at the same time from one snapshot: the
 * ids' query (~60 ms for 100,000) no longer leaves the other core idle before the first chunk.
 * The lines are used only when their ids are the first of the page's: rows that tie on the sort
 * keys (`plume_id` is not unique) may come in another order from a query with a smaller LIMIT.
 */
async function start(db: Database, filter: PlumeFilter, viewer: Viewer, page: { sort: PlumeSort; limit: number; offset: number }, columns: readonly CsvColumn[]) {
  const { ids, head } = await db.readSnapshot(async (snapshot, fork) => {
    // The read-ahead slot is taken before the fork is asked for: two exports starting together cannot both take one.
    const readsAhead = readingAhead < READ_AHEAD_LIMIT;
    if (readsAhead) readingAhead += 1;
    try {
      const other = readsAhead ? await fork() : undefined;
      const headPage = { ...page, limit: Math.min(page.limit, HEAD_ROWS) };
      const [ids, head] = await Promise.all([selectPageIds(snapshot, filter, viewer, page), other && selectCsvPage(other, filter, viewer, headPage, columns)]);
      return { ids, head };
    } finally {
      if (readsAhead) readingAhead -= 1;
    }
  });
  if (!head || !ids.startsWith(head.ids)) return { ids, lines: '', at: 0 };
  return { ids, lines: head.lines, at: head.ids.length };
}

/**
 * The matching plumes as CSV, written only as fast as the client reads. No connection or
 * transaction is held while the client reads: one snapshot fixes the page's ids in order (and
 * reads its first lines beside them, see `start`), then each chunk of 2,000 rows is one short
 * query. While one chunk is written, the next two are read, each on its own connection: formatting
 * a chunk costs the database about twice what COPY spends on the same rows, and two queries at
 * once use both of a small server's cores (a chunk's query is most of an export's time) — when no
 * other export is reading ahead (READ_AHEAD_LIMIT). Never more than two chunks are read ahead of
 * what the client took, so a slow or paused reader costs the database nothing once they are read
 * (on the embedded database, which has one connection, every other request gets its turn), and
 * one that leaves stops the queries. Memory stays flat: the ids (36 bytes a plume) and at most
 * four chunks' worth (the first lines, then three chunks).
 */
export function plumeCsvStream(db: Database, filter: PlumeFilter, viewer: Viewer, page: { sort: PlumeSort; limit: number; offset: number }, columns: readonly CsvColumn[]): Readable {
  let ids: string | undefined;
  let at = 0;
  let following: Promise<string> | undefined;
  const read = (): Promise<string> | undefined => {
    if (ids === undefined || at >= ids.length) return undefined;
    const chunk = idsOf(ids.slice(at, at + CHUNK_ROWS * ID_CHARS));
    at += CHUNK_ROWS * ID_CHARS;
    const text = selectCsvLines(db, chunk, filter, viewer, columns);
    text.catch(() => undefined); // awaited when its turn comes, unless the stream is gone by then
    return text;
  };
  /** The next chunk read now, beside the current one, if the process's read-ahead allows; else it is read in its turn. */
  const readAhead = (): Promise<string> | undefined => {
    if (readingAhead >= READ_AHEAD_LIMIT) return undefined;
    const text = read();
    if (!text) return undefined;
    readingAhead += 1;
    const release = () => void (readingAhead -= 1);
    text.then(release, release);
    return text;
  };
  return pullStream(async () => {
    if (ids === undefined) {
      const started = await start(db, filter, viewer, page, columns);
      ids = started.ids;
      at = started.at;
      return `${columns.join(',')}\r\n${started.lines}`;
    }
    const current = following ?? read();
    if (current === undefined) return null;
    following = readAhead();
    return current;
  });
}
