import pLimit from 'p-limit';
import type { Queryable } from '../../../platform/db/database.js';
import { NotFoundError, ValidationError } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/uuid.js';
import type { PlumeFilter, PlumeStatus, Viewer } from '../plume-filter.js';
import * as plumeQueries from '../plumes.queries.js';
import { toFilter } from '../plumes.service.js';
import type { PlumeFilterQuery } from '../plumes.schemas.js';
import { dailyDetections, parseSourceName, sourceFigures, sourceName, utmSrid, type SourceKey } from './source-name.js';
import * as queries from './sources.queries.js';

export interface SourceOptions {
  eps: number;
  minpoints: number;
  status: PlumeStatus | 'not_deleted' | 'all';
}

export type SourceQuery = Omit<PlumeFilterQuery, 'status'> & SourceOptions;

function filterOf(query: SourceQuery): PlumeFilter {
  const { eps: _eps, minpoints: _minpoints, status, ...rest } = query;
  const filter = toFilter(rest);
  if (status === 'all') filter.includeDeleted = true;
  else if (status !== 'not_deleted') filter.status = status;
  return filter;
}

/** A cluster with its figures: what every source endpoint answers. */
function describe(row: queries.ClusterRow, eps: number) {
  const days = dailyDetections(row.plume_days, row.emissions, row.uncertainties);
  const detectionDates = days.map((d) => d.date);
  const observationDates = [...new Set([...(row.scene_dates ?? []), ...detectionDates])].sort();
  const figures = sourceFigures(days, observationDates.length);
  const name = sourceName({ gas: row.gas, sector: row.sector, eps, longitude: row.longitude, latitude: row.latitude });
  return { row, name, days, detectionDates, observationDates, figures };
}

type Source = ReturnType<typeof describe>;

function feature(source: Source) {
  const { row, figures } = source;
  return {
    type: 'Feature' as const,
    geometry: { type: 'Point' as const, coordinates: [Number(row.longitude.toFixed(5)), Number(row.latitude.toFixed(5))] },
    properties: {
      source_name: source.name,
      gas: row.gas,
      sector: row.sector,
      plume_count: row.plume_count,
      plume_ids: row.plume_ids,
      emission_auto: figures.emission,
      emission_uncertainty_auto: figures.emission_uncertainty,
      timestamp_min: row.timestamp_min.toISOString(),
      timestamp_max: row.timestamp_max.toISOString(),
      published_at_min: row.published_at_min?.toISOString() ?? null,
      published_at_max: row.published_at_max?.toISOString() ?? null,
      detection_date_count: source.detectionDates.length,
      observation_date_count: source.observationDates.length,
      persistence: figures.persistence,
    },
  };
}

const byEmission = (a: Source, b: Source) => (b.figures.emission ?? -1) - (a.figures.emission ?? -1) || a.name.localeCompare(b.name);

/** Partitions clustered at once: DBSCAN is single-threaded per statement, so two cores cluster two partitions together. */
const PARALLEL_PARTITIONS = 4;

export async function listSources(db: Queryable, query: SourceQuery, viewer: Viewer): Promise<Source[]> {
  const filter = filterOf(query);
  const partitions = await queries.selectPartitions(db, filter, viewer);
  const limit = pLimit(PARALLEL_PARTITIONS);
  const rows = await Promise.all(partitions.map((partition) => limit(() => queries.selectClusters(db, filter, viewer, query.eps, query.minpoints, partition))));
  return rows.flat().map((row) => describe(row, query.eps)).sort(byEmission);
}

export async function sourcesGeojson(db: Queryable, query: SourceQuery, viewer: Viewer) {
  return { type: 'FeatureCollection' as const, features: (await listSources(db, query, viewer)).map(feature) };
}

export async function aggregateBySector(db: Queryable, query: SourceQuery, viewer: Viewer) {
  const groups = new Map<string, { sector: string; source_count: number; plume_count: number; emission_auto: number }>();
  for (const source of await listSources(db, query, viewer)) {
    const group = groups.get(source.row.sector) ?? { sector: source.row.sector, source_count: 0, plume_count: 0, emission_auto: 0 };
    group.source_count += 1;
    group.plume_count += source.row.plume_count;
    group.emission_auto += source.figures.emission ?? 0;
    groups.set(source.row.sector, group);
  }
  const items = [...groups.values()].sort((a, b) => b.emission_auto - a.emission_auto);
  return { items, count: items.length };
}

/** The sources of one gas, sector and UTM zone: clustering that partition alone gives the same clusters as clustering everything. */
async function partitionSources(db: Queryable, key: Omit<SourceKey, 'eps'>, options: SourceQuery, viewer: Viewer) {
  const partition = { gas: key.gas, sector: key.sector, srid: utmSrid(key.longitude, key.latitude) };
  const rows = await queries.selectClusters(db, filterOf(options), viewer, options.eps, options.minpoints, partition);
  return rows.map((row) => describe(row, options.eps));
}

