import { Type, type Static } from 'typebox';
import { JsonObject, Nullable, Timestamp, Uuid } from '../../platform/http/common-schemas.js';

export const STATUSES = ['To Do', 'In Progress', 'Done', 'Failed', 'Deleted'] as const;
export type PickerStatus = (typeof STATUSES)[number];
const Status = Type.Enum([...STATUSES]);
const Note = Nullable(Type.String({ maxLength: 5000 }));

/** A user as the page shows the assigner and assignees (groups and organizations: this organization only). */
export const PickerUser = Type.Object({
  label: Type.String(),
  groups: Type.Record(Type.String(), Type.Array(Type.String())),
  organizations: Type.Array(Type.Object({ id: Uuid, name: Type.String(), role: Type.String() })),
  id: Type.Integer(),
  email: Type.String(),
  first_name: Type.String(),
  last_name: Type.String(),
  industry: Nullable(Type.String()),
  organization: Type.String(),
  title: Type.String(),
  usage: Nullable(Type.String()),
  date_joined: Timestamp,
  is_staff: Type.Boolean(),
  is_superuser: Type.Boolean(),
});

/** One assignee's status on one scene of an assignment (the page's scene-assessment-status). */
export const SceneStatus = Type.Object({
  pk: Type.Integer(),
  user: Type.Object({ label: Type.String(), email: Type.String(), id: Type.Integer() }),
  scene_id: Uuid,
  scene: Type.Object({ name: Nullable(Type.String({ description: 'null once the scene is no longer visible to you' })) }),
  assignment: Type.Object({ id: Type.Integer(), note: Note, status: Status }),
  note: Note,
  status: Status,
  created: Timestamp,
  modified: Timestamp,
});

export const Assignment = Type.Object({
  id: Type.Integer(),
  user: Nullable(PickerUser, ),
  assignees: Type.Array(PickerUser),
  usersceneassignmentstatus_set: Type.Array(SceneStatus),
  status: Status,
  created: Timestamp,
  note: Note,
  scenes: Type.Array(Type.String()),
});

export const AssignmentPage = Type.Object({ items: Type.Array(Assignment), count: Type.Integer() });

export const AssignmentsQuery = Type.Object({
  assigner_id: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'User id of the assigner' })),
  assignee_id: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'User id of an assignee' })),
  assignment_status: Type.Optional(Nullable(Status)),
  scene_search: Type.Optional(Nullable(Type.String({ maxLength: 100, description: 'Part of a scene name' }))),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export type AssignmentsQuery = Static<typeof AssignmentsQuery>;

const UserNumber = Type.Integer({ minimum: 1, maximum: 1e15 });
export const AssignmentBody = Type.Object(
  {
    assignees: Type.Array(UserNumber, { minItems: 1, maxItems: 100, description: 'User ids (members of your organization)' }),
    scenes: Type.Array(Uuid, { minItems: 1, maxItems: 1000, description: 'Scene IDs visible to your organization' }),
    user_id: Type.Optional(Nullable(UserNumber)),
    note: Type.Optional(Note),
  },
  { additionalProperties: false },
);
export type AssignmentBody = Static<typeof AssignmentBody>;
export const AssignmentPatchBody = Type.Partial(AssignmentBody, { additionalProperties: false });
export type AssignmentPatchBody = Static<typeof AssignmentPatchBody>;

export const AssignmentIdParams = Type.Object({ pk: Type.String({ pattern: '^[0-9]{1,15}$' }) });

export const SceneAssessment = Type.Object({
  id: Type.Integer(),
  user: Type.Integer(),
  scene_id: Uuid,
  scene_assessment_status_id: Nullable(Type.Integer()),
  image_artifacts: Type.Record(Type.String(), Type.Unknown()),
  low_snr: Nullable(Type.Boolean()),
  geolocation_error: Nullable(Type.Boolean()),
  atmospheric_artifacts: Type.Record(Type.String(), Type.Unknown()),
  cloud_cover_pct: Nullable(Type.Integer()),
  note: Note,
});

export const SceneAssessmentBody = Type.Object(
  {
    scene_assessment_status_id: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 1e15 }))),
    scene_id: Type.String({ maxLength: 64 }),
    image_artifacts: Type.Optional(JsonObject({ maxBytes: 8192, description: 'Image artifacts seen, as you name them.' })),
    low_snr: Type.Optional(Nullable(Type.Boolean({ default: false }))),
    geolocation_error: Type.Optional(Nullable(Type.Boolean())),
    atmospheric_artifacts: Type.Optional(JsonObject({ maxBytes: 8192, description: 'Atmospheric artifacts seen, as you name them.' })),
    note: Type.Optional(Note),
    cloud_cover_pct: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100 }))),
  },
  { additionalProperties: false },
);
export type SceneAssessmentBody = Static<typeof SceneAssessmentBody>;

export const SceneStatusBody = Type.Object({ status: Status, note: Type.Optional(Note) }, { additionalProperties: false });
export type SceneStatusBody = Static<typeof SceneStatusBody>;
