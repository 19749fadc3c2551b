import sql from 'sql-template-tag';
import type { Queryable } from '../../../platform/db/database.js';
import { visibleLayers, type LayerViewer } from './layer-visibility.queries.js';

export interface NamedLayerRow {
  id: string;
  name: string;
  verbose_name: string | null;
  bounds: number[] | null;
}

/** The viewer's layers among these names (matched case-insensitively, as layer names are unique that way). */
export function selectLayersByName(db: Queryable, viewer: LayerViewer, names: string[]) {
  return db.query<NamedLayerRow>(sql`
    SELECT l.id::text AS id, l.name, l.verbose_name, l.bounds
    FROM ${visibleLayers(viewer)} l WHERE lower(l.name) = ANY(${names.map((n) => n.toLowerCase())}::text[])`);
}

export interface LayerFeaturePointRow {
  layer_name: string;
  feature_id: string;
  label: string | null;
  longitude: number;
  latitude: number;
}

/** One representative point (the centroid) per feature of the viewer's named layers, at most `limit`. */
export function selectLayerFeatureCentroids(db: Queryable, viewer: LayerViewer, names: string[], limit: number) {
  return db.query<LayerFeaturePointRow>(sql`
    SELECT l.name AS layer_name, f.id::text AS feature_id, f.properties->>'name' AS label,
           ST_X(ST_Centroid(f.geom)) AS longitude, ST_Y(ST_Centroid(f.geom)) AS latitude
    FROM ${visibleLayers(viewer)} l JOIN layer_features f ON f.layer_id = l.id
    WHERE lower(l.name) = ANY(${names.map((n) => n.toLowerCase())}::text[]) AND l.status = 0 AND NOT ST_IsEmpty(f.geom)
    ORDER BY l.name, f.id LIMIT ${limit}`);
}
