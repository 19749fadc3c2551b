import { Type, type Static } from 'typebox';
import { Timestamp, Uuid } from '../../platform/http/common-schemas.js';

const Position = Type.Array(Type.Number({ minimum: -180, maximum: 180 }), { minItems: 2, maxItems: 3 });
const Ring = Type.Array(Position, { minItems: 4, maxItems: 10_000 });
export const WatchArea = Type.Union(
  [
    Type.Object({ type: Type.Literal('Polygon'), coordinates: Type.Array(Ring, { minItems: 1, maxItems: 100 }) }),
    Type.Object({ type: Type.Literal('MultiPolygon'), coordinates: Type.Array(Type.Array(Ring, { minItems: 1, maxItems: 100 }), { minItems: 1, maxItems: 100 }) }),
  ],
  { description: 'A GeoJSON Polygon or MultiPolygon in WGS 84 (longitude, latitude).' },
);

export const WatchBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    area: Type.Optional(WatchArea),
    aoi_id: Type.Optional(Type.String({ format: 'uuid', description: 'Instead of `area`: one of your areas of interest (layers/aoi), copied into the watch.' })),
    gadm_composite_id: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$', description: 'Instead of `area`: an administrative area (common/administrative-areas), e.g. USA.44_1.' }),
    ),
    threshold_kg_h: Type.Number({ minimum: 0, maximum: 1e8, description: 'Plumes at or above this emission rate (kg/h) notify you.' }),
    email: Type.Boolean({ default: true, description: 'Also e-mail your organization’s owners and admins.' }),
    webhook_url: Type.Optional(Type.String({ maxLength: 2000, format: 'uri', description: 'Also POST each notification here, signed (Carbon-Atlas-Signature, as the emissions webhooks); a public http(s) address.' })),
  },
  { additionalProperties: false },
);
export type WatchBody = Static<typeof WatchBody>;

export const Watch = Type.Object({
  id: Uuid,
  name: Type.String(),
  area: Type.Record(Type.String(), Type.Unknown(), { description: 'GeoJSON MultiPolygon' }),
  threshold_kg_h: Type.Number(),
  email: Type.Boolean(),
  webhook_url: Type.Union([Type.String(), Type.Null()]),
  created: Timestamp,
});
export const WatchCreated = Type.Intersect([Watch, Type.Object({ webhook_secret: Type.Union([Type.String(), Type.Null()], { description: 'Signs every delivery; shown this once.' }) })]);

export const NOTIFICATION_STATES = ['open', 'reported', 'repair', 'verified'] as const;

export const Notification = Type.Object({
  id: Uuid,
  watch_id: Type.Union([Uuid, Type.Null()]),
  watch_name: Type.Union([Type.String(), Type.Null()]),
  plume_uuid: Uuid,
  plume_id: Type.String(),
  emission_rate: Type.Union([Type.Number(), Type.Null()], { description: 'kg/h when published' }),
  state: Type.Enum([...NOTIFICATION_STATES], { description: 'open → reported → repair → verified, following your operator report on the plume' }),
  report_id: Type.Union([Uuid, Type.Null()]),
  webhook_state: Type.Union([Type.Enum(['pending', 'delivered', 'failed']), Type.Null()]),
  repair_evidence: Type.Array(
    Type.Object({ scene_id: Uuid, scene_name: Type.String(), timestamp: Timestamp }),
    { description: 'Later assessed overpasses of the location with no plume of the source: evidence the repair held.' },
  ),
  created: Timestamp,
  modified: Timestamp,
});

export const NotificationsQuery = Type.Object({
  state: Type.Optional(Type.Enum([...NOTIFICATION_STATES])),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export type NotificationsQuery = Static<typeof NotificationsQuery>;
