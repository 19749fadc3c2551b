import { describe, expect, it } from 'vitest';
import { filterParams, filterProblem, readFilter, recordsQuery } from './records-filter.js';

describe('records filter', () => {
  it('reads the URL, dropping what the API would refuse', () => {
    const filter = readFilter(new URLSearchParams('start_date=2024-01-01&end_date=bad&scope=3,1,4,1&facility_id=%20fac_1%20&include_voided=true'));
    expect(filter).toEqual({ start_date: '2024-01-01', scopes: [1, 3], facility_id: 'fac_1', include_voided: true });
  });

  it('writes it back; all three scopes is no scope filter', () => {
    expect(filterParams({ scopes: [1, 2, 3], include_voided: false }).toString()).toBe('');
    expect(filterParams({ scopes: [2], category: 'electricity', include_voided: false }).toString()).toBe('scope=2&category=electricity');
    const round = readFilter(filterParams({ start_date: '2024-02-01', end_date: '2024-02-29', scopes: [1, 2], include_voided: true }));
    expect(round).toEqual({ start_date: '2024-02-01', end_date: '2024-02-29', scopes: [1, 2], include_voided: true });
  });

  it('builds the page request with a bounded limit and the cursor', () => {
    expect(recordsQuery({ scopes: [1], include_voided: false }, 50, 'abc.def')).toEqual({ scope: '1', limit: 50, cursor: 'abc.def' });
    expect(recordsQuery({ scopes: [], include_voided: false }, 9999)).toEqual({ limit: 500 });
  });

  it('catches a reversed period before asking', () => {
    expect(filterProblem({ start_date: '2024-03-01', end_date: '2024-02-01', scopes: [], include_voided: false })).toMatch(/after/);
    expect(filterProblem({ start_date: '2024-01-01', end_date: '2024-02-01', scopes: [], include_voided: false })).toBeNull();
  });
});
