import { Type, type Static } from 'typebox';
import { SCOPES, TIERS } from '../auth/scopes.js';
import { Timestamp, Uuid } from '../http/common-schemas.js';

export const ScopeSchema = Type.Enum([...SCOPES]);
export const TierSchema = Type.Enum([...TIERS]);

export const WhoAmI = Type.Object({
  organization: Type.Union([Type.Object({ id: Uuid, name: Type.String() }), Type.Null()]),
  user: Type.Union([Type.Object({ id: Uuid, email: Type.String() }), Type.Null()]),
  api_key: Type.Union([Type.Object({ id: Uuid, prefix: Type.String() }), Type.Null()]),
  credential: Type.Enum(['api_key', 'access_token', 'stac_token']),
  scopes: Type.Array(ScopeSchema),
  tier: TierSchema,
});

export const SignInBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    organization_id: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const RefreshBody = Type.Object({ refresh_token: Type.String({ minLength: 1, maxLength: 4096 }) }, { additionalProperties: false });

export const TokenPairSchema = Type.Object({
  access_token: Type.String(),
  refresh_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Seconds until the access token expires.' }),
  refresh_expires_in: Type.Integer(),
  organization_id: Type.Union([Uuid, Type.Null()]),
});

export const ApiKeySchema = Type.Object({
  id: Uuid,
  organization_id: Uuid,
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the key, to recognise it; the key itself is never shown again.' }),
  scopes: Type.Array(Type.String()),
  tier: TierSchema,
  created_at: Timestamp,
  last_used_at: Type.Union([Timestamp, Type.Null()]),
  expires_at: Type.Union([Timestamp, Type.Null()]),
  revoked_at: Type.Union([Timestamp, Type.Null()]),
});

export const CreatedApiKeySchema = Type.Intersect([
  ApiKeySchema,
  Type.Object({ key: Type.String({ description: 'The secret, shown this once. Store it now.' }) }),
]);

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: SCOPES.length, uniqueItems: true }),
    tier: Type.Optional(TierSchema),
    expires_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type CreateApiKeyBody = Static<typeof CreateApiKeyBody>;

export const ApiKeyParams = Type.Object({ key_id: Uuid });
