import type { Queryable } from '../../../platform/db/database.js';
import { NotFoundError } from '../../../platform/errors.js';
import * as queries from './administrative-areas.queries.js';
import { multiPolygonOf } from './aois.service.js';
import { foldName } from './search-key.js';

const SEARCH_LIMIT = 20;

/** Names matching the term, accents and case aside: exact, then prefix, then a word's prefix (see searchAreas). */
export async function searchAdministrativeAreas(db: Queryable, search: string) {
  const term = foldName(search);
  if (!term) return [];
  const pattern = `${term.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  const rows = await queries.searchAreas(db, term, pattern, SEARCH_LIMIT);
  return rows.map((row) => ({ gadm_composite_id: row.gadm_composite_id, name: row.name, bbox: row.bbox.map(Number) }));
}

export async function administrativeAreaGeojson(db: Queryable, id: string) {
  const geojson = await queries.selectAreaGeojson(db, id);
  if (!geojson) throw new NotFoundError(`Administrative area ${id} not found.`);
  return multiPolygonOf(geojson);
}