function nameKey(name: string) {
  const key = parseSourceName(name);
  if (!key) throw ValidationError.field('path', ['source_name'], 'Expected <gas>_<sector>_<eps>m_<longitude>_<latitude>, e.g. CH4_6A_100m_-74.00656_40.71283');
  if (key.eps < 1 || key.eps > 2000) throw ValidationError.field('path', ['source_name'], 'eps must be 1 to 2000 metres');
  return key;
}

/** The source of this exact name (its eps taken from the name). */
export async function findSource(db: Queryable, name: string, options: SourceQuery, viewer: Viewer) {
  const key = nameKey(name);
  const sources = await partitionSources(db, key, { ...options, eps: key.eps }, viewer);
  const source = sources.find((s) => s.name === name);
  if (!source) throw new NotFoundError(`No source ${name} (names follow the plumes: a new plume may have moved its centre; try search/source).`);
  return source;
}

/** The source nearest the name's coordinates, of its gas and sector. */
export async function searchSource(db: Queryable, name: string, options: SourceQuery, viewer: Viewer) {
  const key = nameKey(name);
  const sources = await partitionSources(db, key, { ...options, eps: key.eps }, viewer);
  const distance = (s: Source) => Math.hypot((s.row.longitude - key.longitude) * Math.cos((key.latitude * Math.PI) / 180), s.row.latitude - key.latitude) * 111_195;
  const nearest = sources.sort((a, b) => distance(a) - distance(b))[0];
  if (!nearest) throw new NotFoundError(`No ${key.gas} ${key.sector} source near ${key.longitude}, ${key.latitude}.`);
  return { ...feature(nearest), distance_m: Math.round(distance(nearest)) };
}

/** The source a plume belongs to. */
export async function sourceOfPlume(db: Queryable, plumeId: string, options: SourceQuery, viewer: Viewer) {
  const plume = await plumeQueries.selectPlume(db, isUuid(plumeId) ? { id: plumeId } : { name: plumeId }, viewer);
  if (!plume) throw new NotFoundError(`Plume ${plumeId} not found.`);
  const sources = await partitionSources(db, { gas: plume.gas, sector: plume.sector ?? 'NULL', longitude: plume.longitude, latitude: plume.latitude }, options, viewer);
  const source = sources.find((s) => s.row.plume_uuids.includes(plume.id));
  if (!source) throw new NotFoundError(`Plume ${plumeId} is in no source with eps ${options.eps} m and minpoints ${options.minpoints}.`);
  return source;
}

/** A source as a Feature; with `explain`, the figures' derivation and a daily breakdown to check by hand. */
export async function sourceAnswer(db: Queryable, source: Source, options: SourceQuery, viewer: Viewer, explain: boolean) {
  const answer = feature(source);
  if (!explain) return answer;
  const filter = { ...filterOf(options), plumeIdsOfSource: source.row.plume_uuids };
  const plumes = await plumeQueries.selectPlumes(db, filter, viewer, { sort: 'asc', limit: source.row.plume_count, offset: 0 });
  const scenes = await queries.selectCoveringScenes(db, source.row.longitude, source.row.latitude, filterOf(options), viewer);
  const daily = source.observationDates.map((date) => {
    const detected = plumes.filter((p) => p.datetime.toISOString().slice(0, 10) === date);
    const day = source.days.find((d) => d.date === date);
    return {
      date,
      observed_by: scenes.filter((s) => s.date === date).map((s) => s.name),
      plumes: detected.map((p) => ({ plume_id: p.plume_id, emission_auto: p.emission_auto, emission_uncertainty_auto: p.emission_uncertainty_auto })),
      mean_emission: day?.mean_emission ?? null,
    };
  });
  const { figures } = source;
  return {
    ...answer,
    explain: {
      summary: {
        eps_m: options.eps,
        minpoints: options.minpoints,
        utm_epsg: source.row.srid,
        centre: 'centroid of the plumes',
        detection_dates: source.detectionDates.length,
        observation_dates: source.observationDates.length,
        persistence: `${source.detectionDates.length} / ${source.observationDates.length} = ${figures.persistence}`,
        mean_detected_rate: figures.mean_detected_rate,
        emission: figures.mean_detected_rate === null ? null : `${figures.mean_detected_rate} × ${figures.persistence} = ${figures.emission}`,
        rules:
          'Observation dates: UTC dates of visible scenes whose footprint covers the centre, and of every detection. Mean detected rate: mean over detection dates of that date’s mean emission_auto. Emission: mean detected rate × persistence.',
      },
      daily,
    },
  };
}

/** The `source_name` filter of the plume endpoints: the plumes of that source, or none. */
export async function plumesOfSource(db: Queryable, name: string | undefined, viewer: Viewer): Promise<Partial<PlumeFilter>> {
  if (name === undefined) return {};
  const key = nameKey(name);
  const sources = await partitionSources(db, key, { eps: key.eps, minpoints: 1, status: 'not_deleted' }, viewer);
  return { plumeIdsOfSource: sources.find((s) => s.name === name)?.row.plume_uuids ?? [] };
}
