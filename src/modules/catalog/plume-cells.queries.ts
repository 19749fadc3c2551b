import sql, { join, type Sql } from 'sql-template-tag';
import type { Tile } from '../../platform/tiles/tile-math.js';
import { filtersOnly, type PlumeFilter, type Viewer } from './plume-filter.js';
import { plumeConditions } from './plumes.queries.js';

/**
 * Low-zoom plume tiles from the cells kept by migration 0047 (decision 0023): per cell of the
 * zoom-12 grid and per owner, status, gas, sector and instrument, the plumes' count, emission sums
 * and position sums. A tile of zoom z <= CELL_MAX_ZOOM groups them into CELLS_PER_TILE cells a side
 * and draws each as one point at its plumes' centroid.
 */
export const CELL_MAX_ZOOM = 6;
/** Cells a tile side: 64 tile units each (8 px of a 512 px tile), so the tile's buffer is one cell. */
const CELLS_PER_TILE = 64;
/** Zoom of the stored grid: CELL_MAX_ZOOM's tiles split CELLS_PER_TILE a side. */
const GRID_ZOOM = CELL_MAX_ZOOM + Math.log2(CELLS_PER_TILE);

/**
 * The filters the cells answer exactly: the columns they are kept by. Every other filter (dates,
 * emission range, quality, bbox, areas, a source…) is left to the plume-by-plume tile.
 */
const CELL_FIELDS = new Set<keyof PlumeFilter>(['status', 'includeDeleted', 'gas', 'sectors', 'instruments']);

export function cellsAnswer(filter: PlumeFilter, tile: Tile, maxZoom: number): boolean {
  return tile.z <= Math.min(maxZoom, CELL_MAX_ZOOM) && filtersOnly(filter, CELL_FIELDS);
}

/**
 * The tile's cells as candidates (`g` in EPSG:3857 and the properties), for the shared MVT paths.
 * The catalog's own conditions apply to the cells (aliased `p`, they have the columns those filters
 * and the visibility rule read), so a cell counts exactly the plumes the list would show. Emissions
 * follow visiblePlumes: a hidden emission counts for its owner only. Cells one beyond the tile on
 * each side are its buffer.
 */
export function cellCandidates(filter: PlumeFilter, viewer: Viewer, tile: Tile): Sql {
  const shift = GRID_ZOOM - tile.z - Math.log2(CELLS_PER_TILE);
  const perTile = 2 ** (GRID_ZOOM - tile.z);
  const perCell = 2 ** shift;
  const own = viewer.organizationId ? sql`p.organization_id = ${viewer.organizationId}::uuid` : sql`false`;
  const emissions = sql`CASE WHEN ${own} THEN p.emissions ELSE p.public_emissions END`;
  const emissionSum = sql`CASE WHEN ${own} THEN p.emission_sum ELSE p.public_emission_sum END`;
  const inTile = sql`p.cx BETWEEN ${tile.x * perTile - perCell} AND ${(tile.x + 1) * perTile + perCell - 1}
    AND p.cy BETWEEN ${tile.y * perTile - perCell} AND ${(tile.y + 1) * perTile + perCell - 1}`;
  return sql`(
    SELECT ST_SetSRID(ST_MakePoint(sum(p.sum_x) / NULLIF(sum(p.plumes), 0)::float8, sum(p.sum_y) / NULLIF(sum(p.plumes), 0)::float8), 3857) AS g,
      sum(p.plumes)::int AS plume_count, sum(p.emissions)::int AS emission_count,
      CASE WHEN sum(p.emissions) > 0 THEN sum(p.emission_sum)::float8 END AS emission_sum
    FROM (
      SELECT p.cx >> ${shift} AS gx, p.cy >> ${shift} AS gy, p.plumes, p.sum_x, p.sum_y, ${emissions} AS emissions, ${emissionSum} AS emission_sum
      FROM plume_tile_cells p WHERE ${join([...plumeConditions(filter, viewer), inTile], ' AND ')}
    ) p
    GROUP BY p.gx, p.gy HAVING sum(p.plumes) > 0 ORDER BY p.gx, p.gy)`;
}

/** What a cell carries: how many plumes, how many of them with an emission the viewer may see, and their sum (kg/h). */
export const CELL_PROPERTIES = sql`c.plume_count, c.emission_count, c.emission_sum`;
