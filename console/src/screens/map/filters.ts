import type { Query } from '../../api/client.js';
import type { paths } from '../../api/openapi.js';

/** The queries of the catalog's endpoints the map calls, as the OpenAPI document declares them. */
export type PlumeQuery = NonNullable<paths['/api/v1/catalog/plumes/annotated']['get']['parameters']['query']>;
export type SourceQuery = NonNullable<paths['/api/v1/catalog/sources/aggregate']['get']['parameters']['query']>;
export type SceneQuery = NonNullable<paths['/api/v1/catalog/download/scenes.gpkg']['get']['parameters']['query']>;
type Sector = NonNullable<PlumeQuery['sectors']>[number];

/** The catalog's IPCC sectors with the names its CSV export uses. */
export const SECTORS: ReadonlyArray<{ code: Sector; name: string }> = [
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

export const INSTRUMENTS = ['GAO', 'ang', 'av3', 'emi', 'tan', 'ssc'] as const satisfies readonly NonNullable<PlumeQuery['instrument']>[];
export const STATUSES = ['published', 'publish_ready', 'publish_delayed', 'valid', 'hidden'] as const satisfies readonly NonNullable<PlumeQuery['status']>[];
export const QUALITIES = ['good', 'questionable', 'bad'] as const satisfies readonly NonNullable<PlumeQuery['qualities']>[number][];
const GASES = ['CH4', 'CO2'] as const satisfies readonly NonNullable<PlumeQuery['plume_gas']>[];

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
const number = (value: string | undefined) => (value ? Number(value) : undefined);
const numbers = (value: string | undefined) => list(value)?.map(Number);
const one = (value: string | undefined) => (value ? [value] : undefined);
/** A value of the address the API knows (an edited address may carry one it would refuse: left out). */
function known<T extends string>(values: readonly T[], value: string | undefined): T | undefined {
  return values.find((candidate) => candidate === value);
}
function knownList<T extends string>(values: readonly T[], value: string | undefined): T[] | undefined {
  return list(value)?.flatMap((item) => values.filter((candidate) => candidate === item));
}
const sectorCodes = SECTORS.map((sector) => sector.code);

function datetimeOf(filters: Filters): string | undefined {
  return filters.from || filters.to ? `${filters.from || '..'}/${filters.to || '..'}` : undefined;
}

/** The catalog's plume filter set (plumes/annotated, plume-csv, the plume tiles, sources…). */
export function plumeQuery(filters: Filters): PlumeQuery {
  return {
    sectors: knownList(sectorCodes, filters.sectors),
    datetime: datetimeOf(filters),
    instrument: known(INSTRUMENTS, filters.instrument),
    plume_gas: known(GASES, filters.gas),
    emission_min: number(filters.emin),
    emission_max: number(filters.emax),
    status: known(STATUSES, filters.status),
    qualities: knownList(QUALITIES, filters.quality),
    bbox: numbers(filters.bbox),
    gadm_composite_id: one(filters.area),
    aoi_id: one(filters.aoi),
  };
}

/** The plume filters plus the clustering of sources. */
export function sourceQuery(filters: Filters): SourceQuery {
  return { ...plumeQuery(filters), eps: number(filters.eps), minpoints: number(filters.minplumes) };
}

/** The scene filters that match the plume filters (for the scene footprints and the scene GeoPackage). */
export function sceneQuery(filters: Filters): SceneQuery {
  return {
    instrument: known(INSTRUMENTS, filters.instrument),
    plume_gas: known(GASES, filters.gas),
    datetime: datetimeOf(filters),
    bbox: numbers(filters.bbox),
    plume_sectors: knownList(sectorCodes, filters.sectors),
    gadm_composite_id: one(filters.area),
    aoi_id: one(filters.aoi),
  };
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
