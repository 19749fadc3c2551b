import createClient from 'openapi-fetch';
import { ApiError, messagesIn, sentenceFor } from './errors.js';
import type { paths } from './openapi.js';
import { authHeaders, session, type Session } from './session.js';

export type Query = Record<string, string | number | boolean | readonly (string | number)[] | null | undefined>;

/** `a=1&b=2&b=3`, leaving out empty values (the filters keep '' for "not set"). */
export function searchOf(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === '') continue;
    if (Array.isArray(value)) for (const item of value) params.append(name, String(item));
    else params.set(name, String(value));
  }
  return params.toString();
}

/** `/path?a=1&b=2&b=3`, leaving out empty values. */
export function urlOf(path: string, query: Query = {}): string {
  const search = searchOf(query);
  return search ? `${path}?${search}` : path;
}

/** Refresh this long before the access token expires, so no call ever carries an expired one. */
const REFRESH_MARGIN_MS = 60_000;
let refreshing: Promise<boolean> | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;

/** Spends the refresh token for a new pair; one refresh at a time, however many calls wait for it. */
export function refreshSession(): Promise<boolean> {
  const current = session.get();
  if (current.kind !== 'token') return Promise.resolve(false);
  refreshing ??= (async () => {
    try {
      const pair = await dataOf(api.POST('/v1/auth/refresh', { body: { refresh_token: current.refreshToken }, fetch: anonymousFetch }));
      session.set({ ...current, accessToken: pair.access_token, refreshToken: pair.refresh_token, accessExpiresAt: Date.now() + pair.expires_in * 1000 });
      return true;
    } catch (error) {
      // A spent or revoked refresh token ends the session; a network failure keeps it for a retry.
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) session.set({ kind: 'anonymous' });
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** Keeps the access token fresh in the background while the console is open. */
function scheduleRefresh(current: Session): void {
  clearTimeout(refreshTimer);
  if (current.kind !== 'token') return;
  const wait = Math.max(1_000, current.accessExpiresAt - REFRESH_MARGIN_MS - Date.now());
  refreshTimer = setTimeout(() => void refreshSession(), wait);
}
session.subscribe(() => scheduleRefresh(session.get()));
scheduleRefresh(session.get());

/** Sends a request as is; a network failure becomes an ApiError with a sentence (aborts stay aborts). */
async function send(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, sentenceFor(0, null));
  }
}

/** Turns a failed response into an ApiError whose message says what went wrong in words. */
export async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let details: string[] = [];
  try {
    details = messagesIn(JSON.parse(text));
  } catch {
    details = [];
  }
  const sentence = sentenceFor(response.status, response.headers.get('retry-after'));
  const detail = details.length ? details.join('; ') : null;
  const message = detail && response.status < 500 && response.status !== 401 ? `${sentence} ${detail}` : sentence;
  return new ApiError(response.status, message, detail, response.headers.get('x-request-id'));
}

/** The request with the current credential's headers (a header the caller set itself wins). */
function withCredential(request: Request): Request {
  const headers = new Headers(authHeaders());
  request.headers.forEach((value, name) => headers.set(name, value));
  return new Request(request, { headers });
}

/**
 * The fetch behind `api`: the credential attached, the token refreshed before it expires and once
 * after a 401, and any failure thrown as an ApiError, so a call's `data` is always its success body.
 */
async function authorizedFetch(request: Request): Promise<Response> {
  const current = session.get();
  if (current.kind === 'token' && current.accessExpiresAt - Date.now() < REFRESH_MARGIN_MS) await refreshSession();
  // The body can be read once: a copy is kept for the retry after a refresh.
  const retry = request.clone();
  let response = await send(withCredential(request));
  if (response.status === 401 && session.get().kind === 'token' && (await refreshSession())) response = await send(withCredential(retry));
  if (!response.ok) throw await errorOf(response);
  return response;
}

/** For calls that carry their own credential or none (sign-in, refresh, a key being tried, public records). */
export async function anonymousFetch(request: Request): Promise<Response> {
  const response = await send(request);
  if (!response.ok) throw await errorOf(response);
  return response;
}

/**
 * The public API, typed from its own OpenAPI document (openapi.d.ts, `npm run console:types`): a
 * changed path, parameter or response shape breaks the console's typecheck.
 */
export const api = createClient<paths>({
  fetch: authorizedFetch,
  headers: { accept: 'application/json' },
  querySerializer: (query) => searchOf(query as Query),
});

/** The success body of a call (failures were thrown by the fetch above). */
export async function dataOf<T>(pending: Promise<{ data?: T; response: Response }>): Promise<T> {
  const { data } = await pending;
  return data as T;
}

/**
 * Hands a file the API answers (CSV, GeoJSON, GeoPackage) to the browser to save: `pending` is a
 * typed call with `parseAs: 'blob'`, made with the credential like any other.
 */
export async function download(pending: Promise<{ data?: Blob; response: Response }>, fileName: string): Promise<void> {
  const blob = await dataOf(pending);
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type JsonOf<R> = R extends { content: { 'application/json': infer Body } } ? Body : never;

/** The JSON success body of `method path`, as the OpenAPI document declares it. */
export type Answer<P extends keyof paths, M extends Method = 'get'> = paths[P][M] extends { responses: infer R } ? JsonOf<R[Extract<keyof R, 200 | 201 | 202>]> : never;
