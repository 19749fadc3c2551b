import { Type, type Static } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../../platform/http/common-schemas.js';

/** At most this many vertices in one AOI, however it arrives. */
export const AOI_MAX_VERTICES = 100_000;
/** The largest AOI file (layers/aoi/form) and JSON body (layers/aoi) accepted. */
export const AOI_UPLOAD_BYTES = 10 * 1024 * 1024;

const Bbox = Type.Array(Type.Number(), { description: '[west, south, east, north]' });
const Coordinates = Type.Array(Type.Unknown(), { maxItems: AOI_MAX_VERTICES, description: 'GeoJSON coordinates (checked: finite, in degrees, at most 100,000 vertices).' });

export const AreaGeometryBody = Type.Object(
  {
    type: Type.Enum(['MultiPolygon', 'Polygon'], { description: 'Polygon is accepted too, and stored as a MultiPolygon.' }),
    coordinates: Coordinates,
    bbox: Type.Optional(Type.Array(Type.Number(), { maxItems: 6, description: 'Ignored: computed from the coordinates.' })),
  },
  { description: "A GeoJSON encoded geographic feature's 'geometry' value representing a MultiPolygon." },
);

export const AoiBody = Type.Object({
  geometry_json: AreaGeometryBody,
  name: Type.Optional(Nullable(Type.String({ maxLength: 512 }))),
  description: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
});
export type AoiBody = Static<typeof AoiBody>;

/** A multipart file part as the multipart plugin's onFile hands it over (see aois.routes.ts). */
export interface UploadedFile {
  filename: string;
  bytes: Buffer;
}

export const AoiForm = Type.Object({
  name: Type.Optional(Nullable(Type.String({ maxLength: 512 }))),
  description: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
  file: Type.Unsafe<UploadedFile>({ description: 'The file (string <binary>): GeoJSON or KML of polygons, at most 10 MiB.' }),
});
export type AoiForm = Static<typeof AoiForm>;

export const AoiCreated = Type.Object({ id: Uuid });

/** The stored geometry: always a MultiPolygon with its bbox. */
export const MultiPolygon = Type.Object({
  bbox: Bbox,
  type: Type.Literal('MultiPolygon'),
  coordinates: Type.Array(Type.Array(Type.Array(Type.Array(Type.Number())))),
});

export const Aoi = Type.Object({ geometry_json: MultiPolygon, name: Nullable(Type.String()), description: Nullable(Type.String()) });

export const AoiSummary = Type.Object({
  id: Uuid,
  name: Nullable(Type.String()),
  description: Nullable(Type.String()),
  bbox: Bbox,
  created: Timestamp,
});
export const AoiPage = Type.Object({ items: Type.Array(AoiSummary), count: Type.Integer() });
export const AoiListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export const AoiParams = Type.Object({ aoi_id: Type.String({ maxLength: 64 }) });

export const AreaSearchQuery = Type.Object({
  search: Type.String({ minLength: 1, maxLength: 100, description: 'Part of a name: matched case- and accent-insensitively, by prefix of the name or of any of its words.' }),
});
export const AreaMatch = Type.Object({
  gadm_composite_id: Type.String(),
  name: Type.String({ description: 'The name with its parents’, e.g. "Harris, Texas, United States of America".' }),
  bbox: Bbox,
});
export const AreaParams = Type.Object({ gadm_composite_id: Type.String({ maxLength: 64 }) });
