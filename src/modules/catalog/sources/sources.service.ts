import pLimit from 'p-limit';
import type { Database, LocalSetting, Queryable, SnapshotFork } from '../../../platform/db/database.js';
import { NotFoundError, ValidationError } from '../../../platform/errors.js';
import { isDatabaseOutage } from '../../../platform/db/database-errors.js';
import { spreadOverConnections } from '../../../platform/db/spread-over-connections.js';
import { isUuid } from '../../../platform/uuid.js';
import type { PlumeFilter, PlumeStatus, Viewer } from '../plume-filter.js';
import * as plumeQueries from '../plumes.queries.js';
import { toFilter } from '../plumes.service.js';
import type { PlumeFilterQuery } from '../plumes.schemas.js';
import { sectorAggregates } from './sector-aggregate.js';
import { parseSourceName, utmSrid, type SourceKey } from './source-name.js';
import * as queries from './sources.queries.js';
import { byEmission, collectionText, describe, listed, type ListedSource, type Source } from './source-answers.js';
import { MAINTAINED_EPS, MAINTAINED_MINPOINTS, membersAnswer, selectMaintainedClusters, selectMemberClusters, selectMemberPartitions } from './source-clusters.queries.js';
import { clusterState, refreshSourceClusters } from './source-cluster-refresh.queries.js';

export { feature, type Source } from './source-answers.js';

export interface SourceOptions {
  eps: number;
  minpoints: number;
  status: PlumeStatus | 'not_deleted' | 'all';
}

export type SourceQuery = Omit<PlumeFilterQuery, 'status'> & SourceOptions;

export function filterOf(query: SourceQuery): PlumeFilter {
  const { eps: _eps, minpoints: _minpoints, status, ...rest } = query;
  const filter = toFilter(rest);
  if (status === 'all') filter.includeDeleted = true;
  else if (status !== 'not_deleted') filter.status = status;
  return filter;
}

/** Partitions clustered at once: DBSCAN is single-threaded per statement, so two cores cluster two partitions together. */
const PARALLEL_PARTITIONS = 4;

/** `onDemand`: cluster afresh even where the maintained clusters answer (what tests compare them with). */
export interface ClusteringChoice {
  onDemand?: boolean;
}

/** The maintained clusters answer the default clustering for a viewer who sees the published plumes only. */
function maintainable(options: SourceOptions, viewer: Viewer, choice: ClusteringChoice) {
  return !choice.onDemand && options.eps === MAINTAINED_EPS && options.minpoints === MAINTAINED_MINPOINTS && viewer.organizationId === null;
}

/**
 * Other eps with minpoints 1 (whose clusters, components of "within eps", do not depend on the
 * order DBSCAN reads the plumes in) for the same viewers, when the members hold every field the
 * filter tests.
 */
function fromMembers(options: SourceOptions, viewer: Viewer, choice: ClusteringChoice, filter: PlumeFilter) {
  return !choice.onDemand && options.minpoints === 1 && viewer.organizationId === null && membersAnswer(filter);
}

/**
 * Sort and hash memory of a maintained or member read, on its connection and its fork: a basin
 * with a time filter sorts and keeps ~25,000 member rows (~4 MB) on each, which spilled to disk at
 * the default 4 MB.
 */
const SORT_MEMORY: LocalSetting = "work_mem = '32MB'";

/** Refreshes this often at most before clustering on demand, when writers keep changing plumes meanwhile. */
const FRESH_ATTEMPTS = 3;

/**
 * `read` in a snapshot in which the maintained clusters miss no committed change, refreshing them
 * first when they do. Undefined (cluster on demand from the plumes) when another refresh holds the
 * lock past a short wait, or the refresh ran out of time: a reader never queues behind a rebuild,
 * nor fails because of one. Any other failure is a fault and is thrown.
 */
async function whenFresh(db: Database, read: (snapshot: Queryable, fork: SnapshotFork, answersCurrent: boolean) => Promise<queries.ClusterRow[]>) {
  for (let attempt = 0; attempt < FRESH_ATTEMPTS; attempt++) {
    const rows = await db.readSnapshot(async (snapshot, fork) => {
      const state = await clusterState(snapshot);
      if (!state.answersCurrent) rewriteAnswersOnce(db);
      return state.stale ? undefined : read(snapshot, fork, state.answersCurrent);
    }, { settings: [SORT_MEMORY] });
    if (rows) return rows;
    // This process's rebuild holds the refresh lock: no reader waits 250 ms to learn that.
    if (rebuildRunning(db)) return undefined;
    try {
      if ((await refreshOrDefer(db, 'short')) === 'deferred') return undefined;
    } catch (error) {
      if (isDatabaseOutage(error)) return undefined;
      throw error;
    }
  }
  return undefined;
}

/**
 * Another eps (minpoints 1) for a viewer who sees the published plumes only, clustered on demand
 * from the maintained members: the partitions side by side on the snapshot's connection and a fork.
 */
