import { useEffect, useMemo, useState } from 'preact/hooks';
import { setQuery, usePlace } from '../../router.js';
import { formatDateTime } from '../../ui/format.js';
import { Empty, ErrorNote, Loading } from '../../ui/notices.js';
import { describe, useAsync } from '../../ui/use-async.js';
import { allFacilities, recordsPage, type EmissionRecord } from './api.js';
import { filterParams, filterProblem, readFilter, recordsQuery, type RecordsFilter } from './records-filter.js';
import { categoryLabel, facilityNamer, formatKg } from './shape.js';

const PAGE = 50;

/** `/v2/emissions` with its filters, kept in the address so a filtered list can be shared. */
export function RecordsPanel() {
  const { query } = usePlace();
  const filter = readFilter(query);
  const key = filterParams(filter).toString();
  const problem = filterProblem(filter);
  const facilities = useAsync((signal) => allFacilities(signal), []);
  const name = useMemo(() => facilityNamer(facilities.data ?? []), [facilities.data]);
  const first = useAsync(async (signal) => (problem ? null : recordsPage(recordsQuery(filter, PAGE), signal)), [key]);
  const [more, setMore] = useState<{ rows: EmissionRecord[]; cursor: string | null; error: string | null; loading: boolean }>({ rows: [], cursor: null, error: null, loading: false });
  useEffect(() => setMore({ rows: [], cursor: first.data?.pagination.has_more ? first.data.pagination.next_cursor : null, error: null, loading: false }), [first.data]);

  const loadMore = async () => {
    if (!more.cursor) return;
    setMore({ ...more, loading: true, error: null });
    try {
      const page = await recordsPage(recordsQuery(filter, PAGE, more.cursor));
      setMore({ rows: [...more.rows, ...page.data], cursor: page.pagination.has_more ? page.pagination.next_cursor : null, error: null, loading: false });
    } catch (error) {
      setMore({ ...more, loading: false, error: describe(error) });
    }
  };

  const rows = [...(first.data?.data ?? []), ...more.rows];
  return (
    <>
      <Filters filter={filter} facilities={facilities.data ?? []} />
      {problem && <ErrorNote message={problem} />}
      {first.error && <ErrorNote message={first.error} retry={first.reload} />}
      {first.loading && !first.data && <Loading what="Loading records" />}
      {first.data && rows.length === 0 && <Empty>No records match these filters.</Empty>}
      {rows.length > 0 && (
        <div class="table-scroll card">
          <table class="table" data-testid="records">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Facility</th>
                <th scope="col">Scope</th>
                <th scope="col">Category</th>
                <th scope="col" class="num">CO₂e</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((record) => (
                <tr key={record.id} class={record.voided ? 'voided' : undefined}>
                  <td>{formatDateTime(record.timestamp).slice(0, 10)}</td>
                  <td>{name(record.facility_id)}</td>
                  <td>{record.scope}</td>
                  <td>{categoryLabel(record.category)}</td>
                  <td class="num">
                    {formatKg(record.value)}
                    {record.voided && <span class="badge"> voided: {record.void_reason}</span>}
                  </td>
                  <td>{record.source === 'calculated' && record.factor ? `calculated · ${record.factor.id} v${record.factor.version}` : 'reported'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more.error && <ErrorNote message={more.error} retry={loadMore} />}
      {more.cursor && (
        <div class="toolbar">
          <button type="button" onClick={loadMore} disabled={more.loading}>
            {more.loading ? 'Loading…' : `Load ${PAGE} more`}
          </button>
        </div>
      )}
    </>
  );
}

function Filters({ filter, facilities }: { filter: RecordsFilter; facilities: { id: string; name: string }[] }) {
  const update = (patch: Partial<RecordsFilter>) => {
    const params = filterParams({ ...filter, ...patch });
    setQuery(Object.fromEntries(['start_date', 'end_date', 'scope', 'facility_id', 'category', 'include_voided'].map((name) => [name, params.get(name)])));
  };
  // No scope filter means all three: unticking one keeps the other two.
  const shownScopes = filter.scopes.length === 0 ? [1, 2, 3] : filter.scopes;
  const toggleScope = (scope: number, on: boolean) => update({ scopes: on ? [...shownScopes, scope].sort() : shownScopes.filter((s) => s !== scope) });
  return (
    <form class="filters" onSubmit={(event) => event.preventDefault()} aria-label="Filter records">
      <label>
        From <input type="date" value={filter.start_date ?? ''} onChange={(e) => update({ start_date: (e.target as HTMLInputElement).value || undefined })} />
      </label>
      <label>
        To <input type="date" value={filter.end_date ?? ''} onChange={(e) => update({ end_date: (e.target as HTMLInputElement).value || undefined })} />
      </label>
      <fieldset class="inline">
        <legend>Scopes</legend>
        {[1, 2, 3].map((scope) => (
          <label key={scope}>
            <input type="checkbox" checked={shownScopes.includes(scope)} onChange={(e) => toggleScope(scope, (e.target as HTMLInputElement).checked)} /> {scope}
          </label>
        ))}
      </fieldset>
      <label>
        Facility{' '}
        <select value={filter.facility_id ?? ''} onChange={(e) => update({ facility_id: (e.target as HTMLSelectElement).value || undefined })}>
          <option value="">All</option>
          {facilities.map((facility) => (
            <option key={facility.id} value={facility.id}>
              {facility.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Category{' '}
        <input
          type="search"
          placeholder="e.g. electricity"
          value={filter.category ?? ''}
          onChange={(e) => update({ category: (e.target as HTMLInputElement).value.trim() || undefined })}
        />
      </label>
      <label>
        <input type="checkbox" checked={filter.include_voided} onChange={(e) => update({ include_voided: (e.target as HTMLInputElement).checked })} /> Show voided
      </label>
    </form>
  );
}
