import { Type, type Static } from 'typebox';
import type { Database, Queryable } from '../../platform/db/database.js';
import { encodeLayer } from '../../platform/tiles/mvt-encode.js';
import type { Tile } from '../../platform/tiles/tile-math.js';
import type { Viewer } from './plume-filter.js';
import { plumeFilterProperties } from './plumes.schemas.js';
import { toFilter } from './plumes.service.js';
import { namesAreas, prepareAreaFilters, resolveAreaFilters } from './area-filters.js';
import { SceneFilterQuery } from './scenes/scenes.schemas.js';
import { toSceneFilter } from './scenes/scenes.service.js';
import { plumesOfSource } from './sources/sources.service.js';
import * as queries from './tiles.queries.js';
import { cellsAnswer } from './plume-cells.queries.js';

/**
 * What the vector tiles (geo module) read from the catalog: plumes and scenes of one tile with the
 * catalog's own filter parsers and its one visibility rule (visiblePlumes / visibleScenes), and the
 * catalog's revision, which a tile cache keys on.
 */

/** The plume tiles' query: the plume filter set of plumes/annotated, parsed by the same code. */
export const PlumeTileQuery = Type.Object(plumeFilterProperties);
export type PlumeTileQuery = Static<typeof PlumeTileQuery>;
/** The scene tiles' query: the scene filter set of /scenes, parsed by the same code. */
export const SceneTileQuery = SceneFilterQuery;
export type SceneTileQuery = Static<typeof SceneTileQuery>;

/** Field names and types of the MVT layers, for TileJSON's vector_layers. */
export const PLUME_TILE_FIELDS = {
  id: 'String', plume_id: 'String', gas: 'String', sector: 'String', emission_auto: 'Number', emission_uncertainty_auto: 'Number',
  datetime: 'String', instrument: 'String', status: 'String',
  // Tiles of zoom 6 and below without a filter the cells cannot answer: one point per cell (decision 0023).
  plume_count: 'Number', emission_count: 'Number', emission_sum: 'Number',
} as const;
export const SCENE_TILE_FIELDS = {
  id: 'String', name: 'String', instrument: 'String', timestamp: 'String', cloud_cover_pct: 'Number', qa_flags: 'String', assessed: 'Boolean', status: 'String',
} as const;

/** Who encodes: PostgreSQL's ST_AsMVT, or PostGIS-clipped geometry encoded in JavaScript (the embedded database has no ST_AsMVT). */
export type TileEncoder = 'postgis' | 'js';

export function defaultEncoder(db: Database): TileEncoder {
  return db.kind === 'postgres' ? 'postgis' : 'js';
}

/**
 * The catalog's area filters (aoi_id, gadm_composite_id) on tiles, as on its lists: read before
 * validation (the bracketed form too), resolved to the caller's visible areas before the handler.
 */
export const prepareTileAreaFilters = prepareAreaFilters;
export const resolveTileAreaFilters = resolveAreaFilters;
export const tileNamesAreas = namesAreas;

const sortedJson = (value: object) => JSON.stringify(value, Object.keys(value).sort());

/**
 * The key of a plume tile without filters, most of a map's: what sortedJson gives for no parameter.
 * (A scene query always holds its assessment_status default.)
 */
const NO_FILTER_KEY = '{}';

function namesNoParameter(query: object): boolean {
  for (const key in query) if ((query as Record<string, unknown>)[key] !== undefined) return false;
  return true;
}

/** Checks the plume query (422 as the list would answer) and returns it normalised, for cache keys. */
export function plumeTileKey(query: PlumeTileQuery): string {
  if (namesNoParameter(query)) return NO_FILTER_KEY;
  toFilter(query);
  return sortedJson(query);
}

export function sceneTileKey(query: SceneTileQuery): string {
  toSceneFilter(query);
  return sortedJson(query);
}

/**
 * One tile's "plumes" layer as MVT bytes (empty when no visible plume matches there). Up to zoom 6
 * it holds cells (count, emission sum) from the maintained aggregate when the filters allow, else
 * plumes (decision 0023).
 */
export async function plumeTile(db: Database, query: PlumeTileQuery, viewer: Viewer, tile: Tile, options: { encoder: TileEncoder; limit: number; cellsMaxZoom: number }) {
  const filter = { ...toFilter(query), ...(await plumesOfSource(db, query.source_name, viewer)) };
  if (cellsAnswer(filter, tile, options.cellsMaxZoom)) {
    if (options.encoder === 'postgis') return queries.plumeCellTileMvt(db, filter, viewer, tile);
    return encodeLayer('plumes', await queries.plumeCellTileRows(db, filter, viewer, tile));
  }
  if (options.encoder === 'postgis') return queries.plumeTileMvt(db, filter, viewer, tile, options.limit);
  return encodeLayer('plumes', await queries.plumeTileRows(db, filter, viewer, tile, options.limit));
}

/** One tile's "scenes" layer as MVT bytes. */
export async function sceneTile(db: Queryable, query: SceneTileQuery, viewer: Viewer, tile: Tile, options: { encoder: TileEncoder; limit: number }) {
  const filter = toSceneFilter(query);
  if (options.encoder === 'postgis') return queries.sceneTileMvt(db, filter, viewer, tile, options.limit);
  return encodeLayer('scenes', await queries.sceneTileRows(db, filter, viewer, tile, options.limit));
}

/** Changes with every committed plume or scene write; a tile computed at revision N is exact while N is current. */
export function catalogRevision(db: Queryable): Promise<number> {
  return queries.selectCatalogRevision(db);
}
