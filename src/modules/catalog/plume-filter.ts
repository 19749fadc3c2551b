import type { Interval } from './intervals.js';

export const GASES = ['CH4', 'CO2'] as const;
export const INSTRUMENTS = ['GAO', 'ang', 'av3', 'emi', 'tan', 'ssc'] as const;
export const QUALITIES = ['good', 'questionable', 'bad'] as const;
export const STATUSES = ['valid', 'publish_ready', 'publish_delayed', 'published', 'deleted', 'hidden'] as const;
export const SORTS = ['asc', 'desc', 'emissions_desc', 'emissions_asc', 'published_desc', 'published_asc'] as const;

export type PlumeStatus = (typeof STATUSES)[number];
export type PlumeSort = (typeof SORTS)[number];

/** The catalog's plume filters, parsed: every field optional, all of them combined with AND. */
export interface PlumeFilter {
  plumeIds?: string[];
  plumeNames?: string[];
  sceneName?: string;
  sceneIds?: string[];
  search?: string;
  emissionMin?: number;
  emissionMax?: number;
  /** Sector codes; `NULL` matches plumes without a sector. */
  sectors?: string[];
  gas?: string;
  instruments?: string[];
  qualities?: string[];
  /** [longitude, latitude]: plumes whose bounds (or, lacking bounds, whose point) cover it. */
  intersects?: [number, number];
  hasPhme?: boolean;
  datetime?: Interval;
  publishedAt?: Interval;
  modifiedAt?: Interval;
  status?: PlumeStatus;
  /** Deleted plumes too (sources' `status=all`); otherwise they show only when `status` asks for them. */
  includeDeleted?: boolean;
  /** Plumes of the named source (set by the catalog service, which clusters to find them). */
  plumeIdsOfSource?: string[];
  /** [west, south, east, north]: plumes whose point lies inside. */
  bbox?: [number, number, number, number];
  /** Areas (hex EWKB, from aoi_id and gadm_composite_id): plumes whose point lies in any of them. */
  areas?: string[];
}

/**
 * Who is looking. Published plumes are everyone's; the owner organization's analysts (scope
 * `catalog:write`) also see its unpublished ones.
 */
export interface Viewer {
  organizationId: string | null;
}

export const ANONYMOUS: Viewer = { organizationId: null };

/** Whether the filter sets nothing beyond these fields: what a maintained aggregate kept by them can answer. */
export function filtersOnly(filter: PlumeFilter, fields: ReadonlySet<keyof PlumeFilter>): boolean {
  return Object.entries(filter).every(([field, value]) => value === undefined || fields.has(field as keyof PlumeFilter));
}

/** Status changes the curation workflow allows: valid → publish_ready/publish_delayed → published; deleted is final. */
const TRANSITIONS: Record<PlumeStatus, readonly PlumeStatus[]> = {
  valid: ['publish_ready', 'publish_delayed', 'hidden', 'deleted'],
  publish_ready: ['published', 'publish_delayed', 'valid', 'hidden', 'deleted'],
  publish_delayed: ['publish_ready', 'published', 'valid', 'hidden', 'deleted'],
  published: ['hidden', 'deleted'],
  hidden: ['valid', 'deleted'],
  deleted: [],
};

export function canMove(from: PlumeStatus, to: PlumeStatus): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

/** Bijective base 26: 0 → A, 25 → Z, 26 → AA — the letter of a scene's n-th plume. */
export function plumeLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}
