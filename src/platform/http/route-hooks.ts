import type { RouteOptions } from 'fastify';

type HookName = 'onRequest' | 'preHandler' | 'onSend';

/**
 * Puts a hook on one route (from an `onRoute` hook) instead of on every route: a hook that only a
 * few routes need costs the rest nothing. `first` puts it before the route's own hooks of that kind,
 * where an app-wide hook would have run.
 */
export function addRouteHook(route: RouteOptions, name: HookName, hook: unknown, position: 'first' | 'last' = 'last'): void {
  const existing = route[name] as unknown;
  const hooks = existing === undefined ? [] : Array.isArray(existing) ? [...existing] : [existing];
  if (position === 'first') hooks.unshift(hook);
  else hooks.push(hook);
  (route as unknown as Record<HookName, unknown[]>)[name] = hooks;
}
