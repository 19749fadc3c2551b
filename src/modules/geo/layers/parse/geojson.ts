import { VectorUploadError } from './vector-upload-error.js';
import { toWgs84From } from './projection.js';
import type { RawFeature, SourceFeatures } from './parse-vector-upload.js';

/**
 * GeoJSON: a FeatureCollection, a single Feature or a bare geometry. RFC 7946 is WGS 84; the
 * pre-RFC `crs` member ({"type": "name", "properties": {"name": "EPSG:3857"}}) is honoured.
 */
export function readGeojson(bytes: Uint8Array): SourceFeatures[] {
  let document: unknown;
  try {
    document = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new VectorUploadError('The file is not valid JSON.');
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) throw new VectorUploadError('The file is not a GeoJSON object.');
  const root = document as { type?: unknown; features?: unknown; crs?: { properties?: { name?: unknown } } };
  const crs = root.crs?.properties?.name;
  const toWgs84 = typeof crs === 'string' ? toWgs84From(crs, 'the GeoJSON crs member') : undefined;
  let features: RawFeature[];
  if (root.type === 'FeatureCollection') {
    if (!Array.isArray(root.features)) throw new VectorUploadError('The FeatureCollection has no features array.');
    features = root.features.map((feature, i) => asFeature(feature, i));
  } else if (root.type === 'Feature') {
    features = [asFeature(root, 0)];
  } else if (typeof root.type === 'string') {
    features = [{ geometry: root, properties: {} }];
  } else {
    throw new VectorUploadError('The file is not GeoJSON: it has no "type".');
  }
  return [{ toWgs84, features }];
}

function asFeature(value: unknown, index: number): RawFeature {
  const feature = value as { type?: unknown; geometry?: unknown; properties?: unknown } | null;
  if (!feature || feature.type !== 'Feature') throw new VectorUploadError(`Feature ${index + 1}: not a GeoJSON Feature.`);
  const properties = feature.properties && typeof feature.properties === 'object' && !Array.isArray(feature.properties) ? (feature.properties as Record<string, unknown>) : {};
  return { geometry: feature.geometry, properties };
}
