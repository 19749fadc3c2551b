import { Type, type Static } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../../platform/http/common-schemas.js';
import { GASES, INSTRUMENTS, QUALITIES, STATUSES } from '../plume-filter.js';
import { SECTORS } from '../sectors.js';
import { areaFilterProperties } from '../area-filters.js';

const Interval = Type.Optional(Type.String({ maxLength: 100, description: 'RFC 3339 instant, date, or interval start/end (.. for open).' }));
const Bbox = Type.Optional(Type.Array(Type.Number(), { minItems: 4, maxItems: 4, description: 'west, south, east, north (four repeated keys)' }));
const Point = Type.Optional(Type.String({ maxLength: 200, description: 'A GeoJSON Point (or coordinates=<lon>,<lat>): scenes whose footprint covers it.' }));
const Sectors = Type.Optional(Type.Array(Type.Enum([...SECTORS, 'NULL' as const]), { maxItems: 20 }));
const Sort = Type.Enum(['asc', 'desc', 'priority'], { default: 'desc', description: 'priority: unassessed first, most plumes awaiting review first, newest first.' });

const sceneFilterProperties = {
  ids: Type.Optional(Type.Array(Uuid, { maxItems: 1000 })),
  search: Type.Optional(Type.String({ maxLength: 100 })),
  hasAssignees: Type.Optional(Type.Boolean({ description: 'Scenes with (true) or without (false) picker assignments of your organization.' })),
  assignees: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 100, description: 'User ids: scenes assigned to any of them in your organization.' })),
  assignment_status: Type.Optional(Type.Enum(['To Do', 'In Progress', 'Done', 'Failed', 'Deleted'])),
  assessment_status: Type.Enum(['assessed', 'not-assessed', 'do-not-assess', 'exclude-do-not-assess'], { default: 'exclude-do-not-assess' }),
  assignment_modified_datetime: Interval,
  plume_quality: Type.Optional(Type.Enum(['any', ...QUALITIES])),
  plume_gas: Type.Optional(Type.Enum([...GASES])),
  instrument: Type.Optional(Type.Enum([...INSTRUMENTS])),
  cloud_cover_pct_min: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  cloud_cover_pct_max: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  assessment_cloud_cover_pct: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(25), Type.Literal(50), Type.Literal(75), Type.Literal(100)])),
  has_plume_emissions: Type.Optional(Type.Boolean()),
  has_phme: Type.Optional(Type.Boolean()),
  plume_emission_min: Type.Optional(Type.Number()),
  plume_emission_max: Type.Optional(Type.Number()),
  plume_statuses: Type.Optional(Type.Array(Type.Enum(['not_deleted', ...STATUSES, 'all']), { maxItems: 10 })),
  plume_sectors: Sectors,
  intersects: Point,
  bbox: Bbox,
  datetime: Interval,
  published_at: Interval,
  created_at: Interval,
  modified_at: Interval,
  ...areaFilterProperties,
};

export const ScenesQuery = Type.Object({
  ...sceneFilterProperties,
  sort: Sort,
  limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export type ScenesQuery = Static<typeof ScenesQuery>;
export const SceneFilterQuery = Type.Object(sceneFilterProperties);
export const DownloadQuery = Type.Object({ ...sceneFilterProperties, sort: Sort, limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }), offset: Type.Integer({ minimum: 0, default: 0 }) });

export const AnnotatedScenesQuery = Type.Object({
  ids: Type.Optional(Type.Array(Uuid, { maxItems: 1000 })),
  names: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 1000 })),
  plume_gas: Type.Optional(Type.Enum([...GASES])),
  instruments: Type.Optional(Type.Array(Type.Enum([...INSTRUMENTS]), { maxItems: 6 })),
  cloud_cover_pct_min: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  cloud_cover_pct_max: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Default 25.' })),
  not_cloudy: Type.Optional(Type.Boolean({ description: 'Cloud cover ≤ 25 %.' })),
  published_plume_count_min: Type.Optional(Type.Integer({ minimum: 0 })),
  published_plume_count_max: Type.Optional(Type.Integer({ minimum: 0 })),
  has_phme: Type.Optional(Type.Boolean()),
  plume_emission_min: Type.Optional(Type.Number()),
  plume_emission_max: Type.Optional(Type.Number()),
  plume_sectors: Sectors,
  intersects: Point,
  bbox: Bbox,
  datetime: Interval,
  published_at: Interval,
  created_at: Interval,
  modified_at: Interval,
  sort: Sort,
  limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export type AnnotatedScenesQuery = Static<typeof AnnotatedScenesQuery>;

export const Scene = Type.Object({
  id: Uuid,
  name: Type.String(),
  timestamp: Timestamp,
  instrument: Type.String(),
  platform: Nullable(Type.String()),
  provider: Nullable(Type.String()),
  mission_phase: Nullable(Type.String()),
  bounds: Type.Array(Type.Number(), { description: '[west, south, east, north] of the footprint' }),
  geometry_json: Nullable(Type.Record(Type.String(), Type.Unknown(), { description: 'The footprint, GeoJSON' })),
  cloud_cover_pct: Nullable(Type.Number()),
  qa_flags: Type.Array(Type.String()),
  status: Type.String(),
  assessed: Type.Boolean(),
  do_not_assess: Type.Boolean(),
  usersceneassignmentstatus_set: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  plume_count: Type.Integer(),
  deleted_plume_count: Type.Integer(),
  hidden_plume_count: Type.Integer(),
  published_plume_count: Type.Integer(),
  is_quick_view: Type.Boolean(),
  is_quick_look: Type.Boolean(),
  created_at: Timestamp,
  modified: Timestamp,
});
export const ScenePage = Type.Object({ items: Type.Array(Scene), count: Type.Integer() });

const { geometry_json: _geometry, usersceneassignmentstatus_set: _set, ...sceneProperties } = Scene.properties;
/** download-scenes: the page's {bbox, type, features}; bbox is left out when no scene has a footprint. */
export const SceneCollection = Type.Object({
  bbox: Type.Optional(Type.Array(Type.Number(), { minItems: 4, maxItems: 4, description: 'The union of the footprints [west, south, east, north].' })),
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(
    Type.Object({ type: Type.Literal('Feature'), id: Uuid, geometry: Scene.properties.geometry_json, properties: Type.Object(sceneProperties) }),
  ),
});
