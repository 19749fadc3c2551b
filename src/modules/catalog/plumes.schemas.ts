import { Type, type Static, type TSchema } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../platform/http/common-schemas.js';
import { GASES, INSTRUMENTS, QUALITIES, SORTS, STATUSES } from './plume-filter.js';
import { SECTORS } from './sectors.js';
import { areaFilterProperties } from './area-filters.js';

const Interval = (name: string) =>
  Type.Optional(
    Type.String({
      maxLength: 100,
      description: `${name}: an RFC 3339 instant, a date (that UTC day), or an interval start/end with .. (or nothing) for an open end.`,
      examples: ['2018-02-12T23:20:50Z', '2018-02-12T00:00:00Z/2018-03-18T12:31:12Z', '2018-02-12T00:00:00Z/..', '../2018-03-18T12:31:12Z'],
    }),
  );
const List = <T extends TSchema>(item: T, description?: string) =>
  Type.Optional(Type.Array(item, { maxItems: 1000, ...(description ? { description } : {}) }));

/** The page's plume filter set (PlumeFilterSchema). Arrays are repeated keys. */
export const plumeFilterProperties = {
  plume_ids: List(Uuid),
  plume_names: List(Type.String({ maxLength: 40 }), 'e.g. GAO20230628t191011p0000-B'),
  scene_name: Type.Optional(Type.String({ maxLength: 40 })),
  scene_id: Type.Optional(Uuid),
  scene_ids: List(Uuid),
  search: Type.Optional(Type.String({ maxLength: 100, description: 'Plume names containing this text.' })),
  emission_min: Type.Optional(Type.Number({ description: 'kg/hr' })),
  emission_max: Type.Optional(Type.Number({ description: 'kg/hr' })),
  sectors: List(Type.Enum([...SECTORS, 'NULL' as const]), '`NULL`: plumes without a sector; `NA`: not applicable.'),
  plume_gas: Type.Optional(Type.Enum([...GASES])),
  instrument: Type.Optional(Type.Enum([...INSTRUMENTS])),
  instruments: List(Type.Enum([...INSTRUMENTS])),
  qualities: List(Type.Enum([...QUALITIES])),
  intersects: Type.Optional(Type.String({ maxLength: 200, description: 'A GeoJSON Point, as JSON or as `coordinates=<lon>,<lat>`: plumes whose bounds cover it.' })),
  has_phme: Type.Optional(Type.Boolean()),
  published_at_datetime: Interval('Publication time'),
  modified_at: Interval('Last modification'),
  datetime: Interval('Acquisition time'),
  status: Type.Optional(Type.Enum([...STATUSES])),
  source_name: Type.Optional(Type.String({ maxLength: 80, description: 'Plumes of this source, e.g. CH4_6A_100m_-74.00656_40.71283 (clustered with the eps of the name, minpoints 1).' })),
  bbox: Type.Optional(Type.Array(Type.Number(), { minItems: 4, maxItems: 4, description: 'west, south, east, north, as four repeated keys.' })),
  ...areaFilterProperties,
};

export const PlumeListQuery = Type.Object({
  ...plumeFilterProperties,
  sort: Type.Enum([...SORTS], { default: 'desc' }),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export type PlumeListQuery = Static<typeof PlumeListQuery>;
export type PlumeFilterQuery = Partial<Pick<PlumeListQuery, keyof typeof plumeFilterProperties>>;

const PointGeometry = Type.Object(
  {
    type: Type.Literal('Point'),
    coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 3 }),
    bbox: Type.Optional(Type.Array(Type.Number())),
  },
  { description: "A GeoJSON geometry representing a Point: [longitude, latitude]." },
);

