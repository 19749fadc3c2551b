import { BadRequestError } from '../../platform/errors.js';
import * as catalog from '../catalog/stac.service.js';
import type { CollectionInfo } from './documents.js';

/**
 * The STAC API Aggregation extension (v0.3.0): which aggregations exist, which apply to which
 * collection, and the catalog's rows turned into an AggregationCollection.
 */

type Kind = CollectionInfo['kind'];
interface Definition {
  data_type: string;
  description: string;
  /** The collection kinds it means something for (a collection's /aggregate refuses the others). */
  kinds: Kind[];
}

const ALL: Kind[] = ['plume', 'scene', 'l2b'];
export const AGGREGATIONS: Record<string, Definition> = {
  total_count: { data_type: 'integer', description: 'Items matched', kinds: ALL },
  datetime_min: { data_type: 'datetime', description: 'Earliest acquisition', kinds: ALL },
  datetime_max: { data_type: 'datetime', description: 'Latest acquisition', kinds: ALL },
  collection_frequency: { data_type: 'frequency_distribution', description: 'Items per collection', kinds: ALL },
  datetime_frequency: { data_type: 'frequency_distribution', description: 'Items per acquisition period (datetime_frequency_interval: year, month, week, day or hour, UTC; default month)', kinds: ALL },
  instrument_frequency: { data_type: 'frequency_distribution', description: 'Items per instrument (cm:instrument)', kinds: ALL },
  sector_frequency: { data_type: 'frequency_distribution', description: 'Plumes per IPCC sector (cm:sector)', kinds: ['plume'] },
  emission_frequency: { data_type: 'frequency_distribution', description: `Plumes per emission range, kg/h (cm:emission; edges ${catalog.EMISSION_EDGES.join(', ')}); hidden or missing emissions are overflow`, kinds: ['plume'] },
  cloud_cover_frequency: { data_type: 'frequency_distribution', description: `RGB scenes per cloud cover range, % (eo:cloud_cover; edges ${catalog.CLOUD_COVER_EDGES.join(', ')})`, kinds: ['scene'] },
  grid_geohash_frequency: { data_type: 'frequency_distribution', description: 'Items per geohash cell of their point (plume point, scene footprint point; grid_geohash_frequency_precision 1–8, default 1)', kinds: ALL },
  grid_geotile_frequency: { data_type: 'frequency_distribution', description: 'Items per Web Mercator tile z/x/y of their point (grid_geotile_frequency_precision = zoom 0–15, default 0)', kinds: ALL },
};
const DEFAULT = ['total_count', 'datetime_min', 'datetime_max', 'collection_frequency'];

export interface AggregateParams {
  aggregations?: string | string[] | null;
  datetime_frequency_interval?: string;
  grid_geohash_frequency_precision?: number;
  grid_geotile_frequency_precision?: number;
}

/** The aggregations a collection (or, undefined, the whole API) offers, as /aggregations lists them. */
export function available(collection?: CollectionInfo) {
  return Object.entries(AGGREGATIONS)
    .filter(([, definition]) => !collection || definition.kinds.includes(collection.kind))
    .map(([name, definition]) => ({ name, data_type: definition.data_type, description: definition.description }));
}

/** The request's aggregations, checked: unknown names are 400, and so are names a collection does not offer. */
export function toAggregateRequest(params: AggregateParams, collection?: CollectionInfo): catalog.AggregateRequest {
  const given = typeof params.aggregations === 'string' ? params.aggregations.split(',') : (params.aggregations ?? []);
  const names = given.map((name) => name.trim()).filter(Boolean);
  for (const name of names) {
    const definition = Object.hasOwn(AGGREGATIONS, name) ? AGGREGATIONS[name] : undefined;
    if (!definition) throw new BadRequestError(`aggregations: unknown aggregation "${name}" (see /aggregations).`);
    if (collection && !definition.kinds.includes(collection.kind)) throw new BadRequestError(`aggregations: "${name}" is not offered by collection ${collection.id} (see its /aggregations).`);
  }
  return {
    names: new Set(names.length ? names : DEFAULT),
    datetimeInterval: (params.datetime_frequency_interval ?? 'month') as catalog.DatetimeInterval,
    geohashPrecision: params.grid_geohash_frequency_precision ?? 1,
    geotilePrecision: params.grid_geotile_frequency_precision ?? 0,
  };
}

type Pair = [string | number, string | number];
const count = (value: unknown) => Number(value ?? 0);

/** Range buckets: every range, empty ones included, `from` inclusive and `to` exclusive. */
function rangeBuckets(pairs: Pair[], edges: number[]) {
  const byIndex = new Map(pairs.map(([index, frequency]) => [Number(index), count(frequency)]));
  return Array.from({ length: edges.length + 1 }, (_, index) => {
    const from = index > 0 ? edges[index - 1] : undefined;
    const to = index < edges.length ? edges[index] : undefined;
    return { key: `${from ?? '*'}-${to ?? '*'}`, data_type: 'numeric', frequency: byIndex.get(index) ?? 0, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
  });
}

/** The catalog's aggregate row as an AggregationCollection, in the order the names were defined. */
export function aggregationDocument(row: Record<string, unknown>, request: catalog.AggregateRequest) {
  const total = count(row.total);
  const aggregations = Object.keys(AGGREGATIONS)
    .filter((name) => request.names.has(name))
    .map((name) => {
      const value = row[name];
      const data_type = AGGREGATIONS[name]!.data_type;
      if (name === 'total_count') return { name, data_type, value: count(value) };
      if (data_type === 'datetime') return { name, data_type, value: value ? new Date(value as string).toISOString() : null };
      const pairs = (value ?? []) as Pair[];
      let buckets;
      if (name === 'emission_frequency') buckets = rangeBuckets(pairs, catalog.EMISSION_EDGES);
      else if (name === 'cloud_cover_frequency') buckets = rangeBuckets(pairs, catalog.CLOUD_COVER_EDGES);
      else buckets = pairs.map(([key, frequency]) => ({ key: String(key), data_type: name === 'datetime_frequency' ? 'datetime' : 'string', frequency: count(frequency) }));
      const counted = buckets.reduce((sum, bucket) => sum + bucket.frequency, 0);
      return { name, data_type, buckets, overflow: total - counted };
    });
  return { type: 'AggregationCollection' as const, aggregations };
}
