import { Type, type Static } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../platform/http/common-schemas.js';
import { DECK_STATUSES, REPLACEMENT_METHODS } from './deck-status.js';

/** Path ids are plain strings on the page; a value that is no UUID simply finds nothing (404). */
const PathId = Type.String({ maxLength: 64 });
export const DeckParams = Type.Object({ target_deck_id: PathId });
export const SpecParams = Type.Object({ target_spec_id: PathId });
export const CaptureParams = Type.Object({ task_capture_id: PathId });
export const PlatformParams = Type.Object({ platform_id: PathId });

const paging = {
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
};
export const Paging = Type.Object(paging);
export const page = <T extends Parameters<typeof Type.Array>[0]>(item: T) => Type.Object({ items: Type.Array(item), count: Type.Integer() });

// ---- target decks

export const DeckStatus = Type.Enum([...DECK_STATUSES], { description: 'DRAFT (default) → SUBMITTED → ACTIVE ⇄ PAUSED → COMPLETED; CANCELLED; REPLACED (by a FULL_REPLACEMENT deck).' });
export const ReplacementMethod = Type.Enum([...REPLACEMENT_METHODS], {
  description: 'FULL_REPLACEMENT: activating this deck replaces the organization’s other active or paused decks; APPEND: it runs beside them.',
});
const VerboseName = Type.String({ maxLength: 500 });

export const DeckCreateBody = Type.Object({
  name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$', description: 'Unique in the organization: letters, digits, _ . -, at most 100.' }),
  verbose_name: Type.Optional(Nullable(VerboseName)),
  replacement_method: Type.Optional(Nullable(ReplacementMethod)),
});
export const DeckPatchBody = Type.Object({
  replacement_method: Type.Optional(Nullable(ReplacementMethod)),
  verbose_name: Type.Optional(Nullable(VerboseName)),
  // No default here: a PATCH without status leaves the status alone (new decks start as DRAFT).
  status: Type.Optional(DeckStatus),
});
export type DeckPatchBody = Static<typeof DeckPatchBody>;
export const DecksQuery = Type.Object({ status: Type.Optional(DeckStatus), ...paging });

// ---- target specs

const Angle = (max: number) => Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: max })));
const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 3 });
const Ring = Type.Array(Position, { minItems: 4, maxItems: 5000 });
const Rings = Type.Array(Ring, { minItems: 1, maxItems: 50 });
const AreaGeometry = Type.Union([
  Type.Object({ type: Type.Literal('Point'), coordinates: Position }),
  Type.Object({ type: Type.Literal('Polygon'), coordinates: Rings }),
  Type.Object({ type: Type.Literal('MultiPolygon'), coordinates: Type.Array(Rings, { minItems: 1, maxItems: 50 }) }),
]);
export const AreasInput = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(
      Type.Object({ type: Type.Literal('Feature'), geometry: AreaGeometry, properties: Type.Optional(Nullable(Type.Object({ name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))) }))) }),
      { maxItems: 25 },
    ),
  },
  { description: 'Target areas as GeoJSON (WGS 84): Point, Polygon or MultiPolygon features, at most 25; `properties.name` names one.' },
);
export type AreasInput = Static<typeof AreasInput>;

export const SpecBody = Type.Object({
  input_layers_names: Type.Optional(Nullable(Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { maxItems: 20, description: 'Names of layers of your organization (geo layers).' }))),
  name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  sensitivity_mode: Type.Optional(Nullable(Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$', description: 'The instrument mode to capture in, e.g. normal.' }))),
  off_nadir_angle_min: Angle(90),
  off_nadir_angle_max: Angle(90),
  satellite_elevation_angle_min: Angle(90),
  satellite_elevation_angle_max: Angle(90),
  solar_zenith_angle_min: Angle(180),
  solar_zenith_angle_max: Angle(180),
  start_time: Type.Optional(Nullable(Timestamp)),
  end_time: Type.Optional(Nullable(Timestamp)),
  recurrence_frequency: Type.Optional(Nullable(Type.Enum(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']))),
  recurrence_interval: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 1000 }))),
  count: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 10000 }))),
  priority: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100, description: 'Higher is more urgent.' }))),
  areas: Type.Optional(Nullable(AreasInput)),
});
export type SpecBody = Static<typeof SpecBody>;

const LayerRef = Type.Object({ id: Type.Integer(), name: Type.String(), verbose_name: Nullable(Type.String()), bounds: Type.Array(Type.Number()) });
const AreaOut = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Integer(),
  geometry: Type.Record(Type.String(), Type.Unknown()),
  properties: Type.Object({ name: Nullable(Type.String()) }),
});
const num = Nullable(Type.Number());
const int = Nullable(Type.Integer());
export const TargetSpec = Type.Object({
  id: Uuid,
  target_deck: Uuid,
  input_layers: Type.Array(LayerRef),
  target_layer: Nullable(LayerRef),
  areas: Nullable(Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(AreaOut) })),
  name: Nullable(Type.String()),
  sensitivity_mode: Nullable(Type.String()),
  off_nadir_angle_min: num,
  off_nadir_angle_max: num,
  satellite_elevation_angle_min: num,
  satellite_elevation_angle_max: num,
  solar_zenith_angle_min: num,
  solar_zenith_angle_max: num,
  start_time: Nullable(Timestamp),
  end_time: Nullable(Timestamp),
  recurrence_frequency: Nullable(Type.String()),
  recurrence_interval: int,
  count: int,
  priority: int,
  created: Timestamp,
  modified: Timestamp,
});

