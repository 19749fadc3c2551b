import { useMemo } from 'preact/hooks';
import { usePlace } from '../../router.js';
import { Chart, barPaths, fitAxisSize } from '../../ui/chart.js';
import { Card, Empty, ErrorNote, Loading } from '../../ui/notices.js';
import { useAsync } from '../../ui/use-async.js';
import { allFacilities, insights, latestYearWithRecords, type Insights } from './api.js';
import { anomalyText, categoryLabel, facilityNamer, formatKg, monthLabel, scopeMonthTable, stacked, yearOverYearText, type ScopeMonthTable } from './shape.js';

const SCOPE_COLOURS = { 1: '#0b6e4f', 2: '#3d8fd1', 3: '#d98f2b' } as const;
const SCOPE_NAMES = { 1: 'Scope 1 (direct)', 2: 'Scope 2 (purchased energy)', 3: 'Scope 3 (value chain)' } as const;

interface Overview {
  year: number;
  all: Insights;
  table: ScopeMonthTable;
}

/** The year's figures: one insights call for everything, one per scope for the monthly split. */
async function loadOverview(requestedYear: number | null, signal: AbortSignal): Promise<Overview> {
  const { year, all } = requestedYear === null ? await latestYearWithRecords(signal) : { year: requestedYear, all: await insights(requestedYear, signal) };
  const [one, two, three] = await Promise.all([insights(year, signal, 1), insights(year, signal, 2), insights(year, signal, 3)]);
  return { year, all, table: scopeMonthTable(year, { 1: one.by_month, 2: two.by_month, 3: three.by_month }) };
}

function yearOf(query: URLSearchParams): number | null {
  const year = Number(query.get('year'));
  return Number.isInteger(year) && year >= 1990 && year <= 2100 ? year : null;
}

export function OverviewPanel({ onYear }: { onYear: (year: number) => void }) {
  const { query } = usePlace();
  const requested = yearOf(query);
  const overview = useAsync((signal) => loadOverview(requested, signal), [requested]);
  const facilities = useAsync((signal) => allFacilities(signal), []);
  const name = useMemo(() => facilityNamer(facilities.data ?? []), [facilities.data]);
  const shownYear = overview.data?.year ?? requested ?? new Date().getUTCFullYear();
  const years = Array.from({ length: 6 }, (_, i) => new Date().getUTCFullYear() - i);

  return (
    <>
      <div class="toolbar">
        <label>
          Year{' '}
          <select value={String(shownYear)} onChange={(event) => onYear(Number((event.target as HTMLSelectElement).value))} data-testid="year">
            {[...new Set([shownYear, ...years])].sort((a, b) => b - a).map((year) => (
              <option key={year} value={year}>
                {year}
              </option>
            ))}
          </select>
        </label>
      </div>
      {overview.error && <ErrorNote message={overview.error} retry={overview.reload} />}
      {!overview.data && overview.loading && <Loading what="Loading the year’s emissions" />}
      {overview.data && overview.data.all.total_kg === 0 && (
        <Empty>
          No emission records in {overview.data.year}. Add consumption to a facility (Facilities) or send records to <code>POST /v2/emissions</code>.
        </Empty>
      )}
      {overview.data && overview.data.all.total_kg > 0 && <OverviewBody overview={overview.data} name={name} />}
    </>
  );
}

