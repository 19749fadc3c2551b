import type { Config } from '../../platform/config.js';
import type { Sql } from 'sql-template-tag';
import type { Database, LocalSetting } from '../../platform/db/database.js';
import { urlSigner } from '../../platform/storage/blob-store.js';
import { configuredBlobStore } from '../../platform/storage/configured-blob-store.js';
import { mayName } from './asset-keys.js';
import type { Viewer } from './plume-filter.js';
import * as aggregates from './stac-aggregate.queries.js';
import * as queries from './stac.queries.js';

/**
 * The catalog as STAC items, read live (no copy): plumes and scenes the viewer may see, through
 * the catalog's one visibility rule (visiblePlumes/visibleScenes). The STAC module parses requests
 * into a StacSearch; this side turns it into parameterised SQL over whitelisted columns only.
 */

export type CqlGeometry = { type: string; coordinates?: unknown; geometries?: CqlGeometry[] };
/** A CQL2 expression in its JSON encoding (cql2-json), which CQL2 text is parsed into. */
export type CqlExpr =
  | string
  | number
  | boolean
  | null
  | CqlExpr[]
  | { property: string }
  | { op: string; args: CqlExpr[] }
  | { timestamp: string }
  | { date: string }
  | { interval: CqlExpr[] }
  | { bbox: number[] }
  | CqlGeometry;

export interface TimeRange {
  start: Date | null;
  /** Inclusive. */
  end: Date | null;
}

export type SortDirection = 'asc' | 'desc';
export interface SortKey {
  field: queries.SortField;
  direction: SortDirection;
}

/** Where a page starts: the sort values of the item before it (after) or after it (before). */
export interface Keyset {
  values: (string | number)[];
  /** The item's kind (plume, scene, l2b-ch4, l2b-co2): the order's tie-break before the UUID. */
  kind: string;
  uid: string;
  direction: 'next' | 'prev';
}

export interface StacSearch {
  collections?: string[];
  ids?: string[];
  /** One or two boxes [west, south, east, north] (two when the box crosses the antimeridian). */
  bboxes?: [number, number, number, number][];
  intersects?: CqlGeometry;
  datetime?: TimeRange;
  created?: TimeRange;
  cmf?: string;
  gas?: string;
  instruments?: string[];
  sector?: string;
  versions?: string[];
  versionIncludeNulls?: boolean;
  filter?: CqlExpr;
  q?: string[];
  sortby: SortKey[];
  limit: number;
  keyset?: Keyset;
  offset?: number;
}

export const SCENE_COLLECTION = queries.SCENE_COLLECTION;
export const PLUME_COLLECTION = queries.PLUME_COLLECTION;
export const L2B_COLLECTION = queries.L2B_COLLECTION;
/** Whether an id names one of the collection families this API serves (l3a plumes, l1b scenes, l2b products). */
export const isCollectionId = (id: string) => PLUME_COLLECTION.test(id) || L2B_COLLECTION.test(id) || id === SCENE_COLLECTION;
export const QUERYABLES = queries.QUERYABLES;
export const SORT_FIELDS = queries.SORT_FIELDS;
export type { ItemRow, SceneProduct, SortField } from './stac.queries.js';
export { checkGeometry, MAX_POSITIONS } from './stac-geometry.js';

/** Workers an aggregate may use: it reads every matching item, where two workers saved ~25 % at 1M plumes. */
const PARALLEL_WORKERS: LocalSetting = 'max_parallel_workers_per_gather = 2';

/**
 * Runs a search statement. JIT and parallel workers are off on every PostgreSQL connection (the
 * pool sets them; decisions 0018, 0032), so only a statement that must also avoid bitmap scans, or
 * that is worth parallel workers, runs in a read-only transaction of its own that sets that for
 * itself alone, opened and set in one round trip (decision 0033). (PGlite has neither.)
 */
function runSearch<Row>(db: Database, statement: Sql, options: { bitmapScans?: boolean; parallel?: boolean } = {}): Promise<Row[]> {
  const settings: LocalSetting[] = [];
  if (options.bitmapScans === false) settings.push('enable_bitmapscan = off');
  if (options.parallel) settings.push(PARALLEL_WORKERS);
  if (db.kind !== 'postgres' || !settings.length) return db.query<Row>(statement);
  return db.readSnapshot((snapshot) => snapshot.query<Row>(statement), { settings });
}

/** Rows of one page, in order, plus one more when another page follows. */
export async function searchItems(db: Database, viewer: Viewer, search: StacSearch) {
  const rows = await runSearch<queries.ItemRow>(db, queries.searchSql(viewer, search));
  return rows.map((row) => ({ ...row, assets: ownedAssets(row) }));
}

/**
 * Below this many matches a count is always exact: the planner's statistics cover rows the viewer
 * may not see (other organizations' unpublished plumes), so an estimate is given only when at
 * least this many visible items match, never for a search whose visible answer is small.
 */
export const ALWAYS_COUNTED = 1_000;

