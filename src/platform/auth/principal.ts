import type { Scope, Tier } from './scopes.js';

/** Who is calling, on behalf of which organization, with which rights. */
export interface Principal {
  kind: 'api_key' | 'user';
  organizationId: string;
  organizationName: string;
  userId: string | null;
  userEmail: string | null;
  apiKeyId: string | null;
  apiKeyPrefix: string | null;
  scopes: ReadonlySet<Scope>;
  tier: Tier;
  /** The budget a request is counted against: the API key, or the user within the organization. */
  rateLimitKey: string;
}
