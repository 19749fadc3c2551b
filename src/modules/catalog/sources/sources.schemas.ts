import { Type } from 'typebox';
import { Nullable, Timestamp } from '../../../platform/http/common-schemas.js';
import { SORTS, STATUSES } from '../plume-filter.js';
import { Plume, plumeFilterProperties } from '../plumes.schemas.js';
import { Scene } from '../scenes/scenes.schemas.js';

const { status: _status, ...filterProperties } = plumeFilterProperties;
const SourceOptions = {
  status: Type.Enum(['not_deleted', ...STATUSES, 'all'], { default: 'not_deleted' }),
  eps: Type.Integer({ minimum: 1, maximum: 2000, default: 100, description: 'DBSCAN eps in metres (≤ 2 km, so border plumes stay within 2 km of a core plume).' }),
  minpoints: Type.Integer({ minimum: 1, maximum: 1000, default: 1 }),
};
export const SourcesQuery = Type.Object({ ...filterProperties, ...SourceOptions });
export const OneSourceQuery = Type.Object({ ...filterProperties, ...SourceOptions, explain: Type.Boolean({ default: false }) });
/** source-plumes-csv: the page's sort, offset and limit (null or absent: every plume of the source). */
export const SourcePlumesQuery = Type.Object({
  ...filterProperties,
  ...SourceOptions,
  sort: Type.Enum([...SORTS], { default: 'desc' }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
  limit: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100_000 }))),
});

export const NameParams = Type.Object({ source_name: Type.String({ maxLength: 80, description: '<gas>_<sector>_<eps>m_<longitude>_<latitude>' }) });

/** A source's figures: the Feature properties of sources.geojson and the `source` of the source object. */
export const SourceProperties = Type.Object({
  source_name: Type.String(),
  gas: Type.String(),
  sector: Type.String({ description: 'IPCC sector code; NULL for plumes without one.' }),
  plume_count: Type.Integer(),
  plume_ids: Type.Array(Type.String()),
  emission_auto: Nullable(Type.Number({ description: 'kg/h: mean detected rate × persistence' })),
  emission_uncertainty_auto: Nullable(Type.Number()),
  timestamp_min: Timestamp,
  timestamp_max: Timestamp,
  published_at_min: Nullable(Timestamp),
  published_at_max: Nullable(Timestamp),
  detection_date_count: Type.Integer(),
  observation_date_count: Type.Integer(),
  persistence: Type.Number(),
  distance_m: Type.Optional(Type.Number({ description: 'search/source only: metres from the name’s coordinates to the source found.' })),
});

const Coordinates = Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: '[longitude, latitude]' });
const Bbox = Type.Array(Type.Number(), { minItems: 4, maxItems: 4, description: '[west, south, east, north]' });

export const SourceFeature = Type.Object({
  type: Type.Literal('Feature'),
  geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Coordinates }),
  properties: SourceProperties,
});

export const SourceCollection = Type.Object({
  bbox: Type.Optional(Type.Array(Type.Number(), { minItems: 4, maxItems: 4, description: 'The extent of the sources [west, south, east, north]; absent when there is none.' })),
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(SourceFeature),
});

const Explanation = Type.Object(
  {
    source_name: Type.String(),
    gas: Type.String(),
    sector: Type.String(),
    summary: Type.Record(Type.String(), Type.Unknown(), { description: 'The figures: counts, persistence, mean detected rate, emission and uncertainty.' }),
    daily_breakdown: Type.Array(Type.Record(Type.String(), Type.Unknown()), { description: 'Per observation date: the scenes that saw the centre, the plumes detected and their mean.' }),
    detection_dates: Type.Array(Type.String({ format: 'date' })),
    calculation_details: Type.Record(Type.String(), Type.Unknown(), { description: 'Clustering parameters and each figure written out as its arithmetic.' }),
  },
  { description: 'With explain=true: everything needed to recompute the figures by hand.' },
);

/** The page's source object (source/…, source/plume/…, search/source/…). */
export const SourceObject = Type.Object({
  plumes: Type.Array(Plume, { description: 'The source’s plumes the caller may see, oldest first.' }),
  scenes: Type.Array(Scene, { description: 'The visible scenes whose footprint covers the centre (the observations), oldest first.' }),
  point: Type.Object({ bbox: Bbox, type: Type.Literal('Point'), coordinates: Coordinates }, { description: 'The centre: centroid of the plumes, to 5 decimals.' }),
  source_name: Type.String(),
  source: SourceProperties,
  observation_dates: Type.Array(Type.String({ format: 'date' })),
  detection_dates: Type.Array(Type.String({ format: 'date' })),
  explanation: Nullable(Explanation),
});

export const SectorAggregate = Type.Object({
  persistence_avg: Type.Number({ description: 'Mean persistence of the sector’s sources.' }),
  emission_sum: Type.Number({ description: 'kg/h: sum of the sources’ emissions (unknown ones left out).' }),
  emission_uncertainty_sum: Type.Number(),
  emission_avg: Nullable(Type.Number({ description: 'Mean source emission; null when none is known.' })),
  emission_uncertainty_avg: Nullable(Type.Number()),
  emission_std: Nullable(Type.Number({ description: 'Population standard deviation of the source emissions.' })),
  emission_uncertainty_std: Nullable(Type.Number()),
  plume_count: Type.Integer(),
  single_plume_count: Type.Integer({ description: 'Sources made of one plume.' }),
  sector: Type.String(),
});
