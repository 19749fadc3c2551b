import { describe, expect, it } from 'vitest';
import { anomalyText, categoryLabel, facilityNamer, formatKg, monthLabel, monthsOf, scopeMonthTable, stacked, yearOverYearText } from './shape.js';

describe('scopeMonthTable', () => {
  it('aligns each scope on twelve months, absent months at 0, with totals', () => {
    const table = scopeMonthTable(2024, {
      1: [{ month: '2024-01', kg: 10 }, { month: '2024-03', kg: 5 }],
      2: [{ month: '2024-01', kg: 1 }],
      3: [],
    });
    expect(table.months).toHaveLength(12);
    expect(table.months[0]).toBe('2024-01');
    expect(table.months[11]).toBe('2024-12');
    expect(table.x[0]).toBe(Date.UTC(2024, 0, 1) / 1000);
    expect(table.byScope[1].slice(0, 3)).toEqual([10, 0, 5]);
    expect(table.byScope[3]).toEqual(Array(12).fill(0));
    expect(table.totals.slice(0, 3)).toEqual([11, 0, 5]);
  });

  it('ignores months of another year and a scope that was not asked', () => {
    const table = scopeMonthTable(2024, { 2: [{ month: '2023-12', kg: 99 }] });
    expect(table.byScope[2]).toEqual(Array(12).fill(0));
    expect(table.byScope[1]).toEqual(Array(12).fill(0));
  });

  it('stacks scope 2 on 1 and 3 on both', () => {
    const table = scopeMonthTable(2024, { 1: [{ month: '2024-02', kg: 1 }], 2: [{ month: '2024-02', kg: 2 }], 3: [{ month: '2024-02', kg: 3 }] });
    const stack = stacked(table);
    expect([stack[1][1], stack[2][1], stack[3][1]]).toEqual([1, 3, 6]);
  });
});

describe('words and numbers', () => {
  it('formats kg, tonnes and kilotonnes', () => {
    expect(formatKg(5.123)).toBe('5.12 kg CO₂e');
    expect(formatKg(999)).toBe('999 kg CO₂e');
    expect(formatKg(1500)).toBe('1.5 t CO₂e');
    expect(formatKg(123_456)).toBe('123.5 t CO₂e');
    expect(formatKg(2_345_678)).toBe('2.3 kt CO₂e');
    expect(formatKg(Number.NaN)).toBe('—');
  });

  it('says the year over year change in words', () => {
    expect(yearOverYearText(2024, { previous_year_kg: 0, change_kg: 10, change_pct: null })).toBe('No records in 2023 to compare with.');
    expect(yearOverYearText(2024, { previous_year_kg: 1000, change_kg: 125, change_pct: 12.5 })).toBe('Up 12.5 % on 2023 (+125 kg CO₂e)');
    expect(yearOverYearText(2024, { previous_year_kg: 4000, change_kg: -2000, change_pct: -50 })).toBe('Down 50 % on 2023 (−2 t CO₂e)');
    expect(yearOverYearText(2024, { previous_year_kg: 4000, change_kg: 0, change_pct: 0 })).toBe('Unchanged from 2023.');
  });

  it('labels months, categories and facilities', () => {
    expect(monthsOf(2024)).toHaveLength(12);
    expect(monthLabel('2024-10')).toBe('Oct 2024');
    expect(categoryLabel('business_travel')).toBe('Business travel');
    expect(categoryLabel(null)).toBe('Uncategorised');
    const name = facilityNamer([{ id: 'a', name: 'Lyon Factory' }]);
    expect(name('a')).toBe('Lyon Factory');
    expect(name('fac_x')).toBe('fac_x');
  });

  it('explains an anomaly with the figures that flagged it', () => {
    const text = anomalyText({ facility_id: 'f', month: '2024-10', kg: 4950, median_kg: 1100, mad_kg: 30, modified_z: 86.6, threshold: 3.5 });
    expect(text).toBe('Oct 2024: 4.95 t CO₂e against a median of 1.1 t CO₂e (4.5× the median month); modified z-score 86.6 > 3.5.');
  });
});
