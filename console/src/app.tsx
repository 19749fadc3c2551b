import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { isSignedIn, session } from './api/session.js';
import { SCREENS, screenFor, usePlace, type ScreenDescriptor } from './router.js';
import { useStore } from './store.js';
import { AccountMenu } from './account-menu.js';
import { Link } from './ui/link.js';
import { ErrorNote, Loading } from './ui/notices.js';

/** Loads a screen's code on first visit (the map's MapLibre is not fetched by the other screens). */
function useScreen(screen: ScreenDescriptor | undefined): { Component?: ComponentType; error?: string } {
  const [loaded, setLoaded] = useState<{ screen?: ScreenDescriptor; Component?: ComponentType; error?: string }>({});
  useEffect(() => {
    if (!screen) return;
    let current = true;
    screen.load().then(
      (module) => current && setLoaded({ screen, Component: module.default }),
      () => current && setLoaded({ screen, error: 'This screen could not be loaded. Reload the page (the server may have been updated).' }),
    );
    return () => {
      current = false;
    };
  }, [screen]);
  return loaded.screen === screen ? loaded : {};
}

export function App() {
  const { path } = usePlace();
  const who = useStore(session);
  const screen = screenFor(path);
  const { Component, error } = useScreen(screen);
  useEffect(() => {
    document.title = screen ? `${screen.title} · Carbon Atlas` : 'Not found · Carbon Atlas';
  }, [screen]);

  let body;
  if (!screen) body = <ErrorNote message="There is no page at this address in the console." />;
  else if (screen.signIn && !isSignedIn(who))
    body = (
      <div class="notice">
        <span>Sign in to see {screen.title}.</span> <Link href={`/sign-in?next=${encodeURIComponent(path)}`}>Sign in</Link>
      </div>
    );
  else if (error) body = <ErrorNote message={error} />;
  else if (!Component) body = <Loading what={`Loading ${screen.title}`} />;
  else body = <Component />;

  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <Link href="/" class="brand">
          Carbon Atlas
        </Link>
        <nav aria-label="Screens" class="screens-nav">
          {SCREENS.filter((entry) => entry.nav !== undefined).map((entry) => (
            <Link key={entry.path} href={entry.path} current={entry === screen}>
              {entry.title}
            </Link>
          ))}
        </nav>
        <AccountMenu />
      </header>
      <main id="main" class="main" tabIndex={-1}>
        {body}
      </main>
      {/* Messages that belong to no form (a failed download): read out, and shown until replaced. */}
      <div id="announcer" class="announcer" role="status" aria-live="polite" />
    </div>
  );
}
