import type { AlignedData } from 'uplot';
import { api, dataOf, download } from '../../api/client.js';
import { barPaths, Chart, compactTicks, fitAxisSize } from '../../ui/chart.js';
import { formatNumber } from '../../ui/format.js';
import { ErrorNote } from '../../ui/notices.js';
import { useAsync } from '../../ui/use-async.js';
import { plumeQuery, sceneQuery, sectorName, sourceQuery, type Filters } from './filters.js';
import { DownloadButton } from './plume-panel.js';

/** A box, an administrative area or an AOI chosen: the totals are the area's, wherever the map looks. */
const hasArea = (filters: Filters) => Boolean(filters.bbox || filters.area || filters.aoi);

/** The filters with the view's box, unless the person chose an area of their own. */
function inView(filters: Filters, bounds: number[] | null): Filters {
  if (hasArea(filters) || !bounds) return filters;
  const clamp = (value: number, limit: number) => Math.max(-limit, Math.min(limit, value));
  const [west, south, east, north] = bounds as [number, number, number, number];
  const box = [clamp(west, 180), clamp(south, 90), clamp(east, 180), clamp(north, 90)].map((value) => value.toFixed(4));
  return { ...filters, bbox: box.join(',') };
}

/** Totals for what the map shows (or the chosen area): plumes, sources, emission ± uncertainty, by sector; and downloads of the selection. */
export function SummaryBar({ filters, bounds, sourcesInView }: { filters: Filters; bounds: number[] | null; sourcesInView: number | null }) {
  const view = inView(filters, bounds);
  const key = JSON.stringify(view);
  // Until the map knows its view there is nothing "in view" to count: a count of everything would
  // flash first (and its queries would queue ahead of the first plume tiles on the embedded database).
  const hasView = hasArea(view);
  const plumes = useAsync((signal) => (hasView ? dataOf(api.GET('/api/v1/catalog/plumes/annotated', { params: { query: { ...plumeQuery(view), limit: 1 } }, signal })) : Promise.resolve(null)), [key]);
  const sectors = useAsync((signal) => (hasView ? dataOf(api.GET('/api/v1/catalog/sources/aggregate', { params: { query: sourceQuery(view) }, signal })) : Promise.resolve(null)), [key]);
  const rows = sectors.data ?? [];
  const total = rows.reduce((sum, row) => sum + row.emission_sum, 0);
  const uncertainty = rows.reduce((sum, row) => sum + row.emission_uncertainty_sum, 0);
  const data: AlignedData = [rows.map((_row, index) => index), rows.map((row) => row.emission_sum)];
  const stamp = new Date().toISOString().slice(0, 10);
  return (
    <section class="summary" aria-label="Summary of the view" aria-busy={plumes.loading || sectors.loading}>
      {(plumes.error || sectors.error) && <ErrorNote message={(plumes.error ?? sectors.error)!} retry={() => (plumes.reload(), sectors.reload())} />}
      <div class="summary-figures">
        <div>
          <span class="label">{hasArea(filters) ? 'Plumes in the area' : 'Plumes in view'}</span>
          <span class="value" data-testid="plume-count">
            {plumes.data ? formatNumber(plumes.data.bbox_count, 'whole') : '…'}
          </span>
        </div>
        <div>
          <span class="label">Sources in view</span>
          <span class="value" data-testid="source-count">
            {sourcesInView === null ? '…' : formatNumber(sourcesInView, 'whole')}
          </span>
        </div>
        <div>
          <span class="label">Point-source emission</span>
          <span class="value" data-testid="total-emission">
            {sectors.data ? `${formatNumber(total, 'whole')} ± ${formatNumber(uncertainty, 'whole')} kg/h` : '…'}
          </span>
        </div>
      </div>
      {rows.length > 0 && (
        <Chart
          label={`Emission by sector: ${rows.map((row) => `${sectorName(row.sector)} ${formatNumber(row.emission_sum, 'whole')} kg/h`).join('; ')}`}
          data={data}
          height={130}
          options={{
            legend: { show: false },
            scales: { x: { time: false, range: [-0.5, rows.length - 0.5] } },
            axes: [{ values: (_plot, ticks) => ticks.map((tick) => rows[tick]?.sector ?? ''), splits: () => rows.map((_row, index) => index) }, { values: compactTicks, size: fitAxisSize }],
            series: [{}, { label: 'kg/h', fill: '#0b6e4f', stroke: '#0b6e4f', paths: barPaths, points: { show: false } }],
          }}
        />
      )}
      {sectors.data && rows.length === 0 && <p class="hint">No source with a known emission in this view.</p>}
      <div class="actions" aria-label="Download the selection">
        <DownloadButton label="plumes CSV" run={() => download(api.GET('/api/v1/catalog/plume-csv', { params: { query: plumeQuery(view) }, parseAs: 'blob' }), `plumes-${stamp}.csv`)} />
        <DownloadButton label="sources GeoJSON" run={() => download(api.GET('/api/v1/catalog/sources.geojson', { params: { query: sourceQuery(view) }, parseAs: 'blob' }), `sources-${stamp}.geojson`)} />
        <DownloadButton label="scenes GeoPackage" run={() => download(api.GET('/api/v1/catalog/download/scenes.gpkg', { params: { query: sceneQuery(view) }, parseAs: 'blob' }), `scenes-${stamp}.gpkg`)} />
      </div>
    </section>
  );
}
