/**
 * GADM composite ids for the shipped US boundaries. GADM numbers a country's first-level units by
 * name in alphabetical order and its second-level units alphabetically within their parent, and
 * ends every id below the country with `_1` (the GADM version suffix): Texas is `USA.44_1`, its
 * first county (Anderson) `USA.44.1_1`. The 50 states and the District of Columbia (9th) are
 * numbered; the territories are countries of their own in GADM (PRI, GUM, …) as in Natural Earth.
 * Counties with the same name in one state (Virginia's "Fairfax" county and city) are ordered by
 * their FIPS code.
 */
export interface NamedUnit {
  /** FIPS code: 2 digits for a state, 5 for a county. */
  fips: string;
  name: string;
}

const STATE_FIPS_MAX = 56;

const byName = (a: NamedUnit, b: NamedUnit) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.fips < b.fips ? -1 : a.fips > b.fips ? 1 : 0);

/** Whether a state FIPS code is one of the 50 states or DC (the territories are 60 and above). */
export function isStateOrDc(fips: string): boolean {
  return Number(fips) <= STATE_FIPS_MAX;
}

/** State FIPS → GADM id (`USA.<n>_1`), territories left out. */
export function stateIds(states: NamedUnit[]): Map<string, string> {
  const numbered = states.filter((state) => isStateOrDc(state.fips)).sort(byName);
  return new Map(numbered.map((state, index) => [state.fips, `USA.${index + 1}_1`]));
}

/** County FIPS → GADM id (`USA.<state>.<n>_1`), numbered by name within their state; counties of unnumbered states left out. */
export function countyIds(counties: NamedUnit[], states: Map<string, string>): Map<string, string> {
  const ids = new Map<string, string>();
  const byState = new Map<string, NamedUnit[]>();
  for (const county of counties) {
    const state = county.fips.slice(0, 2);
    if (!states.has(state)) continue;
    byState.set(state, [...(byState.get(state) ?? []), county]);
  }
  for (const [state, members] of byState) {
    const stateNumber = states.get(state)!.slice('USA.'.length, -'_1'.length);
    members.sort(byName).forEach((county, index) => ids.set(county.fips, `USA.${stateNumber}.${index + 1}_1`));
  }
  return ids;
}
