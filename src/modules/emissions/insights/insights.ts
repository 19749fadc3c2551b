import { toGram } from '../quantities.js';

/** Monthly totals of one facility, scope and category: what every insight is computed from. */
export interface Cell {
  facility_id: string;
  scope: number;
  category: string | null;
  month: string; // YYYY-MM
  kg: number;
}

function sumBy<K extends string | number>(cells: readonly Cell[], key: (cell: Cell) => K) {
  const sums = new Map<K, number>();
  for (const cell of cells) sums.set(key(cell), (sums.get(key(cell)) ?? 0) + cell.kg);
  return sums;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Iglewicz and Hoaglin's modified z-score threshold: |0.6745 (x − median) / MAD| > 3.5. */
export const ANOMALY_THRESHOLD = 3.5;

export interface Anomaly {
  facility_id: string;
  month: string;
  kg: number;
  median_kg: number;
  mad_kg: number;
  modified_z: number;
  threshold: number;
}

/**
 * Months whose total stands out from the facility's other months by the modified z-score (median
 * and median absolute deviation: robust to the outliers it looks for). Needs at least 6 months;
 * a facility whose MAD is 0 (most months identical) is skipped rather than flagging every change.
 */
export function anomalies(cells: readonly Cell[]): Anomaly[] {
  const byFacility = new Map<string, Map<string, number>>();
  for (const cell of cells) {
    const months = byFacility.get(cell.facility_id) ?? new Map<string, number>();
    months.set(cell.month, (months.get(cell.month) ?? 0) + cell.kg);
    byFacility.set(cell.facility_id, months);
  }
  const found: Anomaly[] = [];
  for (const [facility_id, months] of [...byFacility].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const values = [...months.values()];
    if (values.length < 6) continue;
    const center = median(values);
    const mad = median(values.map((v) => Math.abs(v - center)));
    if (mad === 0) continue;
    for (const [month, kg] of [...months].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const score = (0.6745 * (kg - center)) / mad;
      if (Math.abs(score) > ANOMALY_THRESHOLD) {
        found.push({ facility_id, month, kg: toGram(kg), median_kg: toGram(center), mad_kg: toGram(mad), modified_z: Math.round(score * 100) / 100, threshold: ANOMALY_THRESHOLD });
      }
    }
  }
  return found;
}

/** Every figure is a sum of the records' `value`s, so anyone can recompute it from /v2/emissions. */
export function summarize(year: number, cells: readonly Cell[], previousYearKg: number) {
  const total = cells.reduce((sum, cell) => sum + cell.kg, 0);
  const byScope = sumBy(cells, (c) => c.scope);
  const sorted = <K>(sums: Map<K, number>) => [...sums].sort((a, b) => b[1] - a[1] || (String(a[0]) < String(b[0]) ? -1 : 1));
  const contributors = sorted(sumBy(cells, (c) => `${c.facility_id}\u0000${c.category ?? ''}`)).slice(0, 5);
  return {
    year,
    total_kg: toGram(total),
    by_scope: { '1': toGram(byScope.get(1) ?? 0), '2': toGram(byScope.get(2) ?? 0), '3': toGram(byScope.get(3) ?? 0) },
    by_category: sorted(sumBy(cells, (c) => c.category ?? 'uncategorised')).map(([category, kg]) => ({ category, kg: toGram(kg) })),
    by_facility: sorted(sumBy(cells, (c) => c.facility_id)).map(([facility_id, kg]) => ({ facility_id, kg: toGram(kg) })),
    by_month: [...sumBy(cells, (c) => c.month)].sort(([a], [b]) => (a < b ? -1 : 1)).map(([month, kg]) => ({ month, kg: toGram(kg) })),
    year_over_year: {
      previous_year_kg: toGram(previousYearKg),
      change_kg: toGram(total - previousYearKg),
      change_pct: previousYearKg > 0 ? Math.round(((total - previousYearKg) / previousYearKg) * 10000) / 100 : null,
    },
    top_contributors: contributors.map(([key, kg]) => {
      const [facility_id, category] = key.split('\u0000');
      return { facility_id: facility_id!, category: category || null, kg: toGram(kg), share_pct: total > 0 ? Math.round((kg / total) * 10000) / 100 : 0 };
    }),
    anomalies: anomalies(cells),
  };
}