export const Plume = Type.Object({
  id: Uuid,
  plume_id: Type.String(),
  gas: Type.Enum([...GASES]),
  geometry_json: PointGeometry,
  scene_id: Uuid,
  scene_name: Type.String(),
  scene_timestamp: Timestamp,
  instrument: Type.String(),
  mission_phase: Nullable(Type.String()),
  platform: Nullable(Type.String()),
  provider: Nullable(Type.String()),
  emission_auto: Nullable(Type.Number({ description: 'kg/hr' })),
  emission_uncertainty_auto: Nullable(Type.Number({ description: 'kg/hr' })),
  emission_cmf_type: Nullable(Type.String()),
  gsd: Nullable(Type.Number()),
  sensitivity_mode: Nullable(Type.String()),
  off_nadir: Nullable(Type.Number()),
  plume_png: Nullable(Type.String()),
  plume_rgb_png: Nullable(Type.String()),
  plume_tif: Nullable(Type.String()),
  con_tif: Nullable(Type.String()),
  rgb_png: Nullable(Type.String()),
  rgb_tif: Nullable(Type.String()),
  plume_bounds: Type.Array(Type.Number()),
  plume_quality: Nullable(Type.String()),
  quality_shape: Nullable(Type.Boolean()),
  quality_artifacts: Nullable(Type.Boolean()),
  quality_flare: Nullable(Type.Boolean()),
  quality_background: Nullable(Type.Boolean()),
  phme_candidate: Nullable(Type.Boolean()),
  wind_speed_avg_auto: Nullable(Type.Number()),
  wind_speed_std_auto: Nullable(Type.Number()),
  wind_direction_avg_auto: Nullable(Type.Number()),
  wind_direction_std_auto: Nullable(Type.Number()),
  wind_source_auto: Nullable(Type.String()),
  emission_version: Nullable(Type.String()),
  processing_software: Nullable(Type.String()),
  publication_sources: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  is_offshore: Type.Boolean(),
  collection: Nullable(Type.String()),
  cmf_type: Nullable(Type.String()),
  sector: Nullable(Type.String()),
  status: Type.Enum([...STATUSES]),
  hide_emission: Type.Boolean(),
  notes: Nullable(Type.String({ description: "The owner's notes; null for others." })),
  asset_id: Nullable(Uuid),
  published_at: Nullable(Timestamp),
  modified: Timestamp,
});

export const PlumePage = Type.Object({
  bbox_count: Type.Integer({ description: 'Plumes matching every filter, the bounding box included.' }),
  total_count: Type.Integer({ description: 'Plumes matching every filter but the bounding box.' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
  items: Type.Array(Plume),
});

/** plumes/annotated: the page, and what a map shows around it (the page's sample carries nearby_items here). */
export const AnnotatedPlumePage = Type.Object({
  ...PlumePage.properties,
  nearby_items: Type.Array(Plume, { description: 'Other plumes of the same gas within 1 km of a plume of the page (at most 100).' }),
});

const curation = {
  asset_id: Type.Optional(Uuid),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
  status: Type.Optional(Type.Enum([...STATUSES], { description: 'valid for a new plume; the workflow is valid → publish_ready | publish_delayed → published; hidden; deleted is final.' })),
  quality: Type.Optional(Nullable(Type.Enum([...QUALITIES], { description: 'good for a new plume' }))),
  quality_shape: Type.Optional(Nullable(Type.Boolean())),
  quality_artifacts: Type.Optional(Nullable(Type.Boolean())),
  quality_flare: Type.Optional(Nullable(Type.Boolean())),
  quality_background: Type.Optional(Nullable(Type.Boolean())),
  phme_candidate: Type.Optional(Nullable(Type.Boolean())),
  sector: Type.Optional(Nullable(Type.Enum([...SECTORS]))),
  hide_emission: Type.Optional(Type.Boolean({ description: 'false for a new plume' })),
};

export const PlumeBody = Type.Object({ geometry_json: PointGeometry, scene_id: Uuid, gas: Type.Enum([...GASES]), ...curation });
export type PlumeBody = Static<typeof PlumeBody>;
export const PlumePatchBody = Type.Object({ geometry_json: Type.Optional(PointGeometry), gas: Type.Optional(Type.Enum([...GASES])), ...curation });
export type PlumePatchBody = Static<typeof PlumePatchBody>;
export const PlumeIdParams = Type.Object({ plume_id: Type.String({ maxLength: 64, description: 'The UUID or the colloquial id (<scene name>-<letter>).' }) });
export const PlumeCreated = Type.Object({ id: Uuid });