const deckProperties = {
  id: Uuid,
  status: Type.String(),
  target_specs: Type.Array(TargetSpec),
  verbose_name: Nullable(Type.String()),
  organization: Type.String(),
  name: Type.String(),
  replacement_method: Nullable(Type.String()),
  created: Timestamp,
  modified: Timestamp,
};
export const TargetDeck = Type.Object(deckProperties);
export const TargetDeckWithPermissions = Type.Object({ ...deckProperties, permissions: Type.Array(Type.String()) });
const { target_specs: _specs, ...summaryProperties } = deckProperties;
export const DeckSummary = Type.Object({ ...summaryProperties, target_spec_count: Type.Integer() });

// ---- platforms and capture opportunities

export const PlatformBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  tle_line1: Type.String({ minLength: 69, maxLength: 69, description: 'Line 1 of the two-line element set.' }),
  tle_line2: Type.String({ minLength: 69, maxLength: 69, description: 'Line 2 of the two-line element set.' }),
});
export const PlatformPatchBody = Type.Partial(PlatformBody);
export const Platform = Type.Object({
  id: Uuid,
  name: Type.String(),
  tle_line1: Type.String(),
  tle_line2: Type.String(),
  epoch: Timestamp,
  inclination_deg: Type.Number(),
  mean_motion_rev_per_day: Type.Number(),
  created: Timestamp,
  modified: Timestamp,
});

export const OpportunitiesQuery = Type.Object({
  platform_id: Type.Optional(Uuid),
  start_time: Type.Optional(Timestamp),
  end_time: Type.Optional(Timestamp),
});
const Angles = {
  off_nadir_angle: Type.Number(),
  satellite_elevation_angle: Type.Number(),
  satellite_azimuth_angle: Type.Number(),
  solar_zenith_angle: Type.Number(),
};
export const OpportunityList = Type.Object({
  target_spec: Uuid,
  platform: Type.Object({ id: Uuid, name: Type.String() }),
  window: Type.Object({ start_time: Timestamp, end_time: Timestamp }),
  step_seconds: Type.Integer(),
  count: Type.Integer(),
  opportunities: Type.Array(
    Type.Object({
      time: Timestamp,
      area: Type.Object({ source: Type.Enum(['area', 'layer']), id: Type.Integer(), name: Nullable(Type.String()), layer: Nullable(Type.String()), longitude: Type.Number(), latitude: Type.Number() }),
      ...Angles,
      range_km: Type.Number(),
      sub_satellite_point: Type.Object({ longitude: Type.Number(), latitude: Type.Number() }),
    }),
  ),
});

// ---- task captures, reviews and rejections

export const CAPTURE_STATUSES = ['PENDING_REVIEW', 'ACCEPTED', 'REJECTED'] as const;
export const REJECTION_REASONS = ['CLOUD_COVER', 'HAZE', 'SUN_GLINT', 'OFF_TARGET', 'SATURATION', 'DATA_QUALITY', 'OTHER'] as const;
const Text = Type.Optional(Nullable(Type.String({ maxLength: 5000 })));

export const CaptureBody = Type.Object({
  target_spec_id: Uuid,
  platform_id: Type.Optional(Nullable(Uuid)),
  captured_at: Timestamp,
  scene: Type.Optional(Nullable(Type.String({ maxLength: 100, description: 'The catalog scene the capture became (name or id).' }))),
  notes: Text,
});
export type CaptureBody = Static<typeof CaptureBody>;
export const CapturesQuery = Type.Object({ target_spec_id: Type.Optional(Uuid), status: Type.Optional(Type.Enum([...CAPTURE_STATUSES])), ...paging });
export const TaskCapture = Type.Object({
  id: Uuid,
  created: Timestamp,
  target_spec: Uuid,
  platform: Nullable(Uuid),
  captured_at: Timestamp,
  scene: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  status: Type.String(),
});

export const ReviewBody = Type.Object({
  decision: Type.Enum(['ACCEPTED', 'REJECTED']),
  notes: Text,
  rejection: Type.Optional(
    Nullable(Type.Object({ reason: Type.Enum([...REJECTION_REASONS]), description: Text, notes: Text }, { description: 'Required when the decision is REJECTED, refused otherwise.' })),
  ),
});
export type ReviewBody = Static<typeof ReviewBody>;
export const Rejection = Type.Object({
  id: Uuid,
  created: Timestamp,
  reason: Type.String(),
  description: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  review: Uuid,
});
export const Review = Type.Object({
  id: Uuid,
  created: Timestamp,
  task_capture: Uuid,
  decision: Type.String(),
  notes: Nullable(Type.String()),
  reviewer: Type.String(),
  rejection: Nullable(Rejection),
});
