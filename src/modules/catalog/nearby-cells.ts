/**
 * A grid that tells, with one hash probe, whether a plume may lie near any plume of a page: the
 * cells that each page plume's neighbourhood box touches are listed here, and a candidate whose
 * cell (with its gas) is not among them is passed over before the exact distance test. Rows are
 * 1/256 degree of latitude; a row's cells narrow in degrees of longitude towards the poles, so a
 * neighbourhood of 1 km touches a few dozen cells at any latitude.
 *
 * The key is computed here for the page and in SQL (plumes.queries.ts) for candidates; both use the
 * same integer scales, so the floor of a coordinate times a scale is the same float8 operation.
 */
export const ROWS_PER_DEGREE = 256;

/** Cells per degree of longitude by a row's distance from the equator (|row|, in rows): [below, scale]. */
export const LONGITUDE_SCALES: ReadonlyArray<readonly [number, number]> = [
  [60 * ROWS_PER_DEGREE, 256],
  [75 * ROWS_PER_DEGREE, 128],
  [82.5 * ROWS_PER_DEGREE, 64],
  [Infinity, 16],
];

/** Beyond the float4 rounding of `&&` (< 3e-5 degree) and any difference between JS and PostgreSQL trigonometry. */
const MARGIN_DEGREES = 1e-4;

export function longitudeScale(row: number): number {
  const distance = Math.abs(row);
  return LONGITUDE_SCALES.find(([below]) => distance < below)![1];
}

/** Unique per row, column and gas; below 2^35, so exact as a JS number and as int8. */
export function cellKey(row: number, column: number, gas: string): number {
  return ((row + 32768) * 131072 + (column + 65536)) * 2 + (gas === 'CO2' ? 1 : 0);
}

/**
 * Degrees of longitude the neighbourhood box reaches each way from a plume, as the SQL's ST_Expand
 * (nearbyDegrees), widened by the margin.
 */
export function longitudeReach(latitude: number, metres: number): number {
  return metres / 111000 / Math.max(Math.cos((latitude * Math.PI) / 180), 0.01) + MARGIN_DEGREES;
}

/**
 * Degrees of latitude a plume within `metres` can be away: a degree of meridian is at least
 * 110,574 m on the WGS 84 spheroid. (The box reaches as far in latitude as in longitude, up to
 * 0.9 degree near a pole; the exact distance test bounds it here.)
 */
export function latitudeReach(metres: number): number {
  return metres / 110000 + MARGIN_DEGREES;
}

export interface PagePlume {
  longitude: number;
  latitude: number;
  gas: string;
}

/** Keys of every cell a page plume's neighbourhood touches (its box, within the distance in latitude), for its own gas. */
export function nearbyCellKeys(plumes: PagePlume[], metres: number): number[] {
  const keys = new Set<number>();
  for (const { longitude, latitude, gas } of plumes) {
    const [reach, rowReach] = [longitudeReach(latitude, metres), latitudeReach(metres)];
    const lastRow = Math.floor((latitude + rowReach) * ROWS_PER_DEGREE);
    for (let row = Math.floor((latitude - rowReach) * ROWS_PER_DEGREE); row <= lastRow; row += 1) {
      const scale = longitudeScale(row);
      const lastColumn = Math.floor((longitude + reach) * scale);
      for (let column = Math.floor((longitude - reach) * scale); column <= lastColumn; column += 1) keys.add(cellKey(row, column, gas));
    }
  }
  return [...keys];
}

/** The key of a point, as plumes.queries.ts computes it for a candidate (tests check the two agree). */
export function pointCellKey(longitude: number, latitude: number, gas: string): number {
  const row = Math.floor(latitude * ROWS_PER_DEGREE);
  return cellKey(row, Math.floor(longitude * longitudeScale(row)), gas);
}
