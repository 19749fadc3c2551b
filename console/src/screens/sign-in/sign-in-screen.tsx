import { useState } from 'preact/hooks';
import { signInWithApiKey, signInWithPassword } from '../../api/auth.js';
import { navigate, usePlace } from '../../router.js';
import { ErrorNote } from '../../ui/notices.js';
import { describe } from '../../ui/use-async.js';

/** Where to go after signing in: a console address only (never another site). */
function nextAddress(query: URLSearchParams): string {
  const next = query.get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default function SignInScreen() {
  const { query } = usePlace();
  const [mode, setMode] = useState<'password' | 'key'>('password');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      if (mode === 'password') await signInWithPassword(String(form.get('email')).trim(), String(form.get('password')));
      else await signInWithApiKey(String(form.get('api_key')).trim());
      navigate(nextAddress(query), { replace: true });
    } catch (failure) {
      setError(describe(failure));
      setBusy(false);
    }
  }

  return (
    <div class="sign-in">
      <h1>Sign in</h1>
      <div class="tabs" role="tablist" aria-label="How to sign in">
        <button type="button" role="tab" aria-selected={mode === 'password'} onClick={() => setMode('password')}>
          E-mail and password
        </button>
        <button type="button" role="tab" aria-selected={mode === 'key'} onClick={() => setMode('key')}>
          API key
        </button>
      </div>
      <form class="form" onSubmit={submit}>
        {mode === 'password' ? (
          <>
            <label for="email">E-mail</label>
            <input id="email" name="email" type="email" autocomplete="username" required />
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required />
          </>
        ) : (
          <>
            <label for="api_key">API key</label>
            <input id="api_key" name="api_key" type="password" autocomplete="off" placeholder="sk_live_…" required minLength={32} />
            <p class="hint">The key stays in this browser tab only, and is forgotten when you sign out or close the browser.</p>
          </>
        )}
        {error && <ErrorNote message={error} />}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p class="hint">
        Without an account you can still browse the public plume map. <a href="/docs">The API reference</a> documents every call this console makes.
      </p>
    </div>
  );
}
