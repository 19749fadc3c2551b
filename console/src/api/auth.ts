import { anonymousFetch, api, dataOf } from './client.js';
import { ApiError } from './errors.js';
import type { paths } from './openapi.js';
import { session } from './session.js';

export type WhoAmI = paths['/v1/whoami']['get']['responses'][200]['content']['application/json'];
export type Membership = NonNullable<paths['/api/v1/account/me']['get']['responses'][200]['content']['application/json']['organizations']>[number];

/** E-mail and password → the JWT pair (POST /v1/auth/token). */
export async function signInWithPassword(email: string, password: string): Promise<void> {
  const pair = await dataOf(api.POST('/v1/auth/token', { body: { email, password }, fetch: anonymousFetch })).catch((error: unknown) => {
    // At sign-in a 401 means the pair did not match (the server does not say which, on purpose).
    if (error instanceof ApiError && error.status === 401) throw new ApiError(401, 'The e-mail address or the password is not right. Check both and try again.');
    throw error;
  });
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
  const who = await dataOf(api.GET('/v1/whoami', { fetch: anonymousFetch, headers: { authorization: `Bearer ${apiKey}` } })).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 401) throw new ApiError(401, 'This API key is not valid: it may be mistyped, revoked or expired.');
    throw error;
  });
  session.set({ kind: 'key', apiKey, organizationId: who.organization?.id ?? null });
}

/**
 * Signs out here at once, and ends the session on the server (its refresh token's family, which
 * takes every access token of it along), so a copy of the tokens left anywhere stops working. An
 * API key has no session to end: it stays valid until revoked in the organization's settings.
 */
export function signOut(): void {
  const current = session.get();
  session.set({ kind: 'anonymous' });
  if (current.kind === 'token') void dataOf(api.POST('/v1/auth/revoke', { body: { refresh_token: current.refreshToken }, fetch: anonymousFetch })).catch(() => undefined);
}

export function whoAmI(): Promise<WhoAmI> {
  return dataOf(api.GET('/v1/whoami'));
}

/** The organizations a signed-in user belongs to (an API key belongs to one). */
export async function memberships(): Promise<Membership[]> {
  const me = await dataOf(api.GET('/api/v1/account/me'));
  return me.organizations ?? [];
}

/** Acts for another of the user's organizations: every later call sends it as x-organization-id. */
export function switchOrganization(organizationId: string): void {
  const current = session.get();
  if (current.kind !== 'anonymous') session.set({ ...current, organizationId });
}
