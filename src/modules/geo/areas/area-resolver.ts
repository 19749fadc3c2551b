import type { AreaCaller, AreaResolver, AreaSelection } from '../../../platform/areas.js';
import type { Queryable } from '../../../platform/db/database.js';
import { ValidationError, type FieldIssue } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/uuid.js';
import { selectAreaGeometries } from './administrative-areas.queries.js';
import { selectAoiGeometries } from './aois.queries.js';

/**
 * The areas this module provides to other modules' filters (see platform/areas.ts): AOIs the caller
 * may see (the one AOI visibility rule) and administrative areas (everyone's). An id that is
 * unknown or not the caller's is refused alike, naming it — never left out of the filter.
 */
export function areaResolver(db: Queryable): AreaResolver {
  return {
    async resolve(selection: AreaSelection, caller: AreaCaller) {
      const aoiIds = [...new Set(selection.aoiIds)];
      const gadmIds = [...new Set(selection.gadmIds)];
      const wellFormed = aoiIds.filter(isUuid);
      const [aois, areas] = await Promise.all([
        wellFormed.length ? selectAoiGeometries(db, wellFormed, caller) : [],
        gadmIds.length ? selectAreaGeometries(db, gadmIds) : [],
      ]);
      const foundAois = new Set(aois.map((row) => row.id));
      const foundAreas = new Set(areas.map((row) => row.id));
      const issues: FieldIssue[] = [
        ...aoiIds.filter((id) => !foundAois.has(id)).map((id) => ({ location: 'query' as const, path: ['aoi_id'], message: `No area of interest ${id} (or not one you may use).`, type: 'value_error' })),
        ...gadmIds.filter((id) => !foundAreas.has(id)).map((id) => ({ location: 'query' as const, path: ['gadm_composite_id'], message: `No administrative area ${id}.`, type: 'value_error' })),
      ];
      if (issues.length) throw new ValidationError(issues);
      return [...aois, ...areas].map((row) => row.ewkb);
    },
  };
}
