import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ValidationError } from './errors.js';

/**
 * Areas as filters, across modules: the catalog filters plumes and scenes by areas of interest
 * (`aoi_id`) and administrative areas (`gadm_composite_id`), which the geo module owns. Neither
 * imports the other: the geo module provides an `AreaResolver` here when it registers, and the
 * catalog (or anything else filtering by area) asks `app.areas.resolve`. Until a resolver is
 * provided every request naming an area is refused, never answered unfiltered.
 */

/** Who asks: an AOI is resolved only for its organization and its user. */
export interface AreaCaller {
  organizationId: string | null;
  userId: string | null;
}

export interface AreaSelection {
  aoiIds: readonly string[];
  gadmIds: readonly string[];
}

/**
 * Resolves areas to their geometries: one hex EWKB MultiPolygon (SRID 4326) per area asked for.
 * An area that does not exist, or that the caller may not see, is a ValidationError naming the
 * parameter — the same for both, so that probing reveals nothing.
 */
export interface AreaResolver {
  resolve(selection: AreaSelection, caller: AreaCaller): Promise<string[]>;
}

export interface AreaRegistry extends AreaResolver {
  /** Called once by the module that owns the areas. */
  provide(resolver: AreaResolver): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    areas: AreaRegistry;
  }
}

const refusing: AreaResolver = {
  async resolve(selection) {
    const given = [...(selection.aoiIds.length ? ['aoi_id'] : []), ...(selection.gadmIds.length ? ['gadm_composite_id'] : [])];
    throw new ValidationError(given.map((name) => ({ location: 'query', path: [name], message: `${name} is not available on this server.`, type: 'value_error' })));
  },
};

export function createAreaRegistry(): AreaRegistry {
  let current = refusing;
  return {
    provide(resolver) {
      current = resolver;
    },
    resolve(selection, caller) {
      if (!selection.aoiIds.length && !selection.gadmIds.length) return Promise.resolve([]);
      return current.resolve(selection, caller);
    },
  };
}

async function areasPlugin(app: FastifyInstance) {
  app.decorate('areas', createAreaRegistry());
}

export default fp(areasPlugin, { name: 'carbon-atlas-areas' });
