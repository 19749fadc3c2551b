import type { Queryable } from '../../../platform/db/database.js';
import type { LayerViewer } from './layer-visibility.queries.js';
import * as queries from './layer-areas.queries.js';

/**
 * Layers used by name from other modules (tasking's target specs name their input layers), always
 * through the one layer visibility rule.
 */
export interface LayerSummary {
  id: number;
  name: string;
  verbose_name: string | null;
  bounds: number[];
}

export async function layersByName(db: Queryable, viewer: LayerViewer, names: readonly string[]): Promise<LayerSummary[]> {
  if (names.length === 0) return [];
  const rows = await queries.selectLayersByName(db, viewer, [...names]);
  return rows.map((row) => ({ id: Number(row.id), name: row.name, verbose_name: row.verbose_name, bounds: row.bounds ? row.bounds.map(Number) : [] }));
}

export interface LayerFeaturePoint {
  layer: string;
  featureId: number;
  label: string | null;
  longitude: number;
  latitude: number;
}

/** The centroid of each feature of the named (ready) layers, at most `limit` of them. */
export async function layerFeatureCentroids(db: Queryable, viewer: LayerViewer, names: readonly string[], limit: number): Promise<LayerFeaturePoint[]> {
  if (names.length === 0) return [];
  const rows = await queries.selectLayerFeatureCentroids(db, viewer, [...names], limit);
  return rows.map((row) => ({ layer: row.layer_name, featureId: Number(row.feature_id), label: row.label, longitude: Number(row.longitude), latitude: Number(row.latitude) }));
}
