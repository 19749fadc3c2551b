import type { Scope, Tier } from './scopes.js';

export type CredentialKind = 'api_key' | 'access_token' | 'stac_token';

/** Who is calling, on behalf of which organization (if any), with which rights. */
export interface Principal {
  kind: 'api_key' | 'user';
  credential: CredentialKind;
  /** Null for a user acting for no organization, e.g. a self-registered plume-platform user. */
  organizationId: string | null;
  organizationName: string | null;
  userId: string | null;
  userEmail: string | null;
  apiKeyId: string | null;
  apiKeyPrefix: string | null;
  /** The refresh-token family of the session an access token belongs to. */
  sessionFamilyId: string | null;
  /** When the presented credential stops working (null: never); nothing it creates may outlive it. */
  credentialExpiresAt: Date | null;
  scopes: ReadonlySet<Scope>;
  tier: Tier;
  /** The budget a request is counted against: the API key, or the user within the organization. */
  rateLimitKey: string;
}

/** A principal acting for an organization: what every tenant-scoped route needs. */
export interface TenantPrincipal extends Principal {
  organizationId: string;
  organizationName: string;
}

/** A principal that is a signed-in user (not an organization's API key). */
export interface UserPrincipal extends Principal {
  kind: 'user';
  userId: string;
  userEmail: string;
}
