/**
 * A grid that tells, with one hash probe, whether a plume may lie near any plume of a page: the
 * cells that each page plume's neighbourhood box touches are listed here, and a candidate whose
 * cell (with its gas) is not among them is passed over before the exact distance test. Rows are
 * 1/64 degree of latitude (~1.7 km); a row's cells narrow in degrees of longitude towards the
 * poles, so a neighbourhood of 1 km touches a handful of cells at any latitude. (Finer cells pass
 * fewer candidates on to the exact test but cost more keys to list and send: at 1M plumes a page
 * of 100 listed 3,187 keys at 1/256 degree, 382 at 1/64, for a statement 0.9 ms faster.)
 *
 * The key is computed here for the page and in SQL (plumes.queries.ts) for candidates; both use the
 * same integer scales, so the floor of a coordinate times a scale is the same float8 operation.
 */
export const ROWS_PER_DEGREE = 64;

/** Cells per degree of longitude by a row's distance from the equator (|row|, in rows): [below, scale]. */
export const LONGITUDE_SCALES: ReadonlyArray<readonly [number, number]> = [
  [60 * ROWS_PER_DEGREE, 64],
  [75 * ROWS_PER_DEGREE, 32],
  [82.5 * ROWS_PER_DEGREE, 16],
  [Infinity, 4],
];

/** Beyond the float4 rounding of `&&` (< 3e-5 degree) and any difference between JS and PostgreSQL trigonometry. */
const MARGIN_DEGREES = 1e-4;

export function longitudeScale(row: number): number {
  const distance = Math.abs(row);
  return LONGITUDE_SCALES.find(([below]) => distance < below)![1];
}

/** Offsets that make every row and column positive, and the span of a row's columns. */
export const ROW_OFFSET = 91 * ROWS_PER_DEGREE;
export const COLUMN_OFFSET = 181 * LONGITUDE_SCALES[0]![1];
export const COLUMN_SPAN = 2 * COLUMN_OFFSET;

/** Unique per row, column and gas; below 2^30, so a small integer to V8 (a fast Set and join) and an int4 in SQL. */
export function cellKey(row: number, column: number, gas: string): number {
  return ((row + ROW_OFFSET) * COLUMN_SPAN + (column + COLUMN_OFFSET)) * 2 + (gas === 'CO2' ? 1 : 0);
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
