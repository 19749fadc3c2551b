import sql from 'sql-template-tag';
import type { Database, Queryable } from '../../platform/db/database.js';
import { vacuumOnOwnSession } from '../../platform/db/vacuum-on-own-session.js';

/** Rows a bulk write must reach before it refreshes the statistics itself (below that, autovacuum's own thresholds serve). */
export const BULK_WRITE_ROWS = 1000;

/**
 * Refreshes the planner's statistics of the catalog tables after a bulk write. Until autovacuum
 * came by, the first pages after `demo-plumes` ran on plans made for an empty table (issue 21:
 * 185–215 ms instead of 87). ANALYZE, unlike VACUUM, may run inside a transaction (the seed's).
 * The time cells (0050, 0059) grow with the plumes; their count query is planned from their statistics.
 */
async function analyzeCatalog(db: Queryable) {
  await db.query(sql`ANALYZE scenes, plumes, plume_time_cells, plume_year_cells`);
}

const isPostgres = (db: Queryable): db is Database => (db as Partial<Database>).kind === 'postgres';

/** The VACUUM's own limit, above any role-level statement_timeout (a fresh million-plume load takes seconds). */
const VACUUM_TIMEOUT = '10min';

/**
 * After a bulk write: the statistics, and on PostgreSQL the visibility map as well (decision 0043).
 * Until a VACUUM marks the new pages all-visible, every index-only scan reads the heap too: right
 * after loading a million plumes the page with every filter took 24.5–25.9 ms, 14.8 ms once
 * vacuumed. It runs on a session of its own (VACUUM cannot run in a transaction, nor under a
 * request's statement timeout), one process at a time, waiting at most 5 s for its table lock and
 * 10 minutes in all; when it cannot run (inside a transaction, a lock held longer, the embedded
 * database, any failure) the statistics are refreshed as before: the pages stay correct, only
 * slower until autovacuum comes.
 */
export async function refreshCatalogAfterBulkWrite(db: Queryable) {
  if (isPostgres(db) && (await vacuumCatalog(db))) return;
  await analyzeCatalog(db);
}

function vacuumCatalog(db: Database): Promise<boolean> {
  return vacuumOnOwnSession(db, 'carbon-atlas:catalog-vacuum', sql`VACUUM (ANALYZE) scenes, plumes, plume_time_cells, plume_year_cells`, VACUUM_TIMEOUT);
}
