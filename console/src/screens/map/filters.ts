import type { Query } from '../../api/client.js';

/** The catalog's IPCC sectors with the names its CSV export uses. */
export const SECTORS: ReadonlyArray<{ code: string; name: string }> = [
  { code: '1B2', name: 'Oil & Gas' },
  { code: '1B1a', name: 'Coal Mining' },
  { code: '6A', name: 'Solid Waste' },
  { code: '6B', name: 'Wastewater' },
  { code: '4B', name: 'Livestock' },
  { code: '1A1', name: 'Electricity Generation' },
  { code: 'other', name: 'Other' },
  { code: 'NA', name: 'Not attributed' },
];

export function sectorName(code: string | null | undefined): string {
  if (!code) return 'No sector';
  const sector = SECTORS.find((entry) => entry.code === code);
  return sector ? `${sector.name} (${sector.code})` : code;
}

export const INSTRUMENTS = ['GAO', 'ang', 'av3', 'emi', 'tan', 'ssc'] as const;
export const STATUSES = ['published', 'publish_ready', 'publish_delayed', 'valid', 'hidden'] as const;
export const QUALITIES = ['good', 'questionable', 'bad'] as const;

/**
 * Every filter of the map, as kept in the address bar (short names a person can read and edit).
 * `sectors`, `quality` are comma lists; `bbox` is west,south,east,north.
 */
export const FILTER_KEYS = ['sectors', 'from', 'to', 'instrument', 'gas', 'emin', 'emax', 'minplumes', 'persistence', 'status', 'quality', 'eps', 'bbox', 'area', 'aoi'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string>>;

export function filtersOf(query: URLSearchParams): Filters {
  const filters: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = query.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

const list = (value: string | undefined) => (value ? value.split(',').filter(Boolean) : undefined);

/** The catalog's plume filter set (plumes/annotated, plume-csv, the plume tiles, sources…). */
export function plumeQuery(filters: Filters): Query {
  const datetime = filters.from || filters.to ? `${filters.from || '..'}/${filters.to || '..'}` : undefined;
  return {
    sectors: list(filters.sectors),
    datetime,
    instrument: filters.instrument,
    plume_gas: filters.gas,
    emission_min: filters.emin,
    emission_max: filters.emax,
    status: filters.status,
    qualities: list(filters.quality),
    bbox: list(filters.bbox),
    gadm_composite_id: filters.area,
    aoi_id: filters.aoi,
  };
}

/** The plume filters plus the clustering of sources. */
export function sourceQuery(filters: Filters): Query {
  return { ...plumeQuery(filters), eps: filters.eps, minpoints: filters.minplumes };
}

/** The scene filters that match the plume filters (for the scene footprints and the scene GeoPackage). */
export function sceneQuery(filters: Filters): Query {
  const datetime = filters.from || filters.to ? `${filters.from || '..'}/${filters.to || '..'}` : undefined;
  return { instrument: filters.instrument, plume_gas: filters.gas, datetime, bbox: list(filters.bbox), plume_sectors: list(filters.sectors), gadm_composite_id: filters.area, aoi_id: filters.aoi };
}

/** A query string as the URL of a TileJSON carries it into its tile URLs. */
export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === '') continue;
    if (Array.isArray(value)) for (const item of value) params.append(name, String(item));
    else params.set(name, String(value));
  }
  return params.toString();
}
