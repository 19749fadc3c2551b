import { Type, type Static } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../platform/http/common-schemas.js';
import { CLASSIFICATIONS, INVESTIGATION_METHODS, LEAK_STATUSES, TEXT_FIELDS } from './report-fields.js';

const Unset = Type.Literal('', { description: 'An empty string unsets the field.' });
const DateField = (description: string) => Type.Optional(Type.Union([Type.String({ format: 'date' }), Unset], { description: `${description} (RFC 3339 date, e.g. 2025-01-23)` }));
const text = Object.fromEntries(Object.entries(TEXT_FIELDS).map(([field, maxLength]) => [field, Type.Optional(Type.String({ maxLength }))])) as {
  [K in keyof typeof TEXT_FIELDS]: ReturnType<typeof Type.Optional<ReturnType<typeof Type.String>>>;
};

/** The multipart form, as fields arrive (repeated keys become arrays: only `location` may repeat). */
export const OperatorReportForm = Type.Object(
  {
    id: Type.Optional(Type.String({ format: 'uuid', description: '[Required on Update] UUID of the report to update. Leave out for new reports.' })),
    plume_identifier: Type.Optional(Type.String({ maxLength: 64, description: '[Required on Create] Plume UUID or plume ID, e.g. GAO20230628t191011p0000-B' })),
    investigation_date: DateField('[Required on Create] Date of investigation'),
    investigation_method: Type.Optional(Type.Union([Type.Enum([...INVESTIGATION_METHODS]), Unset], { description: '[Required on Create] Method of investigation' })),
    classification: Type.Optional(Type.Union([Type.Enum([...CLASSIFICATIONS]), Unset])),
    ...text,
    location: Type.Optional(
      Type.Union([Type.String({ maxLength: 40 }), Type.Array(Type.String({ maxLength: 40 }), { minItems: 2, maxItems: 2 })], {
        description: '[Classification UNEXPECTED] Send the key twice: longitude, then latitude (curl -F location=-87.6289 -F location=41.8977).',
      }),
    ),
    confirmed_date: DateField('[Classification UNEXPECTED] Confirmation date'),
    leak_status: Type.Optional(Type.Union([Type.Enum([...LEAK_STATUSES]), Unset])),
    leak_image: Type.Optional(Type.String({ description: '[Classification UNEXPECTED] Image file (JPEG, PNG, WebP or GIF, at most 10 MiB): -F leak_image=@path/to/image.jpg' })),
    repair_date: DateField('[Classification UNEXPECTED] Repair date'),
    verification_date: DateField('[Classification UNEXPECTED] Verification date'),
    activity_date: DateField('[Classification EXPECTED] Activity date'),
  },
  { additionalProperties: false },
);
export type OperatorReportForm = Static<typeof OperatorReportForm>;

const S = Nullable(Type.String());
const D = Nullable(Type.String({ format: 'date' }));
export const OperatorReport = Type.Object({
  location: Nullable(Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: '[longitude, latitude]' })),
  plume_id: Type.String(),
  leak_image_url: S,
  published: Type.Boolean(),
  id: Uuid,
  reported_by: S,
  operator_name: S,
  investigation_date: Type.String({ format: 'date' }),
  investigation_method: Type.String(),
  notes: S,
  classification: S,
  equipment_group: S,
  component: S,
  location_description: S,
  confirmed_date: D,
  survey_method: S,
  leak_notes: S,
  leak_status: S,
  repair_status: S,
  repair_date: D,
  repair_notes: S,
  verification_status: S,
  verification_date: D,
  verification_notes: S,
  verification_method: S,
  activity_type: S,
  activity_detail_notes: S,
  activity_date: D,
  owned: Type.Boolean({ description: 'Whether your organization made it (our addition)' }),
  created: Timestamp,
  modified: Timestamp,
});

export const OperatorReportPage = Type.Object({ items: Type.Array(OperatorReport), count: Type.Integer() });

export const OperatorReportsQuery = Type.Object({
  id: Type.Optional(Nullable(Uuid)),
  plume_ids: Type.Optional(Nullable(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100, description: 'Plume UUIDs or plume IDs' }))),
  published: Type.Optional(Nullable(Type.Boolean())),
  owned: Type.Optional(Nullable(Type.Boolean({ description: 'true: only your organization’s; false: only others’ (published) reports' }))),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export type OperatorReportsQuery = Static<typeof OperatorReportsQuery>;
