/** How many of a base unit one unit is: energy in kWh, volume in litres, mass in kg. */
const UNITS: Record<string, { base: 'kWh' | 'litre' | 'kg'; factor: number }> = {
  kWh: { base: 'kWh', factor: 1 },
  MWh: { base: 'kWh', factor: 1000 },
  GJ: { base: 'kWh', factor: 1000 / 3.6 },
  therm: { base: 'kWh', factor: 29.3071 },
  litre: { base: 'litre', factor: 1 },
  m3: { base: 'litre', factor: 1000 },
  'm³': { base: 'litre', factor: 1000 },
  kg: { base: 'kg', factor: 1 },
  t: { base: 'kg', factor: 1000 },
};

/** The units activity data may be entered in. */
export const CONSUMPTION_UNITS = Object.keys(UNITS).filter((unit) => unit !== 'm³');

/** `quantity` in `from` expressed in `to`, or undefined when they measure different things. */
export function convert(quantity: number, from: string, to: string): number | undefined {
  const source = UNITS[from];
  const target = UNITS[to];
  if (!source || !target || source.base !== target.base) return undefined;
  return (quantity * source.factor) / target.factor;
}

export function convertible(from: string, to: string): boolean {
  return convert(1, from, to) !== undefined;
}