async function clustersFromMembers(snapshot: Queryable, fork: SnapshotFork, filter: PlumeFilter, eps: number, columns: queries.SourceColumns, partition?: queries.Partition) {
  const partitions = partition ? [partition] : await selectMemberPartitions(snapshot, filter);
  const other = partitions.length > 1 ? await fork() : undefined;
  const connections = other ? [snapshot, other] : [snapshot];
  const rows = await spreadOverConnections(connections, partitions.map((p) => (connection: Queryable) => selectMemberClusters(connection, filter, eps, p, columns)));
  return rows.flat();
}

async function clusterRows(db: Database, query: SourceQuery, viewer: Viewer, choice: ClusteringChoice, columns: queries.SourceColumns, partition?: queries.Partition) {
  const filter = filterOf(query);
  if (maintainable(query, viewer, choice)) {
    // Stored answers of another version (an upgrade not yet refreshed) are not this code's answers.
    const rows = await whenFresh(db, (snapshot, fork, answersCurrent) => selectMaintainedClusters(snapshot, filter, answersCurrent ? columns : 'list', partition, fork));
    if (rows) return rows;
  } else if (fromMembers(query, viewer, choice, filter)) {
    const rows = await whenFresh(db, (snapshot, fork) => clustersFromMembers(snapshot, fork, filter, query.eps, columns, partition));
    if (rows) return rows;
  }
  const partitions = partition ? [partition] : await queries.selectPartitions(db, filter, viewer);
  const limit = pLimit(PARALLEL_PARTITIONS);
  const rows = await Promise.all(partitions.map((p) => limit(() => queries.selectClusters(db, filter, viewer, query.eps, query.minpoints, p, columns))));
  return rows.flat();
}

/** Brings the maintained clusters up to date now (after a bulk load), so that no reader waits for it. */
export async function refreshMaintainedSources(db: Database): Promise<void> {
  await refreshSourceClusters(db);
}

/**
 * Refreshes the maintained clusters, except that on PostgreSQL a full rebuild (~50 s at a million
 * plumes) is not run here but started in the background: 'deferred' says so.
 */
async function refreshOrDefer(db: Database, lockTimeout?: 'short'): Promise<'deferred' | void> {
  const refreshed = await refreshSourceClusters(db, { lockTimeout, rebuild: db.kind === 'postgres' ? 'defer' : undefined });
  if (refreshed === 'deferred') rebuildInBackground(db);
  return refreshed;
}

/**
 * After an import: its plumes join the clusters now, in the job or the command, rather than in the
 * first reader's request (a rebuild, past 50,000 plumes, starts in the background). Waits at most
 * 250 ms for another refresh: that one, or the next reader, takes them.
 */
export async function refreshSourcesAfterImport(db: Database): Promise<void> {
  try {
    await refreshOrDefer(db, 'short');
  } catch (error) {
    if (!isDatabaseOutage(error)) throw error;
  }
}

/** Every rebuild readers started and still running in the process: what closing waits for. */
const backgroundRebuilds = new Set<Promise<void>>();
/** Per database as the service sees it: its running rebuild, and when its last one failed. */
const rebuildOf = new WeakMap<Database, { running?: Promise<void>; failedAt?: number }>();
/** After a failed rebuild, none starts again for this long: each one costs a connection and a core for up to a minute. */
const REBUILD_RETRY_MS = 60_000;
let rebuildsStopped = false;

/** Databases whose outdated answers this process has asked to be rewritten. */
const answersRewriteAsked = new WeakSet<Database>();

/**
 * Stored answers of another version (an upgrade; a process of the other version refreshed last):
 * on PostgreSQL a maintenance refresh in the background rewrites them, once per process, so two
 * versions side by side cannot keep swapping them. Readers meanwhile describe every cluster from
 * its arrays. The embedded database's own readers rewrite them at their next refresh.
 */
function rewriteAnswersOnce(db: Database) {
  if (db.kind !== 'postgres' || answersRewriteAsked.has(db)) return;
  answersRewriteAsked.add(db);
  rebuildInBackground(db);
}

function rebuildRunning(db: Database): boolean {
  return rebuildOf.get(db)?.running !== undefined;
}

function rebuildInBackground(db: Database) {
  const state = rebuildOf.get(db) ?? {};
  rebuildOf.set(db, state);
  if (rebuildsStopped || state.running || (state.failedAt !== undefined && performance.now() - state.failedAt < REBUILD_RETRY_MS)) return;
  // A failure leaves the rebuild due: a reader starts another after REBUILD_RETRY_MS.
  const running: Promise<void> = refreshMaintainedSources(db)
    .then(() => void (state.failedAt = undefined), () => void (state.failedAt = performance.now()))
    .finally(() => {
      state.running = undefined;
      backgroundRebuilds.delete(running);
    });
  state.running = running;
  backgroundRebuilds.add(running);
}

/** Closing: no rebuild starts after this. */
export function stopBackgroundRebuilds(): void {
  rebuildsStopped = true;
}