/**
 * Items matched: counted exactly when there are at most ALWAYS_COUNTED, or when the planner expects
 * at most `cap` and there are at most `cap`; otherwise a number above `cap` that is an estimate (the
 * planner's, or `cap + 1` when it expected fewer than the count found). Counting tens of thousands
 * of rows exactly on a first page cost more than the page itself (decision 0030).
 */
export async function countItems(db: Database, viewer: Viewer, search: StacSearch, cap: number): Promise<number> {
  const [expected, few] = await Promise.all([estimateItems(db, viewer, search), cappedCount(db, viewer, search, ALWAYS_COUNTED)]);
  if (few <= ALWAYS_COUNTED) return few;
  if (expected > cap) return expected;
  return cappedCount(db, viewer, search, cap);
}

/** Matches counted up to `cap + 1` ("more than cap"), never more, even summed over plumes and scenes. */
async function cappedCount(db: Database, viewer: Viewer, search: StacSearch, cap: number): Promise<number> {
  // A capped count stops at cap + 1 matches, but a bitmap plan builds its whole bitmaps first (on 1M
  // plumes, the bbox's and the year's: 300k and 170k entries, then AND-ed) before the LIMIT can stop
  // it; an index scan filtered row by row stops early. EXPLAIN ANALYZE: ~900 ms → ~370 ms under load.
  const [row] = await runSearch<{ n: string | number }>(db, queries.countSql(viewer, search, cap), { bitmapScans: false });
  return Math.min(Number(row?.n ?? 0), cap + 1);
}

type PlanNode = { Plan?: { 'Plan Rows'?: number } };

/** The planner's row estimate for the search (0 when it has nothing to match). */
async function estimateItems(db: Database, viewer: Viewer, search: StacSearch): Promise<number> {
  const statement = queries.estimateSql(viewer, search);
  if (!statement) return 0;
  const [row] = await db.query<{ 'QUERY PLAN': PlanNode[] | string }>(statement);
  const plan = row?.['QUERY PLAN'];
  const nodes: PlanNode[] = typeof plan === 'string' ? JSON.parse(plan) : (plan ?? []);
  return Math.round(nodes[0]?.Plan?.['Plan Rows'] ?? 0);
}

export type { AggregateRequest, DatetimeInterval } from './stac-aggregate.queries.js';
export const AGGREGATION_NAMES = aggregates.AGGREGATION_NAMES;
export const DATETIME_INTERVALS = aggregates.DATETIME_INTERVALS;
export const EMISSION_EDGES = aggregates.EMISSION_EDGES;
export const CLOUD_COVER_EDGES = aggregates.CLOUD_COVER_EDGES;
export const MAX_AGGREGATION_BUCKETS = aggregates.MAX_BUCKETS;

/** The items a search matches, aggregated: `total` and, per requested name, a value or [key, frequency] pairs. */
export async function aggregateItems(db: Database, viewer: Viewer, search: StacSearch, request: aggregates.AggregateRequest) {
  const [row] = await runSearch<Record<string, unknown>>(db, aggregates.aggregateSql(viewer, { ...search, keyset: undefined, offset: undefined }, request), { parallel: true });
  return row!;
}

export async function getItem(db: Database, viewer: Viewer, collection: string, id: string) {
  const rows = await searchItems(db, viewer, { collections: [collection], ids: [id], sortby: [], limit: 1 });
  return rows[0];
}

/** The plume collections holding at least one item the viewer may see, with their time extent; the scene collection always. */
export async function listCollections(db: Database, viewer: Viewer) {
  return runSearch<{ id: string; kind: 'plume' | 'scene' | 'l2b'; first: Date | null; last: Date | null }>(db, queries.collectionsSql(viewer));
}

/**
 * An asset is offered only when the key is registered to the plume's owner (and may be named by
 * it), as the catalog's asset route serves it; a plume naming another owner's file shows no link.
 */
function ownedAssets(row: queries.ItemRow): Record<string, string> {
  const assets: Record<string, string> = {};
  // An L2B item's rasters are the scene's own uploads (registered by geo/raster after checking ownership).
  if (row.kind.startsWith('l2b-')) return { ...(row.asset_keys ?? {}) };
  for (const [column, key] of Object.entries(row.asset_keys ?? {})) {
    if (typeof key === 'string' && row.owned_keys?.includes(key) && mayName(key, row.organization_id)) assets[column] = key;
  }
  return assets;
}

/**
 * Signs asset keys as the catalog's asset route does (same key, same URL form), so STAC asset
 * hrefs open the file without credentials until ASSET_URL_TTL passes: the store's own signed URL
 * (S3) or `/api/v1/catalog/asset/<key>?expires=…&signature=…` (relative to the server).
 */
export function assetHrefSigner(config: Config, deriveKey: (purpose: string) => Uint8Array) {
  const store = configuredBlobStore(config);
  const signer = urlSigner(deriveKey('catalog-assets'));
  return async (key: string): Promise<{ href: string; relative: boolean }> => {
    if (store.signedUrl) return { href: await store.signedUrl(key, config.ASSET_URL_TTL), relative: false };
    const { expires, signature } = signer.sign(key, config.ASSET_URL_TTL);
    return { href: `/api/v1/catalog/asset/${key}?expires=${expires}&signature=${signature}`, relative: true };
  };
}
