import { request } from './client.js';
import { session } from './session.js';

interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  organization_id: string | null;
}

export interface WhoAmI {
  organization: { id: string; name: string } | null;
  user: { id: string; email: string } | null;
  api_key: { id: string; prefix: string } | null;
  credential: string;
  scopes: string[];
  tier: string;
}

export interface Membership {
  id: string;
  name: string;
  role: string;
}

/** E-mail and password → the JWT pair (POST /v1/auth/token). */
export async function signInWithPassword(email: string, password: string): Promise<void> {
  const pair = await request<TokenPair>('/v1/auth/token', { method: 'POST', body: { email, password }, anonymous: true });
  session.set({
    kind: 'token',
    accessToken: pair.access_token,
    refreshToken: pair.refresh_token,
    accessExpiresAt: Date.now() + pair.expires_in * 1000,
    organizationId: pair.organization_id,
    email,
  });
}

/** A pasted API key is checked with /v1/whoami before it is kept. */
export async function signInWithApiKey(apiKey: string): Promise<void> {
  // `anonymous` leaves out the stored credential: the key being tried goes in a header of its own.
  const who = await request<WhoAmI>('/v1/whoami', { anonymous: true, headers: { authorization: `Bearer ${apiKey}` } });
  session.set({ kind: 'key', apiKey, organizationId: who.organization?.id ?? null });
}

export function signOut(): void {
  session.set({ kind: 'anonymous' });
}

export function whoAmI(): Promise<WhoAmI> {
  return request<WhoAmI>('/v1/whoami');
}

/** The organizations a signed-in user belongs to (an API key belongs to one). */
export async function memberships(): Promise<Membership[]> {
  const me = await request<{ organizations?: Membership[] }>('/api/v1/account/me');
  return me.organizations ?? [];
}

/** Acts for another of the user's organizations: every later call sends it as x-organization-id. */
export function switchOrganization(organizationId: string): void {
  const current = session.get();
  if (current.kind !== 'anonymous') session.set({ ...current, organizationId });
}
