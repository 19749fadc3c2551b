import { degreesLat, degreesLong, ecfToLookAngles, eciToEcf, eciToGeodetic, geodeticToEcf, gstime, propagate, type EcfVec3, type SatRec } from 'satellite.js';
import { getPosition } from 'suncalc';

/**
 * Capture opportunities: the passes of one satellite over target points within a time window that
 * meet a target spec's geometry limits. See docs/decisions/0014-capture-opportunities.md.
 *
 * 1. Propagate the satellite once per coarse step (SGP4, satellite.js) to Earth-fixed coordinates;
 *    those positions are shared by every target.
 * 2. Per target, the elevation of the satellite above the target's horizon along those samples;
 *    every local maximum is a candidate culmination (closest approach).
 * 3. Refine each candidate by golden-section search within ±1 step to < 0.1 s.
 * 4. At the refined instant: elevation and azimuth (look angles from the target), off-nadir angle
 *    (at the satellite, between nadir and the line of sight to the target), solar zenith angle at
 *    the target (suncalc) and the sub-satellite point; keep the pass when all limits hold.
 */

export interface Target {
  key: string;
  longitude: number;
  latitude: number;
}

/** Degrees; a null or absent bound does not limit. Elevation is at least 0 (above the horizon) regardless. */
export interface GeometryLimits {
  offNadirMin?: number | null;
  offNadirMax?: number | null;
  elevationMin?: number | null;
  elevationMax?: number | null;
  solarZenithMin?: number | null;
  solarZenithMax?: number | null;
}

export interface PassGeometry {
  time: Date;
  /** Satellite elevation above the target's horizon, degrees. */
  elevation: number;
  /** Satellite azimuth from the target, degrees clockwise from north. */
  azimuth: number;
  offNadir: number;
  solarZenith: number;
  rangeKm: number;
  subSatellite: { longitude: number; latitude: number };
}

export interface Opportunity extends PassGeometry {
  targetKey: string;
}

const DEG = 180 / Math.PI;
const GOLDEN = (Math.sqrt(5) - 1) / 2;
/** Candidates whose coarse peak lies this far below the horizon cannot culminate above it within one step. */
const CANDIDATE_FLOOR = Math.sin(-10 / DEG);

function ecfAt(satrec: SatRec, time: Date): { ecf: EcfVec3<number>; gmst: number; eci: { x: number; y: number; z: number } } | null {
  const state = propagate(satrec, time);
  if (!state || !Number.isFinite(state.position.x)) return null;
  // Below the surface or beyond the Moon: SGP4 far from its epoch or after decay, not an orbit.
  const radius = Math.hypot(state.position.x, state.position.y, state.position.z);
  if (!(radius > 6300 && radius < 400_000)) return null;
  const gmst = gstime(time);
  return { ecf: eciToEcf(state.position, gmst), gmst, eci: state.position };
}

function observerOf(target: Target) {
  const geodetic = { longitude: target.longitude / DEG, latitude: target.latitude / DEG, height: 0 };
  const position = geodeticToEcf(geodetic);
  const up = { x: Math.cos(geodetic.latitude) * Math.cos(geodetic.longitude), y: Math.cos(geodetic.latitude) * Math.sin(geodetic.longitude), z: Math.sin(geodetic.latitude) };
  return { geodetic, position, up };
}

/** sin(elevation) of a satellite at `s` seen from the observer: the line of sight's component along the local vertical. */
function sinElevation(observer: ReturnType<typeof observerOf>, sx: number, sy: number, sz: number): number {
  const dx = sx - observer.position.x;
  const dy = sy - observer.position.y;
  const dz = sz - observer.position.z;
  return (dx * observer.up.x + dy * observer.up.y + dz * observer.up.z) / Math.hypot(dx, dy, dz);
}

