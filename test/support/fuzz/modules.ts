import type { FuzzRoute } from './routes.js';

/**
 * Which module's fuzz test sends requests to which documented route. coverage.test.ts checks that
 * every route belongs to exactly one, so a new route cannot go unfuzzed.
 */
const isAreaRoute = (route: FuzzRoute) => route.path.startsWith('/api/v1/layers/aoi') || route.path.startsWith('/api/v1/common/');

export const MODULE_ROUTES = {
  facilities: (route: FuzzRoute) => route.path.startsWith('/v1/facilities') && !route.path.includes('/consumption'),
  // Consumption has the facilities' URLs and error format, but the emissions module computes it.
  emissions: (route: FuzzRoute) => route.path.startsWith('/v2/') || route.path.includes('/consumption'),
  registry: (route: FuzzRoute) => route.tags.includes('registry'),
  accounts: (route: FuzzRoute) => route.tags.includes('account'),
  catalog: (route: FuzzRoute) => route.tags.includes('catalog'),
  tasking: (route: FuzzRoute) => route.tags.includes('tasking'),
  identity: (route: FuzzRoute) => route.tags.includes('identity') || route.tags.includes('operations'),
  // AOIs and administrative areas (geo module, areas part).
  areas: (route: FuzzRoute) => isAreaRoute(route),
  // Vector and raster tiles, TileJSON, the style and uploaded layers (geo module, the rest).
  geo: (route: FuzzRoute) => (route.tags.includes('geo') || route.tags.includes('layers')) && !isAreaRoute(route),
  stac: (route: FuzzRoute) => route.tags.includes('stac'),
  picker: (route: FuzzRoute) => route.tags.includes('picker'),
  community: (route: FuzzRoute) => route.tags.includes('community'),
} satisfies Record<string, (route: FuzzRoute) => boolean>;
