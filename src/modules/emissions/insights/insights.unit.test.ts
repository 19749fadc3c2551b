import { describe, expect, it } from 'vitest';
import { anomalies, median, summarize, type Cell } from './insights.js';

const month = (m: number) => `2024-${String(m).padStart(2, '0')}`;

describe('insights arithmetic', () => {
  it('computes medians', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('flags a month by the modified z-score, with the numbers that triggered it', () => {
    // Monthly totals 100, 102, 98, 101, 99, 100, 400: median 100, MAD 1; z(400) = 0.6745 × 300 / 1 = 202.35.
    const cells: Cell[] = [100, 102, 98, 101, 99, 100, 400].map((kg, i) => ({ facility_id: 'f1', scope: 2, category: 'electricity', month: month(i + 1), kg }));
    expect(anomalies(cells)).toEqual([{ facility_id: 'f1', month: '2024-07', kg: 400, median_kg: 100, mad_kg: 1, modified_z: 202.35, threshold: 3.5 }]);
    expect(anomalies(cells.slice(0, 5))).toEqual([]);
    expect(anomalies(cells.map((c) => ({ ...c, kg: 5 })))).toEqual([]);
  });

  it('summarizes totals, year over year and top contributors from the same cells', () => {
    const cells: Cell[] = [
      { facility_id: 'a', scope: 1, category: 'fuel', month: '2024-01', kg: 300 },
      { facility_id: 'a', scope: 2, category: 'electricity', month: '2024-02', kg: 100 },
      { facility_id: 'b', scope: 2, category: 'electricity', month: '2024-02', kg: 50 },
      { facility_id: 'b', scope: 3, category: null, month: '2024-03', kg: 50 },
    ];
    const summary = summarize(2024, cells, 400);
    expect(summary).toMatchObject({
      total_kg: 500,
      by_scope: { '1': 300, '2': 150, '3': 50 },
      by_category: [{ category: 'fuel', kg: 300 }, { category: 'electricity', kg: 150 }, { category: 'uncategorised', kg: 50 }],
      by_facility: [{ facility_id: 'a', kg: 400 }, { facility_id: 'b', kg: 100 }],
      by_month: [{ month: '2024-01', kg: 300 }, { month: '2024-02', kg: 150 }, { month: '2024-03', kg: 50 }],
      year_over_year: { previous_year_kg: 400, change_kg: 100, change_pct: 25 },
    });
    expect(summary.top_contributors[0]).toEqual({ facility_id: 'a', category: 'fuel', kg: 300, share_pct: 60 });
    expect(summarize(2024, [], 0).year_over_year.change_pct).toBeNull();
  });
});
