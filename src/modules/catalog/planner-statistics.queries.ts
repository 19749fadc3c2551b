import sql from 'sql-template-tag';
import type { Queryable } from '../../platform/db/database.js';

/** Rows a bulk write must reach before it refreshes the statistics itself (below that, autovacuum's own thresholds serve). */
export const BULK_WRITE_ROWS = 1000;

/**
 * Refreshes the planner's statistics of the catalog tables after a bulk write. Until autovacuum
 * came by, the first pages after `demo-plumes` ran on plans made for an empty table (issue 21:
 * 185–215 ms instead of 87). ANALYZE, unlike VACUUM, may run inside a transaction (the seed's).
 * The time cells (0050) grow with the plumes; their count query is planned from their statistics.
 */
export async function analyzeCatalog(db: Queryable) {
  await db.query(sql`ANALYZE scenes, plumes, plume_time_cells`);
}
