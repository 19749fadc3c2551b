/** IPCC sectors of the catalog, with the labels the public CSV export writes (`Oil & Gas (1B2)`). */
export const SECTORS = ['1B2', '6A', '6B', '4B', '1B1a', '1A1', 'other', 'NA'] as const;
export type Sector = (typeof SECTORS)[number];

export const LABELS: Record<Sector, string> = {
  '1B2': 'Oil & Gas (1B2)',
  '6A': 'Solid Waste (6A)',
  '6B': 'Wastewater (6B)',
  '4B': 'Livestock (4B)',
  '1B1a': 'Coal Mining (1B1a)',
  '1A1': 'Electricity Generation (1A1)',
  other: 'Other',
  NA: 'NA',
};

export function sectorLabel(sector: string | null): string {
  return sector ? (LABELS[sector as Sector] ?? sector) : '';
}

/**
 * A sector cell as the public CSV writes it — `Oil & Gas (1B2)`, `1B2`, `Other`, `NA`, or empty
 * (no sector) — to its code; undefined when it names no known sector.
 */
export function parseSector(cell: string | undefined): Sector | null | undefined {
  const text = (cell ?? '').trim();
  if (text === '' || text.toLowerCase() === 'null') return null;
  const code = /\(([^()]+)\)\s*$/.exec(text)?.[1] ?? text;
  const match = SECTORS.find((s) => s.toLowerCase() === code.toLowerCase());
  return match;
}
