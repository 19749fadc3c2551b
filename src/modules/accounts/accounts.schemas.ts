import { Type, type Static } from 'typebox';
import { JsonObject, Uuid, Timestamp } from '../../platform/http/common-schemas.js';

export const INDUSTRIES = ['academic', 'nonprofit', 'government', 'media', 'finance', 'business', 'other'] as const;
export const USAGES = ['personal-research', 'work-related-research', 'developer', 'other'] as const;
export const SCHEDULES = ['Daily', 'Weekly', 'Monthly'] as const;

const Email = Type.String({ minLength: 3, maxLength: 254, title: 'Email Address' });
const NewPassword = Type.String({ maxLength: 128, description: '8 or more characters, dissimilar to other user attributes, not a common password, not entirely numeric.' });

// ---- tokens ----------------------------------------------------------------------------------

export const TokenPairBody = Type.Object({ password: Type.String({ maxLength: 128 }), email: Email });

export const TokenPairResponse = Type.Object({
  refresh: Type.String(),
  access: Type.String(),
  groups: Type.String({ description: 'Comma-separated platform groups: users, plus staff and superusers when they apply.' }),
  permissions: Type.Array(Type.String(), { description: 'The scopes the access token carries.' }),
});

export const RefreshBody = Type.Object({ refresh: Type.String({ minLength: 1, maxLength: 4096 }) });
export const RefreshResponse = Type.Object({ refresh: Type.String(), access: Type.String() });
export const VerifyBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 4096 }) });

export const TokenObject = Type.Object({
  user: Type.Integer(),
  jti: Type.String(),
  token_type: Type.String({ examples: ['stac'] }),
  scope: Type.String({ description: 'Space-separated scopes.' }),
  groups: Type.String(),
  organizations: Type.String({ description: 'Comma-separated ids of the organizations the token may act for.' }),
  all_group_names: Type.Record(Type.String(), Type.Array(Type.String())),
  exp: Type.Integer(),
  iat: Type.Integer(),
  name: Type.Union([Type.String(), Type.Null()]),
  created: Timestamp,
  modified: Timestamp,
});

export const CreateStacTokenBody = Type.Object({
  expiration_date: Type.Optional(Type.Union([Type.String({ format: 'date' }), Type.Null()])),
  name: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
});

export const CreatedStacToken = Type.Object({ token_type: Type.String(), token_value: Type.String(), token_object: TokenObject });
export const TokenParams = Type.Object({ jti: Uuid });

// ---- registration and passwords --------------------------------------------------------------

const ProfileFields = {
  organization: Type.Optional(Type.String({ maxLength: 200 })),
  title: Type.Optional(Type.String({ maxLength: 200 })),
  industry: Type.Optional(Type.Enum([...INDUSTRIES])),
  usage: Type.Optional(Type.Enum([...USAGES])),
  notes: Type.Optional(Type.String({ maxLength: 5000 })),
};

export const RegisterBody = Type.Object({
  email: Email,
  password1: NewPassword,
  password2: Type.String({ maxLength: 128 }),
  first_name: Type.String({ maxLength: 150 }),
  last_name: Type.String({ maxLength: 150 }),
  ...ProfileFields,
});
export type RegisterBody = Static<typeof RegisterBody>;

export const OneTimeLinkBody = Type.Object({ uidb64: Type.String({ maxLength: 64 }), token: Type.String({ maxLength: 256 }) });
export const PasswordResetRequestBody = Type.Object({ email: Email });
export const ResetPasswordBody = Type.Object({
  new_password1: NewPassword,
  new_password2: Type.String({ maxLength: 128 }),
  uidb64: Type.String({ maxLength: 64 }),
  token: Type.String({ maxLength: 256 }),
});
export const ChangePasswordBody = Type.Object({
  old_password: Type.String({ maxLength: 128 }),
  new_password1: NewPassword,
  new_password2: Type.String({ maxLength: 128 }),
});

// ---- users -----------------------------------------------------------------------------------

export const UserOrganization = Type.Object({ id: Uuid, name: Type.String(), role: Type.String() });

export const User = Type.Object({
  label: Type.String({ description: "The user's name, or e-mail when no name is set." }),
  groups: Type.Record(Type.String(), Type.Array(Type.String()), {
    description: 'Group names by kind: `platform` (users, staff, superusers) and each organization id with the role held there.',
  }),
  organizations: Type.Array(UserOrganization),
  id: Type.Integer(),
  email: Type.String(),
  first_name: Type.String(),
  last_name: Type.String(),
  industry: Type.Union([Type.Enum([...INDUSTRIES]), Type.Null()]),
  organization: Type.String(),
  title: Type.String(),
  usage: Type.Union([Type.Enum([...USAGES]), Type.Null()]),
  notes: Type.String(),
  date_joined: Timestamp,
  is_staff: Type.Boolean(),
  is_superuser: Type.Boolean(),
});

export const ProfilePatchBody = Type.Object(ProfileFields);
export type ProfilePatchBody = Static<typeof ProfilePatchBody>;
export const UserParams = Type.Object({ user_id: Type.Integer({ minimum: 1 }) });

const Limit = Type.Integer({ minimum: 1, maximum: 1000, default: 100 });
const Offset = Type.Integer({ minimum: 0, default: 0 });

export const UsersQuery = Type.Object({
  ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 1000 })),
  search: Type.Optional(Type.String({ maxLength: 200 })),
  organizations: Type.Optional(Type.Array(Uuid, { maxItems: 100 })),
  limit: Limit,
  offset: Offset,
});
export type UsersQuery = Static<typeof UsersQuery>;
export const UserPage = Type.Object({ items: Type.Array(User), count: Type.Integer() });

// ---- saved search requests -------------------------------------------------------------------

export const SearchRequestBody = Type.Object({
  aoi_id: Type.Optional(Type.Union([Uuid, Type.Null()])),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  // Saved queries may carry an AOI polygon: room for one, not for anything.
  query: Type.Optional(JsonObject({ description: 'Any JSON object; {} when created without one.', maxBytes: 262_144 })),
  change_detection_enabled: Type.Optional(Type.Boolean()),
  change_detection_schedule: Type.Optional(Type.Union([Type.Enum([...SCHEDULES]), Type.Null()])),
});
export type SearchRequestBody = Static<typeof SearchRequestBody>;

export const SearchRequest = Type.Object({
  id: Uuid,
  aoi: Type.Union([Uuid, Type.Null()]),
  query: Type.Record(Type.String(), Type.Unknown()),
  name: Type.String(),
  change_detection_enabled: Type.Boolean(),
  change_detection_schedule: Type.Union([Type.String(), Type.Null()]),
  created: Timestamp,
});
export const SearchRequestParams = Type.Object({ pk: Uuid });
export const SearchRequestsQuery = Type.Object({ limit: Limit, offset: Offset });
export const SearchRequestPage = Type.Object({ items: Type.Array(SearchRequest), count: Type.Integer() });

// ---- OpenID Connect --------------------------------------------------------------------------

export const OAuthBody = Type.Object({
  id_token: Type.String({ maxLength: 16384 }),
  session_state: Type.String({ maxLength: 1024 }),
  state: Type.String({ maxLength: 1024 }),
});
export const OAuthState = Type.Object({
  state: Type.String({ description: 'Send it to the identity provider as `state` and back to POST /api/v1/account/oauth.' }),
  nonce: Type.String({ description: 'Send it to the identity provider as `nonce`; the id_token must carry it.' }),
  expires_in: Type.Integer(),
});
