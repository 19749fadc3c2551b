import { convertible } from '../units.js';
import type { EmissionFactor } from './library.js';

export interface FactorRequest {
  activity: string;
  /** ISO alpha-2 of where the activity happened. */
  region: string;
  year: number;
  /** For refrigerants: which IPCC assessment's GWPs (AR6 unless the organization reports in AR5). */
  gwpSet?: 'AR5' | 'AR6';
  /** The unit the activity data is in: a factor applies only if its unit converts from it. */
  unit?: string;
}

export interface FactorChoice {
  factor: EmissionFactor;
  reason: string;
}

/**
 * Chooses the factor for an activity, deterministically and with its reason. Only factors in a
 * unit the activity data converts to apply (a per-kWh factor does not apply to tonnes). In order:
 * the organization's own factor for the region, then for anywhere; the library's factor for the
 * region, then the global one. Within a rank the latest year not after the activity's wins (an
 * activity older than every factor takes the earliest); remaining ties go to the lowest id.
 */
export function chooseFactor(candidates: readonly EmissionFactor[], request: FactorRequest): FactorChoice | undefined {
  const matching = candidates.filter(
    (f) =>
      f.activity === request.activity &&
      (f.gwp_set === null || f.gwp_set === (request.gwpSet ?? 'AR6')) &&
      (request.unit === undefined || convertible(request.unit, f.unit)),
  );
  const ranks: [string, (f: EmissionFactor) => boolean][] = [
    ["the organization's own factor for the region", (f) => f.organization_id !== null && f.region === request.region],
    ["the organization's own global factor", (f) => f.organization_id !== null && f.region === 'GLOBAL'],
    ['the library factor for the region', (f) => f.organization_id === null && f.region === request.region],
    ['the global library factor (no factor for the region)', (f) => f.organization_id === null && f.region === 'GLOBAL'],
  ];
  for (const [reason, inRank] of ranks) {
    const factors = matching.filter(inRank);
    if (factors.length === 0) continue;
    const notAfter = factors.filter((f) => f.year <= request.year);
    const pool = notAfter.length ? notAfter : factors;
    const best = [...pool].sort((a, b) => (notAfter.length ? b.year - a.year : a.year - b.year) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0]!;
    const when = best.year <= request.year ? `latest year not after ${request.year}: ${best.year}` : `no factor before ${request.year}; earliest: ${best.year}`;
    return { factor: best, reason: `${reason}, ${when}` };
  }
  return undefined;
}
