import type { Queryable } from '../../../platform/db/database.js';
import type { Viewer } from '../plume-filter.js';
import { plumeView, type PlumeView } from '../plume-view.js';
import * as plumeQueries from '../plumes.queries.js';
import { selectScenes } from '../scenes/scenes.queries.js';
import { sceneView } from '../scenes/scenes.service.js';
import { feature, filterOf, plumeUuidsOf, type Source, type SourceQuery } from './sources.service.js';

/** Scenes listed with a source: years of daily overpasses stay well below this. */
const SCENE_LIMIT = 10_000;

type SceneView = ReturnType<typeof sceneView>;

/** The source's plumes the viewer may see (the query's filters applied), and the visible scenes covering its centre. */
async function membersOf(db: Queryable, source: Source, options: SourceQuery, viewer: Viewer) {
  const filter = filterOf(options);
  const plumeFilter = { ...filter, plumeIdsOfSource: plumeUuidsOf(source) };
  const sceneFilter = { intersects: [source.row.longitude, source.row.latitude] as [number, number], ...(filter.instruments ? { instruments: filter.instruments } : {}), ...(filter.datetime ? { datetime: filter.datetime } : {}) };
  const [plumes, scenes] = await Promise.all([
    plumeQueries.selectPlumes(db, plumeFilter, viewer, { sort: 'asc', limit: source.row.plume_count, offset: 0 }),
    selectScenes(db, sceneFilter, viewer, { sort: 'asc', limit: SCENE_LIMIT, offset: 0 }),
  ]);
  return { plumes: plumes.map((row) => plumeView(row, viewer)), scenes: scenes.map(sceneView) };
}

const utcDate = (timestamp: string) => timestamp.slice(0, 10);

/** explain=true: the figures, a daily breakdown and the arithmetic, to recompute every figure by hand. */
function explanation(source: Source, options: SourceQuery, plumes: PlumeView[], scenes: SceneView[]) {
  const { figures, row } = source;
  const daily_breakdown = source.observationDates.map((date) => ({
    date,
    observed_by: scenes.filter((s) => utcDate(s.timestamp) === date).map((s) => s.name),
    plumes: plumes.filter((p) => utcDate(p.scene_timestamp) === date).map((p) => ({ plume_id: p.plume_id, emission_auto: p.emission_auto, emission_uncertainty_auto: p.emission_uncertainty_auto })),
    mean_emission: source.days.find((d) => d.date === date)?.mean_emission ?? null,
  }));
  return {
    source_name: source.name,
    gas: row.gas,
    sector: row.sector,
    summary: {
      plume_count: row.plume_count,
      detection_date_count: source.detectionDates.length,
      observation_date_count: source.observationDates.length,
      persistence: figures.persistence,
      mean_detected_rate: figures.mean_detected_rate,
      emission_auto: figures.emission,
      emission_uncertainty_auto: figures.emission_uncertainty,
    },
    daily_breakdown,
    detection_dates: source.detectionDates,
    calculation_details: {
      eps_m: options.eps,
      minpoints: options.minpoints,
      utm_epsg: row.srid,
      centre: 'centroid of the plumes',
      persistence: `${source.detectionDates.length} / ${source.observationDates.length} = ${figures.persistence}`,
      emission: figures.mean_detected_rate === null ? null : `${figures.mean_detected_rate} × ${figures.persistence} = ${figures.emission}`,
      rules:
        'Observation dates: UTC dates of visible scenes whose footprint covers the centre, and of every detection. Mean detected rate: mean over detection dates of that date’s mean emission_auto. Emission: mean detected rate × persistence. Uncertainty: √(Σ daily mean uncertainty²) / detection dates × persistence.',
    },
  };
}

/** The page's source object; `explanation` is null unless asked for. `extra` adds to `source` (search: the distance). */
export async function sourceObject(db: Queryable, source: Source, options: SourceQuery & { explain?: boolean }, viewer: Viewer, extra: { distance_m?: number } = {}) {
  const { plumes, scenes } = await membersOf(db, source, options, viewer);
  const { geometry, properties } = feature(source);
  const [longitude, latitude] = geometry.coordinates as [number, number];
  return {
    plumes,
    scenes,
    point: { bbox: [longitude, latitude, longitude, latitude], type: 'Point' as const, coordinates: [longitude, latitude] },
    source_name: source.name,
    source: { ...properties, ...extra },
    observation_dates: source.observationDates,
    detection_dates: source.detectionDates,
    explanation: options.explain ? explanation(source, options, plumes, scenes) : null,
  };
}