/** Settles when no rebuild a reader started is running: what closing waits for, before the database closes. */
export async function backgroundRebuildsSettled(): Promise<void> {
  await Promise.all([...backgroundRebuilds]);
}

export async function listSources(db: Database, query: SourceQuery, viewer: Viewer, choice: ClusteringChoice = {}): Promise<Source[]> {
  return (await clusterRows(db, query, viewer, choice, 'list')).map((row) => describe(row, query.eps)).sort(byEmission);
}

/**
 * The sources as the lists take them: whole maintained clusters as the refresh stored them
 * ('answers': with their Feature text; 'figures': without), any other described from its plumes.
 */
async function listedSources(db: Database, query: SourceQuery, viewer: Viewer, columns: 'answers' | 'figures'): Promise<ListedSource[]> {
  return (await clusterRows(db, query, viewer, {}, columns)).map((row) => listed(row, query.eps)).sort(byEmission);
}

/** sources.geojson as the text its serializer writes. */
export async function sourcesGeojson(db: Database, query: SourceQuery, viewer: Viewer): Promise<string> {
  return collectionText(await listedSources(db, query, viewer, 'answers'));
}

export async function aggregateBySector(db: Database, query: SourceQuery, viewer: Viewer) {
  return sectorAggregates(await listedSources(db, query, viewer, 'figures'));
}

/** The sources of one gas, sector and UTM zone: clustering that partition alone gives the same clusters as clustering everything. */
async function partitionSources(db: Database, key: Omit<SourceKey, 'eps'>, options: SourceQuery, viewer: Viewer) {
  const partition = { gas: key.gas, sector: key.sector, srid: utmSrid(key.longitude, key.latitude) };
  return (await clusterRows(db, options, viewer, {}, 'members', partition)).map((row) => describe(row, options.eps));
}

function nameKey(name: string) {
  const key = parseSourceName(name);
  if (!key) throw ValidationError.field('path', ['source_name'], 'Expected <gas>_<sector>_<eps>m_<longitude>_<latitude>, e.g. CH4_6A_100m_-74.00656_40.71283');
  if (key.eps < 1 || key.eps > 2000) throw ValidationError.field('path', ['source_name'], 'eps must be 1 to 2000 metres');
  return key;
}

/** The UUIDs of a source's plumes: read for the sources of one partition ('members'), never for lists. */
export function plumeUuidsOf(source: Source): string[] {
  if (!source.row.plume_uuids) throw new Error(`Source ${source.name} was read without its plumes' UUIDs`);
  return source.row.plume_uuids;
}

/** The source of this exact name (its eps taken from the name). */
export async function findSource(db: Database, name: string, options: SourceQuery, viewer: Viewer) {
  const key = nameKey(name);
  const sources = await partitionSources(db, key, { ...options, eps: key.eps }, viewer);
  const source = sources.find((s) => s.name === name);
  if (!source) throw new NotFoundError(`No source ${name} (names follow the plumes: a new plume may have moved its centre; try search/source).`);
  return source;
}

/** The source nearest the name's coordinates, of its gas and sector. */
export async function searchSource(db: Database, name: string, options: SourceQuery, viewer: Viewer) {
  const key = nameKey(name);
  const sources = await partitionSources(db, key, { ...options, eps: key.eps }, viewer);
  const distance = (s: Source) => Math.hypot((s.row.longitude - key.longitude) * Math.cos((key.latitude * Math.PI) / 180), s.row.latitude - key.latitude) * 111_195;
  const nearest = sources.sort((a, b) => distance(a) - distance(b))[0];
  if (!nearest) throw new NotFoundError(`No ${key.gas} ${key.sector} source near ${key.longitude}, ${key.latitude}.`);
  return { source: nearest, distanceMetres: Math.round(distance(nearest)) };
}

/** The source a plume belongs to. */
export async function sourceOfPlume(db: Database, plumeId: string, options: SourceQuery, viewer: Viewer) {
  const plume = await plumeQueries.selectPlume(db, isUuid(plumeId) ? { id: plumeId } : { name: plumeId }, viewer);
  if (!plume) throw new NotFoundError(`Plume ${plumeId} not found.`);
  const sources = await partitionSources(db, { gas: plume.gas, sector: plume.sector ?? 'NULL', longitude: plume.longitude, latitude: plume.latitude }, options, viewer);
  const source = sources.find((s) => plumeUuidsOf(s).includes(plume.id));
  if (!source) throw new NotFoundError(`Plume ${plumeId} is in no source with eps ${options.eps} m and minpoints ${options.minpoints}.`);
  return source;
}

/** The `source_name` filter of the plume endpoints: the plumes of that source, or none. */
export async function plumesOfSource(db: Database, name: string | undefined, viewer: Viewer): Promise<Partial<PlumeFilter>> {
  if (name === undefined) return {};
  const key = nameKey(name);
  const sources = await partitionSources(db, key, { eps: key.eps, minpoints: 1, status: 'not_deleted' }, viewer);
  const source = sources.find((s) => s.name === name);
  return { plumeIdsOfSource: source ? plumeUuidsOf(source) : [] };
}
