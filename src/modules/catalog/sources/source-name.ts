/**
 * A source's name: `<gas>_<sector>_<eps>m_<longitude>_<latitude>`, coordinates to 5 decimals
 * (about a metre) — e.g. CH4_6A_100m_-74.00656_40.71283. Plumes without a sector are `NULL`.
 */
export interface SourceKey {
  gas: string;
  sector: string;
  eps: number;
  longitude: number;
  latitude: number;
}

const NAME = /^(CH4|CO2)_(1B2|6A|6B|4B|1B1a|1A1|other|NA|NULL)_(\d+)m_(-?\d+(?:\.\d+)?)_(-?\d+(?:\.\d+)?)$/;

export function sourceName(key: SourceKey): string {
  return `${key.gas}_${key.sector}_${key.eps}m_${key.longitude.toFixed(5)}_${key.latitude.toFixed(5)}`;
}

export function parseSourceName(name: string): SourceKey | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const key = { gas: m[1]!, sector: m[2]!, eps: Number(m[3]), longitude: Number(m[4]), latitude: Number(m[5]) };
  return Math.abs(key.longitude) <= 180 && Math.abs(key.latitude) <= 90 ? key : undefined;
}

/** The WGS 84 / UTM zone (EPSG 326xx north, 327xx south) in which distances are measured in metres. */
export function utmSrid(longitude: number, latitude: number): number {
  const zone = Math.min(60, Math.floor((longitude + 180) / 6) + 1);
  return (latitude >= 0 ? 32600 : 32700) + zone;
}

export interface DailyDetection {
  date: string;
  mean_emission: number | null;
  mean_uncertainty: number | null;
}

/**
 * Persistence = detection dates / observation dates; source emission = mean of the daily mean
 * detected rates × persistence; its uncertainty propagates the daily uncertainties as independent
 * errors of that mean (√Σu² / n) and scales by persistence too.
 */
export function sourceFigures(days: DailyDetection[], observationDates: number) {
  const detections = days.length;
  const persistence = observationDates > 0 ? detections / observationDates : 0;
  const rates = days.map((d) => d.mean_emission).filter((v): v is number => v !== null);
  const uncertainties = days.map((d) => d.mean_uncertainty).filter((v): v is number => v !== null);
  const meanRate = rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : null;
  const meanUncertainty = uncertainties.length ? Math.sqrt(uncertainties.reduce((a, u) => a + u * u, 0)) / uncertainties.length : null;
  return {
    persistence,
    mean_detected_rate: meanRate,
    emission: meanRate === null ? null : meanRate * persistence,
    emission_uncertainty: meanUncertainty === null ? null : meanUncertainty * persistence,
  };
}

/** Sums and counts of the known (non-null) values of a day, as SQL avg reads them. */
interface DayTotals {
  emissionSum: number;
  emissions: number;
  uncertaintySum: number;
  uncertainties: number;
}

const emptyTotals = (): DayTotals => ({ emissionSum: 0, emissions: 0, uncertaintySum: 0, uncertainties: 0 });

function add(totals: DayTotals, emission: number | null | undefined, uncertainty: number | null | undefined) {
  if (emission != null) {
    totals.emissionSum += Number(emission);
    totals.emissions += 1;
  }
  if (uncertainty != null) {
    totals.uncertaintySum += Number(uncertainty);
    totals.uncertainties += 1;
  }
}

const detection = (date: string, t: DayTotals): DailyDetection => ({
  date,
  mean_emission: t.emissions ? t.emissionSum / t.emissions : null,
  mean_uncertainty: t.uncertainties ? t.uncertaintySum / t.uncertainties : null,
});

/**
 * Per UTC date, the mean rate and mean uncertainty of the plumes detected that day (nulls ignored,
 * as SQL avg), each sum taken in the plumes' order. A source's plumes come in time order, so a day
 * is one run of the list: one pass, without a map of lists per day (a basin's 320 sources hold
 * ~46,000 plumes: ~14 ms and much of a request's garbage the other way). Days out of order are
 * grouped first.
 */
export function dailyDetections(days: string[], emissions: (number | null)[], uncertainties: (number | null)[]): DailyDetection[] {
  if (!ascending(days)) return dailyDetectionsUnsorted(days, emissions, uncertainties);
  const result: DailyDetection[] = [];
  let totals = emptyTotals();
  for (let i = 0; i < days.length; i += 1) {
    if (i > 0 && days[i] !== days[i - 1]) {
      result.push(detection(days[i - 1]!, totals));
      totals = emptyTotals();
    }
    add(totals, emissions[i], uncertainties[i]);
  }
  if (days.length) result.push(detection(days[days.length - 1]!, totals));
  return result;
}

function dailyDetectionsUnsorted(days: string[], emissions: (number | null)[], uncertainties: (number | null)[]): DailyDetection[] {
  const byDay = new Map<string, DayTotals>();
  days.forEach((day, i) => {
    const totals = byDay.get(day) ?? emptyTotals();
    add(totals, emissions[i], uncertainties[i]);
    byDay.set(day, totals);
  });
  // ISO dates: code-unit order is date order (localeCompare cost ~10× as much, per source).
  return [...byDay.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([date, totals]) => detection(date, totals));
}

function ascending(values: string[]): boolean {
  for (let i = 1; i < values.length; i += 1) if (values[i - 1]! > values[i]!) return false;
  return true;
}

const sorted = (values: string[]) => (ascending(values) ? values : [...values].sort());

/**
 * The dates in either list, once each, in order (observation dates: the scenes' and the
 * detections'). Both mostly come sorted (detections by day; a stored cluster's scene dates, or a
 * slice of them); a list that does not is sorted first. A merge, not a set and a sort: a basin's 320
 * sources hold ~100,000 dates, ~8 ms a request the other way.
 */
export function observationDatesOf(scenes: string[], detected: string[]): string[] {
  const [a, b] = [sorted(scenes), sorted(detected)];
  const dates: string[] = [];
  let [i, j] = [0, 0];
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (dates[dates.length - 1] !== next) dates.push(next);
  }
  return dates;
}
