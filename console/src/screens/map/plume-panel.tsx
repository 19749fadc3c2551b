import { api, dataOf, download, urlOf } from '../../api/client.js';
import { formatDateTime, formatNumber, withUncertainty } from '../../ui/format.js';
import { ErrorNote, Loading } from '../../ui/notices.js';
import { describe, useAsync } from '../../ui/use-async.js';
import { sectorName } from './filters.js';
import type { Plume } from './types.js';

export function PlumePanel({ id, onClose, onSource, onLoaded }: { id: string; onClose(): void; onSource(plumeId: string): void; onLoaded(plume: Plume | null): void }) {
  const plume = useAsync(async (signal) => {
    const found = await dataOf(api.GET('/api/v1/catalog/plume/{plume_id}', { params: { path: { plume_id: id } }, signal }));
    onLoaded(found);
    return found;
  }, [id]);
  return (
    <aside class="panel" aria-label="Plume" data-testid="plume-panel">
      <header class="panel-header">
        <h2>{plume.data ? `Plume ${plume.data.plume_id}` : 'Plume'}</h2>
        <button type="button" class="close" onClick={onClose} aria-label="Close the plume panel">
          ×
        </button>
      </header>
      {plume.loading && !plume.data && <Loading what="Loading the plume" />}
      {plume.error && <ErrorNote message={plume.error} retry={plume.reload} />}
      {plume.data && <PlumeDetails plume={plume.data} onSource={onSource} />}
    </aside>
  );
}

function PlumeDetails({ plume, onSource }: { plume: Plume; onSource(plumeId: string): void }) {
  const [lon, lat] = plume.geometry_json.coordinates;
  const wind =
    plume.wind_speed_avg_auto === null
      ? '—'
      : `${formatNumber(plume.wind_speed_avg_auto)} ± ${formatNumber(plume.wind_speed_std_auto)} m/s from ${formatNumber(plume.wind_direction_avg_auto, 'whole')}°${plume.wind_source_auto ? ` (${plume.wind_source_auto})` : ''}`;
  const onlyThis = { plume_ids: [plume.id] };
  return (
    <div class="panel-body">
      <p class="figure" data-testid="plume-emission">
        {withUncertainty(plume.emission_auto, plume.emission_uncertainty_auto, `kg/h ${plume.gas}`)}
      </p>
      <dl class="facts">
        <dt>Acquired</dt>
        <dd>{formatDateTime(plume.scene_timestamp)}</dd>
        <dt>Instrument</dt>
        <dd>
          {plume.instrument}
          {plume.platform ? ` (${plume.platform})` : ''}
        </dd>
        <dt>Sector</dt>
        <dd>{sectorName(plume.sector)}</dd>
        <dt>Wind</dt>
        <dd>{wind}</dd>
        <dt>Quality</dt>
        <dd>{plume.plume_quality ?? '—'}</dd>
        <dt>Status</dt>
        <dd>{plume.status}</dd>
        <dt>Where</dt>
        <dd>
          {formatNumber(lat, 'one')}°, {formatNumber(lon, 'one')}°
        </dd>
        <dt>Scene</dt>
        <dd>{plume.scene_name}</dd>
      </dl>
      <div class="actions">
        <button type="button" onClick={() => onSource(plume.id)}>
          Its source
        </button>
        <a class="button" href={urlOf('/api/v1/stac/search', { ids: plume.plume_id })} target="_blank" rel="noopener">
          STAC item
        </a>
        <DownloadButton label="CSV" run={() => download(api.GET('/api/v1/catalog/plume-csv', { params: { query: onlyThis }, parseAs: 'blob' }), `${plume.plume_id}.csv`)} />
      </div>
    </div>
  );
}

/** A button that runs a download and says in words when it fails. */
export function DownloadButton({ label, run }: { label: string; run: () => Promise<void> }) {
  return (
    <button
      type="button"
      onClick={async (event) => {
        const button = event.currentTarget as HTMLButtonElement;
        button.disabled = true;
        button.title = '';
        try {
          await run();
        } catch (error) {
          button.title = describe(error);
          alertOnce(describe(error));
        } finally {
          button.disabled = false;
        }
      }}
    >
      Download {label}
    </button>
  );
}

function alertOnce(message: string) {
  const region = document.getElementById('announcer');
  if (region) region.textContent = message;
}
