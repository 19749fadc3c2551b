import { twoline2satrec } from 'satellite.js';
import type { Static } from 'typebox';
import type { Queryable } from '../../platform/db/database.js';
import { ValidationError } from '../../platform/errors.js';
import { layerFeatureCentroids } from '../geo/layers/layer-areas.service.js';
import { findOpportunities, type Target } from './opportunities.js';
import { epochOf } from './tle.js';
import { layerViewerOf, type Owner } from './owner.js';
import * as platforms from './platforms.queries.js';
import { platformRow } from './platforms.service.js';
import { selectAreas } from './specs.queries.js';
import { specRow } from './specs.service.js';
import type { OpportunitiesQuery } from './tasking.schemas.js';

/** Bounds that keep one request to well under a second of computation (see decision 0014). */
export const MAX_WINDOW_DAYS = 31;
export const DEFAULT_WINDOW_DAYS = 7;
export const MAX_TARGETS = 25;
export const STEP_SECONDS = 20;
const DAY = 86_400_000;

const queryIssue = (field: string, message: string) => ValidationError.field('query', [field], message);

/** The window searched: the one asked for (or the spec's, or the next week), within the spec's own window. */
export function searchWindow(spec: { start_time: Date | null; end_time: Date | null }, query: { start_time?: string | undefined; end_time?: string | undefined }, now: Date) {
  const asked = query.start_time !== undefined || query.end_time !== undefined;
  let start = query.start_time ? new Date(query.start_time) : (spec.start_time ?? now);
  let end = query.end_time ? new Date(query.end_time) : (spec.end_time ?? new Date(start.getTime() + DEFAULT_WINDOW_DAYS * DAY));
  if (spec.start_time && start < spec.start_time) start = spec.start_time;
  if (spec.end_time && end > spec.end_time) end = spec.end_time;
  if (end <= start) throw queryIssue(query.end_time ? 'end_time' : 'start_time', 'The window is empty: it must end after it starts, within the target spec’s start_time and end_time.');
  if (end.getTime() - start.getTime() > MAX_WINDOW_DAYS * DAY) {
    if (asked) throw queryIssue('end_time', `A window spans at most ${MAX_WINDOW_DAYS} days; ask for the next one after.`);
    end = new Date(start.getTime() + MAX_WINDOW_DAYS * DAY);
  }
  return { start, end };
}

async function choosePlatform(db: Queryable, owner: Owner, platformId: string | undefined) {
  if (platformId) return platformRow(db, owner, platformId);
  const rows = await platforms.selectPlatforms(db, owner.organizationId, { limit: 2, offset: 0 });
  if (rows.length === 0) throw queryIssue('platform_id', 'Your organization has no platform: register one (POST /api/v1/tasking/platform) with its TLE.');
  if (rows.length > 1) throw queryIssue('platform_id', 'Your organization has several platforms: name one with platform_id.');
  return rows[0]!;
}

interface NamedTarget extends Target {
  area: { source: 'area' | 'layer'; id: number; name: string | null; layer: string | null; longitude: number; latitude: number };
}

async function targetsOf(db: Queryable, owner: Owner, spec: { id: string; input_layer_names: string[] }): Promise<NamedTarget[]> {
  const [areas, features] = await Promise.all([
    selectAreas(db, owner.organizationId, [spec.id]),
    layerFeatureCentroids(db, layerViewerOf(owner), spec.input_layer_names, MAX_TARGETS + 1),
  ]);
  const targets: NamedTarget[] = [
    ...areas.map((a) => ({ source: 'area' as const, id: Number(a.id), name: a.name, layer: null, longitude: Number(a.longitude), latitude: Number(a.latitude) })),
    ...features.map((f) => ({ source: 'layer' as const, id: f.featureId, name: f.label, layer: f.layer, longitude: f.longitude, latitude: f.latitude })),
  ].map((area) => ({ key: `${area.source}:${area.id}`, longitude: area.longitude, latitude: area.latitude, area }));
  if (targets.length === 0) throw ValidationError.field('path', ['target_spec_id'], 'The target spec has no target: give it areas or input layers with features.');
  if (targets.length > MAX_TARGETS) throw ValidationError.field('path', ['target_spec_id'], `The target spec has more than ${MAX_TARGETS} target areas (areas and layer features); split it to list opportunities.`);
  return targets;
}

/** SGP4 is meaningless far from the element set's epoch (its error grows by kilometres a day). */
export const MAX_DAYS_FROM_EPOCH = 365;

function checkEpoch(platform: string, epoch: Date, window: { start: Date; end: Date }) {
  const distance = Math.max(Math.abs(window.start.getTime() - epoch.getTime()), Math.abs(window.end.getTime() - epoch.getTime()));
  if (distance > MAX_DAYS_FROM_EPOCH * DAY) {
    throw queryIssue('start_time', `The TLE of ${platform} has its epoch on ${epoch.toISOString()}; a window more than ${MAX_DAYS_FROM_EPOCH} days from it cannot be predicted: give the platform a fresh TLE.`);
  }
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

export async function listOpportunities(db: Queryable, owner: Owner, specId: string, query: Static<typeof OpportunitiesQuery>, now = new Date()) {
  const spec = await specRow(db, owner, specId);
  const window = searchWindow(spec, query, now);
  const platform = await choosePlatform(db, owner, query.platform_id);
  const targets = await targetsOf(db, owner, spec);
  const satrec = twoline2satrec(platform.tle_line1, platform.tle_line2);
  checkEpoch(platform.name, epochOf(satrec), window);
  const limits = {
    offNadirMin: spec.off_nadir_angle_min,
    offNadirMax: spec.off_nadir_angle_max,
    elevationMin: spec.satellite_elevation_angle_min,
    elevationMax: spec.satellite_elevation_angle_max,
    solarZenithMin: spec.solar_zenith_angle_min,
    solarZenithMax: spec.solar_zenith_angle_max,
  };
  const byKey = new Map(targets.map((t) => [t.key, t.area]));
  // The work is bounded by the input limits (MAX_WINDOW_DAYS × MAX_TARGETS), not by a clock: a
  // busy machine answers the same request later, never with an error that blames the request.
  const found = findOpportunities(satrec, targets, window, limits, STEP_SECONDS);
  return {
    target_spec: spec.id,
    platform: { id: platform.id, name: platform.name },
    window: { start_time: window.start.toISOString(), end_time: window.end.toISOString() },
    step_seconds: STEP_SECONDS,
    count: found.length,
    opportunities: found.map((o) => ({
      time: o.time.toISOString(),
      area: { ...byKey.get(o.targetKey)!, longitude: round(byKey.get(o.targetKey)!.longitude, 6), latitude: round(byKey.get(o.targetKey)!.latitude, 6) },
      off_nadir_angle: round(o.offNadir, 3),
      satellite_elevation_angle: round(o.elevation, 3),
      satellite_azimuth_angle: round(o.azimuth, 3),
      solar_zenith_angle: round(o.solarZenith, 3),
      range_km: round(o.rangeKm, 1),
      sub_satellite_point: { longitude: round(o.subSatellite.longitude, 5), latitude: round(o.subSatellite.latitude, 5) },
    })),
  };
}
