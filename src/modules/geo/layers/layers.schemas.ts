import { Type, type Static } from 'typebox';
import { JsonObject, Nullable, Timestamp } from '../../../platform/http/common-schemas.js';

/** The page's name rule: 6–512 characters of letters, digits, - and _. */
export const LAYER_NAME_PATTERN = '^[a-zA-Z0-9_-]+$';
export const LayerName = Type.String({ minLength: 6, maxLength: 512, pattern: LAYER_NAME_PATTERN, description: 'A unique name for each layer: 6 to 512 letters, digits, - or _.' });
export const LayerId = Type.Object({ layer_id: Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991, description: 'A unique identifier for each layer.' }) });
export const FileId = Type.Object({ file_id: Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 }) });

export const Layer = Type.Object({
  feature_count: Type.Integer(),
  organization: Nullable(Type.Object({ name: Type.String(), verbose_name: Type.String() })),
  user: Nullable(Type.Object({ label: Type.String(), first_name: Type.String(), last_name: Type.String(), email: Type.String(), id: Type.Integer() })),
  id: Type.Integer(),
  name: Type.String(),
  verbose_name: Nullable(Type.String()),
  description: Nullable(Type.String()),
  status: Type.Integer({ description: '0 ready, 1 processing, 2 failed' }),
  status_detail: Nullable(Type.String({ description: 'Our addition: why the last upload failed (status 2), naming the file and the problem.' })),
  schema: Type.Record(Type.String(), Type.String(), { description: 'Property names and their JSON types over all features.' }),
  bounds: Type.Array(Type.Number(), { description: '[west, south, east, north]; empty while the layer has no features.' }),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  created: Timestamp,
  modified: Timestamp,
});
export type LayerView = Static<typeof Layer>;

/** A multipart file part, as the multipart plugin hands it over (see layers.routes.ts). */
export interface UploadedFile {
  filename: string;
  bytes: Buffer;
}
const FilePart = Type.Unsafe<UploadedFile>({ description: 'The file (string <binary>): GeoJSON, zipped Shapefile, GeoPackage, KML, KMZ or CSV.' });
const NullableText = (maxLength: number) => Type.Optional(Nullable(Type.String({ maxLength })));
const MetadataField = Type.Optional(
  Type.Union([JsonObject({ maxBytes: 16_384 }), Type.String({ maxLength: 16_384 })], { description: 'Our addition: free-form metadata, a JSON object (or its JSON text in a form).' }),
);

export const CreateLayerForm = Type.Object({
  name: LayerName,
  organization: Type.Optional(Type.String({ maxLength: 200, description: 'Your organization’s name (the layer belongs to the organization you act for).' })),
  verbose_name: NullableText(512),
  description: NullableText(10_000),
  metadata: MetadataField,
  file: FilePart,
});
export const UpdateLayerForm = Type.Object({
  name: Type.Optional(LayerName),
  organization: Type.Optional(Type.String({ maxLength: 200 })),
  verbose_name: NullableText(512),
  description: NullableText(10_000),
  metadata: MetadataField,
  file: Type.Optional(FilePart),
});
export type CreateLayerBody = Static<typeof CreateLayerForm>;
export type UpdateLayerBody = Static<typeof UpdateLayerForm>;

const JsonFilter = (what: string) => Type.Optional(Type.String({ maxLength: 4096, description: `${what} by key-value pairs in the metadata JSON field, as a JSON object string, e.g. '{"key":"value"}'.` }));

export const LayersQuery = Type.Object({
  statuses: Type.Array(Type.Integer({ minimum: 0, maximum: 2 }), { default: [0], maxItems: 3, description: 'List of statuses for the layers' }),
  organization: Type.Optional(Type.String({ maxLength: 200, description: 'Filter layers by organization name' })),
  user: Type.Optional(Type.Integer({ minimum: 0, maximum: 9_007_199_254_740_991, description: 'Filter by user ID' })),
  has_organization: Type.Optional(Type.Boolean()),
  my_organization: Type.Optional(Type.Boolean()),
  names: Type.Optional(Type.Array(Type.String({ maxLength: 512 }), { maxItems: 1000 })),
  metadata: JsonFilter('Filter'),
  metadata_exclude: JsonFilter('Exclude'),
  search: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 1000, description: 'Our addition: at most this many layers (newest first).' }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: 'Our addition.' }),
});
export type LayersQuery = Static<typeof LayersQuery>;

export const FeaturesQuery = Type.Object({
  ids: Type.Array(Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 }), { default: [], maxItems: 1000 }),
  property_filter: Type.Optional(Nullable(Type.String({ maxLength: 4096, description: 'A JSON object: features whose properties contain it, e.g. {"status":"active"}.' }))),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
  bbox: Type.Optional(Type.Array(Type.Number(), { minItems: 4, maxItems: 4, description: 'west, south, east, north (four repeated keys)' })),
});
export type FeaturesQuery = Static<typeof FeaturesQuery>;

export const LayerFeature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Integer(),
  geometry: Type.Record(Type.String(), Type.Unknown()),
  properties: Type.Record(Type.String(), Type.Unknown()),
});
export const FeaturePage = Type.Object({
  bbox_count: Type.Integer({ description: 'Features matching every filter, the bounding box included.' }),
  total_count: Type.Integer({ description: 'Features matching every filter but the bounding box.' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
  items: Type.Array(LayerFeature),
});

export const DownloadQuery = Type.Object({ format: Type.Enum(['shp', 'geojson', 'gpkg', 'gml'], { default: 'geojson' }) });
export type DownloadFormat = Static<typeof DownloadQuery>['format'];

export const FilesQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
});
export const LayerFile = Type.Object({
  layer: Type.Object({ id: Type.Integer(), name: Type.String(), verbose_name: Nullable(Type.String()), bounds: Type.Array(Type.Number()) }),
  file_name: Type.String(),
  file_url: Type.String({ description: 'A signed URL of the original upload, valid ASSET_URL_TTL seconds.' }),
  id: Type.Integer(),
  status: Type.Enum(['processing', 'ready', 'failed']),
  status_detail: Nullable(Type.String({ description: 'Our addition: why the import failed, or which invalid geometries were repaired.' })),
  feature_count: Type.Integer({ description: 'Our addition: features imported from this file.' }),
  created: Timestamp,
  modified: Timestamp,
});
export const FilePage = Type.Object({ items: Type.Array(LayerFile), count: Type.Integer() });

export const GridBody = Type.Object({
  layer_ids: Type.Array(Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 }), { minItems: 1, maxItems: 20, description: 'List of source Layer IDs to use for grid creation.' }),
  buffer_distance: Type.Integer({ minimum: 0, maximum: 100_000, default: 0, description: 'Buffer distance in meters for intersection checks.' }),
  update_properties: Type.Optional(JsonObject({ maxBytes: 16_384, description: 'Properties to add/override in the grid features.' })),
  spacing: Type.Optional(Type.Integer({ minimum: 10, maximum: 1_000_000, description: 'Our addition: grid spacing in metres (default 1000); widened so the grid spans at most 50,000 candidate points.' })),
  name: Type.Optional(LayerName),
  verbose_name: NullableText(512),
  description: NullableText(10_000),
});
export type GridBody = Static<typeof GridBody>;
