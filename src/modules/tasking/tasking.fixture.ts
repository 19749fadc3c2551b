import { ecfToLookAngles, eciToEcf, eciToGeodetic, geodeticToEcf, gstime, propagate, twoline2satrec } from 'satellite.js';
import { getPosition } from 'suncalc';
import { DEMO_TLE } from './tasking.seed.js';

/** Test reference for capture opportunities (tests only), kept apart from opportunities.ts on purpose. */
const DEG = 180 / Math.PI;

/**
 * The reference, computed independently of opportunities.ts: the satellite's look angles from the
 * target every second (satellite.js), its local maxima above the horizon, and suncalc's sun there.
 */
export function bruteForcePasses(target: { longitude: number; latitude: number }, start: Date, end: Date, tle = DEMO_TLE) {
  const satrec = twoline2satrec(tle.tle_line1, tle.tle_line2);
  const observer = { longitude: target.longitude / DEG, latitude: target.latitude / DEG, height: 0 };
  const observerEcf = geodeticToEcf(observer);
  const samples: { t: number; elevation: number; satEcf: { x: number; y: number; z: number }; sub: { longitude: number; latitude: number } }[] = [];
  for (let t = start.getTime(); t <= end.getTime(); t += 1000) {
    const state = propagate(satrec, new Date(t))!;
    const gmst = gstime(new Date(t));
    const satEcf = eciToEcf(state.position, gmst);
    const sub = eciToGeodetic(state.position, gmst);
    samples.push({ t, elevation: ecfToLookAngles(observer, satEcf).elevation * DEG, satEcf, sub: { longitude: sub.longitude * DEG, latitude: sub.latitude * DEG } });
  }
  const passes = [];
  for (let i = 1; i < samples.length - 1; i++) {
    const s = samples[i]!;
    if (s.elevation > 0 && s.elevation > samples[i - 1]!.elevation && s.elevation >= samples[i + 1]!.elevation) {
      const satRadius = Math.hypot(s.satEcf.x, s.satEcf.y, s.satEcf.z);
      const earthRadius = Math.hypot(observerEcf.x, observerEcf.y, observerEcf.z);
      passes.push({
        time: new Date(s.t),
        elevation: s.elevation,
        // Spherical geometry: sin(off-nadir) = (R_earth / R_sat) · cos(elevation).
        offNadir: Math.asin((earthRadius / satRadius) * Math.cos(s.elevation / DEG)) * DEG,
        solarZenith: 90 - getPosition(new Date(s.t), target.latitude, target.longitude).altitude,
        sub: s.sub,
      });
    }
  }
  return passes;
}

