import { twoline2satrec, propagate, type SatRec } from 'satellite.js';

/** The checksum digit of a TLE line: digits summed, each minus sign counting 1, modulo 10. */
export function tleChecksum(line: string): number {
  let sum = 0;
  for (const char of line.slice(0, 68)) {
    if (char >= '0' && char <= '9') sum += Number(char);
    else if (char === '-') sum += 1;
  }
  return sum % 10;
}

/**
 * Why a two-line element set is unusable, or null when SGP4 accepts it: both lines 69 characters,
 * numbered 1 and 2, with valid checksums and the same catalogue number, and a first propagation
 * (at the epoch) that succeeds.
 */
export function tleProblem(line1: string, line2: string): { field: 'tle_line1' | 'tle_line2'; message: string } | null {
  const lines = [
    { field: 'tle_line1' as const, line: line1, number: '1' },
    { field: 'tle_line2' as const, line: line2, number: '2' },
  ];
  for (const { field, line, number } of lines) {
    if (line.length !== 69) return { field, message: `A TLE line has 69 characters; this one has ${line.length}.` };
    if (!/^[ -~]+$/.test(line)) return { field, message: 'A TLE line holds printable ASCII only.' };
    if (line[0] !== number || line[1] !== ' ') return { field, message: `Line ${number} of a TLE starts with "${number} ".` };
    const expected = tleChecksum(line);
    if (line[68] !== String(expected)) return { field, message: `Checksum digit ${line[68]} is wrong; it should be ${expected}.` };
  }
  if (line1.slice(2, 7) !== line2.slice(2, 7)) return { field: 'tle_line2', message: 'The two lines name different satellite numbers.' };
  let satrec: SatRec;
  try {
    satrec = twoline2satrec(line1, line2);
  } catch {
    return { field: 'tle_line1', message: 'The element set cannot be read.' };
  }
  if (satrec.error !== 0 || !Number.isFinite(satrec.no) || satrec.no <= 0) return { field: 'tle_line2', message: 'SGP4 rejects these orbital elements.' };
  // Deep-space orbits (period of 225 minutes or more: Molniya, geostationary) are propagated by
  // re-integrating from the epoch at every step back in time, which costs seconds per search;
  // imaging satellites that tasking asks to look again are all in low orbits.
  if ((satrec as SatRec & { method?: string }).method === 'd') return { field: 'tle_line2', message: 'Only near-Earth orbits (period under 225 minutes) can be tasked; this element set is a deep-space orbit.' };
  const epoch = epochOf(satrec);
  const state = propagate(satrec, epoch);
  if (!state || !Number.isFinite(state.position.x)) return { field: 'tle_line2', message: 'SGP4 cannot propagate these orbital elements.' };
  return null;
}

/** The element set's epoch as a Date (satrec.jdsatepoch is a Julian date). */
export function epochOf(satrec: SatRec): Date {
  return new Date((satrec.jdsatepoch - 2440587.5) * 86_400_000);
}

/** A TLE line with its checksum digit recomputed (for building demo and test element sets). */
export function withChecksum(line68: string): string {
  return line68.slice(0, 68) + String(tleChecksum(line68));
}
