import sql from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';

/** Names demo plumes' own GeoTIFFs (the demo writes them after the plumes). */
export async function setPlumeTifs(db: Queryable, named: { id: string; key: string }[]) {
  if (named.length === 0) return;
  await db.query(sql`
    UPDATE plumes p SET plume_tif = n.key
    FROM unnest(${named.map((n) => n.id)}::uuid[], ${named.map((n) => n.key)}::text[]) AS n(id, key) WHERE p.id = n.id`);
}
