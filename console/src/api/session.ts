import { createStore } from '../store.js';

/**
 * Who the console acts as. Kept in sessionStorage (this tab only, gone when the browser closes):
 * a refresh token lives 30 days, and a console left signed in on a shared machine should not.
 */
export type Session =
  | { kind: 'anonymous' }
  | { kind: 'token'; accessToken: string; refreshToken: string; accessExpiresAt: number; organizationId: string | null; email: string }
  | { kind: 'key'; apiKey: string; organizationId: string | null };

const STORAGE_KEY = 'carbon-atlas.session';

function restore(): Session {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Session | null;
    if (saved && (saved.kind === 'token' || saved.kind === 'key')) return saved;
  } catch {
    // A damaged entry is as good as none.
  }
  return { kind: 'anonymous' };
}

export const session = createStore<Session>(restore());

session.subscribe(() => {
  const current = session.get();
  if (current.kind === 'anonymous') sessionStorage.removeItem(STORAGE_KEY);
  else sessionStorage.setItem(STORAGE_KEY, JSON.stringify(current));
});

export function isSignedIn(value: Session = session.get()): value is Exclude<Session, { kind: 'anonymous' }> {
  return value.kind !== 'anonymous';
}

/** The headers that carry the current credential (for fetch, MapLibre's transformRequest and downloads). */
export function authHeaders(value: Session = session.get()): Record<string, string> {
  if (value.kind === 'anonymous') return {};
  const headers: Record<string, string> = { authorization: `Bearer ${value.kind === 'token' ? value.accessToken : value.apiKey}` };
  if (value.organizationId) headers['x-organization-id'] = value.organizationId;
  return headers;
}