function OverviewBody({ overview, name }: { overview: Overview; name: (id: string) => string }) {
  const { all, table, year } = overview;
  return (
    <div class="grid">
      <section class="figures" aria-label="Totals">
        <div class="figure" data-testid="total">
          <span class="figure-label">Total {year}</span>
          <strong>{formatKg(all.total_kg)}</strong>
          <span class="hint">{yearOverYearText(year, all.year_over_year)}</span>
        </div>
        {([1, 2, 3] as const).map((scope) => (
          <div class="figure" key={scope}>
            <span class="figure-label">
              <span class="swatch" style={{ background: SCOPE_COLOURS[scope] }} aria-hidden="true" />
              {SCOPE_NAMES[scope]}
            </span>
            <strong>{formatKg(all.by_scope[String(scope) as '1' | '2' | '3'])}</strong>
          </div>
        ))}
      </section>
      <Card title={`By scope and month, ${year}`}>
        <ScopeMonthChart table={table} />
        <MonthTable table={table} />
      </Card>
      <Card title="Top contributors">
        <TopContributors rows={all.top_contributors} name={name} />
      </Card>
      <Card title="Anomalies">
        <Anomalies anomalies={all.anomalies} name={name} />
      </Card>
      <Card title="By category">
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Category</th>
              <th scope="col" class="num">CO₂e</th>
            </tr>
          </thead>
          <tbody>
            {all.by_category.map((row) => (
              <tr key={row.category}>
                <td>{categoryLabel(row.category)}</td>
                <td class="num">{formatKg(row.kg)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </div>
  );
}

/** Stacked monthly bars: the tallest (all scopes) drawn first, each lower stack over it. */
function ScopeMonthChart({ table }: { table: ScopeMonthTable }) {
  const stack = stacked(table);
  const data = useMemo(() => [table.months.map((_, i) => i), stack[3], stack[2], stack[1]] as [number[], number[], number[], number[]], [table]);
  const options = {
    legend: { show: true },
    scales: { x: { time: false, range: [-0.5, 11.5] as [number, number] }, y: { range: (_: unknown, _min: number, max: number) => [0, max * 1.05] as [number, number] } },
    axes: [
      { values: (_: unknown, ticks: number[]) => ticks.map((tick) => (Number.isInteger(tick) && table.months[tick] ? monthLabel(table.months[tick]!).slice(0, 3) : '')), splits: () => table.months.map((_, i) => i) },
      { values: (_: unknown, ticks: number[]) => ticks.map((tick) => (tick >= 1000 ? `${Math.round(tick / 100) / 10} t` : `${tick} kg`)), size: fitAxisSize },
    ],
    series: [
      { label: 'Month', value: (_: unknown, i: number | null) => (i === null || !table.months[i] ? '' : monthLabel(table.months[i]!)) },
      ...([3, 2, 1] as const).map((scope) => ({
        label: `Scope ${scope}`,
        fill: SCOPE_COLOURS[scope],
        stroke: SCOPE_COLOURS[scope],
        paths: barPaths,
        points: { show: false },
        // The legend shows the scope's own figure, not the stacked height.
        value: (_: unknown, __: number | null, ___: number, index: number | null) => (index === null ? '' : formatKg(table.byScope[scope][index] ?? 0)),
      })),
    ],
  };
  return <Chart label={`Emissions by scope and month; the figures are in the table below.`} data={data} options={options as never} height={240} />;
}

function MonthTable({ table }: { table: ScopeMonthTable }) {
  return (
    <details class="more">
      <summary>The figures by month</summary>
      <div class="table-scroll">
        <table class="table" data-testid="month-table">
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col" class="num">Scope 1</th>
              <th scope="col" class="num">Scope 2</th>
              <th scope="col" class="num">Scope 3</th>
              <th scope="col" class="num">Total</th>
            </tr>
          </thead>
          <tbody>
            {table.months.map((month, i) => (
              <tr key={month}>
                <th scope="row">{monthLabel(month)}</th>
                <td class="num">{formatKg(table.byScope[1][i]!)}</td>
                <td class="num">{formatKg(table.byScope[2][i]!)}</td>
                <td class="num">{formatKg(table.byScope[3][i]!)}</td>
                <td class="num">{formatKg(table.totals[i]!)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function TopContributors({ rows, name }: { rows: Insights['top_contributors']; name: (id: string) => string }) {
  if (rows.length === 0) return <Empty>No contributors this year.</Empty>;
  return (
    <table class="table" data-testid="top-contributors">
      <thead>
        <tr>
          <th scope="col">Facility</th>
          <th scope="col">Category</th>
          <th scope="col" class="num">CO₂e</th>
          <th scope="col" class="num">Share</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={`${row.facility_id}:${row.category ?? ''}`}>
            <td>{name(row.facility_id)}</td>
            <td>{categoryLabel(row.category)}</td>
            <td class="num">{formatKg(row.kg)}</td>
            <td class="num">
              <span class="share" style={{ '--share': `${Math.min(100, row.share_pct)}%` }}>{row.share_pct.toFixed(1)} %</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Anomalies({ anomalies, name }: { anomalies: Insights['anomalies']; name: (id: string) => string }) {
  if (anomalies.length === 0)
    return <Empty>No month stands out: every facility’s months are within 3.5 modified z-scores of its median (facilities with fewer than 6 months are not scored).</Empty>;
  return (
    <ul class="list" data-testid="anomalies">
      {anomalies.map((anomaly) => (
        <li key={`${anomaly.facility_id}:${anomaly.month}`}>
          <strong>{name(anomaly.facility_id)}</strong> — {anomalyText(anomaly)}
        </li>
      ))}
    </ul>
  );
}
