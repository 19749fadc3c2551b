/** What sources/aggregate needs of a source: its sector, plume count and figures. */
export interface AggregatedSource {
  row: { sector: string; plume_count: number };
  figures: { persistence: number; emission: number | null; emission_uncertainty: number | null };
}

const known = (values: (number | null)[]) => values.filter((v): v is number => v !== null);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const mean = (values: number[]) => (values.length ? sum(values) / values.length : null);

/** Population standard deviation: defined for a single source (0), as the page's numbers are. */
function std(values: number[]) {
  const m = mean(values);
  return m === null ? null : Math.sqrt(sum(values.map((v) => (v - m) ** 2)) / values.length);
}

/**
 * The page's per-sector summary of sources, largest summed emission first. Unknown emissions
 * (no rate, or hidden from this caller) are left out of the sums, means and spreads, as SQL's
 * aggregates leave NULL out; a sector with none known sums to 0 and averages to null.
 */
export function sectorAggregates(sources: AggregatedSource[]) {
  const bySector = new Map<string, AggregatedSource[]>();
  for (const source of sources) bySector.set(source.row.sector, [...(bySector.get(source.row.sector) ?? []), source]);
  return [...bySector.entries()]
    .map(([sector, members]) => {
      const emissions = known(members.map((s) => s.figures.emission));
      const uncertainties = known(members.map((s) => s.figures.emission_uncertainty));
      return {
        persistence_avg: mean(members.map((s) => s.figures.persistence))!,
        emission_sum: sum(emissions),
        emission_uncertainty_sum: sum(uncertainties),
        emission_avg: mean(emissions),
        emission_uncertainty_avg: mean(uncertainties),
        emission_std: std(emissions),
        emission_uncertainty_std: std(uncertainties),
        plume_count: sum(members.map((s) => s.row.plume_count)),
        single_plume_count: members.filter((s) => s.row.plume_count === 1).length,
        sector,
      };
    })
    .sort((a, b) => b.emission_sum - a.emission_sum || a.sector.localeCompare(b.sector));
}
