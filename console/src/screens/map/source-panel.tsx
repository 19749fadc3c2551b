import type { AlignedData } from 'uplot';
import { api, dataOf, download } from '../../api/client.js';
import { Chart, compactTicks, fitAxisSize } from '../../ui/chart.js';
import { formatNumber, withUncertainty } from '../../ui/format.js';
import { ErrorNote, Loading } from '../../ui/notices.js';
import { useAsync } from '../../ui/use-async.js';
import { sectorName } from './filters.js';
import { DownloadButton } from './plume-panel.js';
import type { SourceObject } from './types.js';

/** `name` is a source name, or `plume:<uuid>` for the source a plume belongs to. */
export function SourcePanel({ name, eps, onClose, onPlume }: { name: string; eps?: string | undefined; onClose(): void; onPlume(id: string): void }) {
  const source = useAsync(
    (signal) => {
      const query = { explain: true, eps: eps ? Number(eps) : undefined };
      return name.startsWith('plume:')
        ? dataOf(api.GET('/api/v1/catalog/source/plume/{plume_uuid}', { params: { path: { plume_uuid: name.slice(6) }, query }, signal }))
        : dataOf(api.GET('/api/v1/catalog/source/{source_name}', { params: { path: { source_name: name }, query }, signal }));
    },
    [name, eps],
  );
  return (
    <aside class="panel" aria-label="Source" data-testid="source-panel">
      <header class="panel-header">
        <h2>Source</h2>
        <button type="button" class="close" onClick={onClose} aria-label="Close the source panel">
          ×
        </button>
      </header>
      {source.loading && !source.data && <Loading what="Loading the source" />}
      {source.error && <ErrorNote message={source.error} retry={source.reload} />}
      {source.data && <SourceDetails source={source.data} onPlume={onPlume} />}
    </aside>
  );
}

function SourceDetails({ source, onPlume }: { source: SourceObject; onPlume(id: string): void }) {
  const figures = source.source;
  const details = source.explanation?.calculation_details ?? {};
  return (
    <div class="panel-body">
      <p class="source-name">{source.source_name}</p>
      <p class="figure" data-testid="source-emission">
        {withUncertainty(figures.emission_auto, figures.emission_uncertainty_auto, `kg/h ${figures.gas}`)}
      </p>
      <dl class="facts">
        <dt>Sector</dt>
        <dd>{sectorName(figures.sector)}</dd>
        <dt>Persistence</dt>
        <dd>
          {formatNumber(figures.persistence * 100, 'whole')} % ({figures.detection_date_count} of {figures.observation_date_count} observed days)
        </dd>
        <dt>Plumes</dt>
        <dd>{figures.plume_count}</dd>
      </dl>
      <TimeSeries source={source} />
      <details class="explain">
        <summary>How these figures are computed</summary>
        <ul>
          {Object.entries(details).map(([key, value]) => (
            <li key={key}>
              <strong>{key.replaceAll('_', ' ')}</strong>: {typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value)}
            </li>
          ))}
        </ul>
      </details>
      <h3>Plumes of this source</h3>
      <ul class="plume-list">
        {source.plumes.slice(-20).reverse().map((plume) => (
          <li key={plume.id}>
            <button type="button" class="button-link" onClick={() => onPlume(plume.id)}>
              {plume.plume_id}
            </button>{' '}
            {withUncertainty(plume.emission_auto, plume.emission_uncertainty_auto, 'kg/h')}
          </li>
        ))}
      </ul>
      <div class="actions">
        <DownloadButton label="source CSV" run={() => download(api.GET('/api/v1/catalog/source-plumes-csv/{source_name}', { params: { path: { source_name: source.source_name } }, parseAs: 'blob' }), `${source.source_name}.csv`)} />
      </div>
    </div>
  );
}

/** Observation days (at zero) and detections with their rates, on one time axis. */
function TimeSeries({ source }: { source: SourceObject }) {
  const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  const times = new Map<number, { observed: number | null; rate: number | null }>();
  for (const date of source.observation_dates) times.set(seconds(date), { observed: 0, rate: null });
  for (const plume of source.plumes) {
    const at = seconds(plume.scene_timestamp);
    times.set(at, { observed: times.get(at)?.observed ?? null, rate: plume.emission_auto });
  }
  const xs = [...times.keys()].sort((a, b) => a - b);
  const data: AlignedData = [xs, xs.map((x) => times.get(x)!.observed), xs.map((x) => times.get(x)!.rate)];
  return (
    <Chart
      label={`Observations and detections of ${source.source_name}: ${source.observation_dates.length} observed days, ${source.plumes.length} plumes`}
      data={data}
      height={160}
      options={{
        legend: { show: true },
        scales: { x: { time: true } },
        axes: [{}, { label: 'kg/h', values: compactTicks, size: fitAxisSize }],
        series: [
          {},
          { label: 'Observed', stroke: '#8c8777', paths: () => null, points: { show: true, size: 5, fill: '#8c8777' } },
          { label: 'Detected (kg/h)', stroke: '#b12a90', paths: () => null, points: { show: true, size: 7, fill: '#b12a90' } },
        ],
      }}
    />
  );
}
