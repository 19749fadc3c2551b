import type { ComponentType } from 'preact';
import { createStore, useStore } from './store.js';

/** The address bar is the state of the console: screens read their filters from it so a view can be shared. */
export interface Place {
  path: string;
  query: URLSearchParams;
}

function here(): Place {
  return { path: location.pathname.replace(/\/+$/, '') || '/', query: new URLSearchParams(location.search) };
}

export const place = createStore<Place>(here());
addEventListener('popstate', () => place.set(here()));

/** Goes to another address of the console without reloading the page. */
export function navigate(url: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  place.set(here());
}

/**
 * Changes some query parameters of the current address (null or '' removes one). Filters replace the
 * history entry by default, so Back leaves the screen instead of undoing each keystroke.
 */
export function setQuery(changes: Record<string, string | null | undefined>, options: { replace?: boolean } = { replace: true }): void {
  const query = new URLSearchParams(location.search);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === '') query.delete(name);
    else query.set(name, value);
  }
  const search = query.toString();
  navigate(`${location.pathname}${search ? `?${search}` : ''}`, options);
}

export function usePlace(): Place {
  return useStore(place);
}

/** One screen of the console; each folder under screens/ exports one as `screen` from its screen.ts. */
export interface ScreenDescriptor {
  /** The address (also matches the addresses below it: /registry matches /registry/transactions). */
  path: string;
  /** Other addresses that show the same screen. */
  aliases?: string[];
  title: string;
  /** Place in the navigation bar (lower first); absent: not in the bar. */
  nav?: number;
  /** Anonymous visitors are asked to sign in first. */
  signIn?: boolean;
  load: () => Promise<{ default: ComponentType }>;
}

const found = import.meta.glob<{ screen: ScreenDescriptor }>('./screens/*/screen.ts', { eager: true });
export const SCREENS: ScreenDescriptor[] = Object.values(found)
  .map((module) => module.screen)
  .sort((a, b) => (a.nav ?? 999) - (b.nav ?? 999));

function matches(path: string, pattern: string): boolean {
  return pattern === '/' ? path === '/' : path === pattern || path.startsWith(`${pattern}/`);
}

export function screenFor(path: string): ScreenDescriptor | undefined {
  return SCREENS.find((screen) => [screen.path, ...(screen.aliases ?? [])].some((pattern) => matches(path, pattern)));
}
