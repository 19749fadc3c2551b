import type { Queryable } from '../../../platform/db/database.js';
import { NotFoundError } from '../../../platform/errors.js';
import * as facilities from '../../facilities/facilities.service.js';
import { selectMonthlyCells } from '../emissions.queries.js';
import { toGram } from '../quantities.js';
import { isUuid } from '../../../platform/uuid.js';


/**
 * The facilities page's rule for logistics reports: the share of a facility's scope 2 emissions
 * attributed to logistics is its scope 2 total × its `logistic_factor` (0–1, default 0.8). Scope 2
 * here is every live record of the year whose `facility_id` is that facility's id — calculated
 * from consumption or submitted; records naming no registered facility are reported apart.
 */
export async function logisticsReport(db: Queryable, organizationId: string, year: number) {
  const cells = await selectMonthlyCells(db, organizationId, year, { scopes: [2] });
  const byFacility = new Map<string, number>();
  for (const cell of cells) byFacility.set(cell.facility_id, (byFacility.get(cell.facility_id) ?? 0) + cell.kg);
  const rows = [];
  let unmatched = 0;
  for (const [facilityId, scope2] of [...byFacility].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const facility = isUuid(facilityId)
      ? await facilities.getFacility(db, organizationId, facilityId).catch((error: unknown) => {
          if (error instanceof NotFoundError) return undefined;
          throw error;
        })
      : undefined;
    if (!facility) {
      unmatched += scope2;
      continue;
    }
    rows.push({
      facility_id: facilityId,
      name: facility.name,
      logistic_factor: facility.logistic_factor,
      scope2_kg: toGram(scope2),
      logistics_scope2_kg: toGram(scope2 * facility.logistic_factor),
    });
  }
  return {
    year,
    facilities: rows,
    total_logistics_scope2_kg: toGram(rows.reduce((sum, row) => sum + row.scope2_kg * row.logistic_factor, 0)),
    unmatched_scope2_kg: toGram(unmatched),
  };
}