/** The full geometry of the satellite over a target at one instant, or null when SGP4 fails there. */
export function passGeometry(satrec: SatRec, target: Target, time: Date): PassGeometry | null {
  const at = ecfAt(satrec, time);
  if (!at) return null;
  const observer = observerOf(target);
  const look = ecfToLookAngles(observer.geodetic, at.ecf);
  const s = at.ecf;
  const toTarget = { x: observer.position.x - s.x, y: observer.position.y - s.y, z: observer.position.z - s.z };
  const cosOffNadir = -(s.x * toTarget.x + s.y * toTarget.y + s.z * toTarget.z) / (Math.hypot(s.x, s.y, s.z) * Math.hypot(toTarget.x, toTarget.y, toTarget.z));
  const sub = eciToGeodetic(at.eci, at.gmst);
  return {
    time,
    elevation: look.elevation * DEG,
    azimuth: look.azimuth * DEG,
    offNadir: Math.acos(Math.min(1, Math.max(-1, cosOffNadir))) * DEG,
    solarZenith: 90 - getPosition(time, target.latitude, target.longitude).altitude,
    rangeKm: look.rangeSat,
    subSatellite: { longitude: degreesLong(sub.longitude), latitude: degreesLat(sub.latitude) },
  };
}

function within(value: number, min: number | null | undefined, max: number | null | undefined) {
  return (min == null || value >= min) && (max == null || value <= max);
}

export function meetsLimits(pass: PassGeometry, limits: GeometryLimits): boolean {
  return (
    pass.elevation > 0 &&
    within(pass.elevation, limits.elevationMin, limits.elevationMax) &&
    within(pass.offNadir, limits.offNadirMin, limits.offNadirMax) &&
    within(pass.solarZenith, limits.solarZenithMin, limits.solarZenithMax)
  );
}

/** The instant of highest elevation in [from, to] (ms), by golden-section search to `toleranceMs`. */
function culmination(satrec: SatRec, observer: ReturnType<typeof observerOf>, from: number, to: number, toleranceMs = 50): number {
  const elevationAt = (t: number) => {
    const at = ecfAt(satrec, new Date(t));
    return at ? sinElevation(observer, at.ecf.x, at.ecf.y, at.ecf.z) : -2;
  };
  let a = from;
  let b = to;
  let c = b - GOLDEN * (b - a);
  let d = a + GOLDEN * (b - a);
  let fc = elevationAt(c);
  let fd = elevationAt(d);
  while (b - a > toleranceMs) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - GOLDEN * (b - a);
      fc = elevationAt(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + GOLDEN * (b - a);
      fd = elevationAt(d);
    }
  }
  return (a + b) / 2;
}

export function findOpportunities(
  satrec: SatRec,
  targets: readonly Target[],
  window: { start: Date; end: Date },
  limits: GeometryLimits,
  stepSeconds = 20,
): Opportunity[] {
  const start = window.start.getTime();
  const end = window.end.getTime();
  const stepMs = stepSeconds * 1000;
  const samples = Math.floor((end - start) / stepMs) + 1;
  const xs = new Float64Array(samples);
  const ys = new Float64Array(samples);
  const zs = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const at = ecfAt(satrec, new Date(start + i * stepMs));
    xs[i] = at ? at.ecf.x : Number.NaN;
    ys[i] = at ? at.ecf.y : Number.NaN;
    zs[i] = at ? at.ecf.z : Number.NaN;
  }
  const found: Opportunity[] = [];
  for (const target of targets) {
    const observer = observerOf(target);
    const elevation = new Float64Array(samples);
    for (let i = 0; i < samples; i++) elevation[i] = sinElevation(observer, xs[i]!, ys[i]!, zs[i]!);
    // A culmination exactly at the window's edge is not a pass inside it: only interior maxima count.
    for (let i = 1; i < samples - 1; i++) {
      const e = elevation[i]!;
      if (!(e > CANDIDATE_FLOOR && e > elevation[i - 1]! && e >= elevation[i + 1]!)) continue;
      const peak = culmination(satrec, observer, start + (i - 1) * stepMs, start + (i + 1) * stepMs);
      if (peak < start || peak > end) continue;
      const pass = passGeometry(satrec, target, new Date(Math.round(peak)));
      if (pass && meetsLimits(pass, limits)) found.push({ targetKey: target.key, ...pass });
    }
  }
  return found.sort((a, b) => a.time.getTime() - b.time.getTime() || a.targetKey.localeCompare(b.targetKey));
}
