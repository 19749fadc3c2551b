import { ApiError, messagesIn, sentenceFor } from './errors.js';
import { authHeaders, session, type Session } from './session.js';

export type Query = Record<string, string | number | boolean | readonly (string | number)[] | null | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Skip the credential (sign-in and refresh calls carry their own). */
  anonymous?: boolean;
  headers?: Record<string, string>;
}

/** `/path?a=1&b=2&b=3`, leaving out empty values. */
export function urlOf(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === '') continue;
    if (Array.isArray(value)) for (const item of value) params.append(name, String(item));
    else params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  organization_id: string | null;
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
      const pair = await request<TokenPair>('/v1/auth/refresh', { method: 'POST', body: { refresh_token: current.refreshToken }, anonymous: true });
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

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...(options.anonymous ? {} : authHeaders()), ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  try {
    return await fetch(urlOf(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
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

/** A fetch with the credential attached and a refreshed token, retried once when a token turned out expired. */
export async function call(path: string, options: RequestOptions = {}): Promise<Response> {
  const current = session.get();
  if (!options.anonymous && current.kind === 'token' && current.accessExpiresAt - Date.now() < REFRESH_MARGIN_MS) await refreshSession();
  let response = await send(path, options);
  if (response.status === 401 && !options.anonymous && session.get().kind === 'token' && (await refreshSession())) response = await send(path, options);
  if (!response.ok) throw await errorOf(response);
  return response;
}

/** A JSON call of the public API; throws ApiError with a human message on failure. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await call(path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Downloads a file (CSV, GeoJSON…) with the credential, then hands it to the browser to save. */
export async function download(path: string, query: Query, fileName: string): Promise<void> {
  const response = await call(path, { query });
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
