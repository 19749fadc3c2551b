import { readFileSync } from 'node:fs';
import countries from 'i18n-iso-countries';

/** One emission factor: how many kgCO2e one unit of an activity emits, and where that comes from. */
export interface EmissionFactor {
  /** Stable across versions of the same factor: `<dataset>:<key>`. */
  id: string;
  version: string;
  activity: string;
  unit: string;
  /** ISO 3166-1 alpha-2, or `GLOBAL`. */
  region: string;
  year: number;
  kg_co2e_per_unit: number;
  gases: { co2: number | null; ch4: number | null; n2o: number | null; co2_biogenic: number | null };
  scope: 1 | 2 | 3;
  method: 'location-based' | 'market-based' | null;
  basis: string | null;
  gwp_set: 'AR5' | 'AR6' | null;
  source: { publisher: string; dataset: string; table: string | null; row: string | null };
  licence: string;
  organization_id: string | null;
}

const resource = (name: string) => JSON.parse(readFileSync(new URL(`../../../../resources/emission-factors/${name}`, import.meta.url), 'utf8'));
const NO_GASES = { co2: null, ch4: null, n2o: null, co2_biogenic: null };

interface EmberFile {
  dataset: string;
  version: string;
  publisher: string;
  licence: string;
  basis: string;
  world: { year: number; g_co2e_per_kwh: number };
  countries: { region: string; name: string; year: number; g_co2e_per_kwh: number }[];
}

/** Ember lists countries by alpha-3; facilities use alpha-2 (Kosovo, XKX, keeps its code). */
function alpha2(alpha3: string): string {
  return countries.alpha3ToAlpha2(alpha3) ?? alpha3;
}

function electricity(file: EmberFile): EmissionFactor[] {
  const factor = (region: string, year: number, grams: number, row: string): EmissionFactor => ({
    id: `${file.dataset}:${region}`,
    version: file.version,
    activity: 'electricity',
    unit: 'kWh',
    region,
    year,
    kg_co2e_per_unit: Math.round(grams * 1000) / 1e6,
    gases: NO_GASES,
    scope: 2,
    method: 'location-based',
    basis: file.basis,
    gwp_set: null,
    source: { publisher: file.publisher, dataset: file.dataset, table: 'average-intensities', row },
    licence: file.licence,
    organization_id: null,
  });
  return [
    factor('GLOBAL', file.world.year, file.world.g_co2e_per_kwh, 'World'),
    ...file.countries.map((c) => factor(alpha2(c.region), c.year, c.g_co2e_per_kwh, `${c.region} (${c.name})`)),
  ];
}

interface DesnzFile {
  dataset: string;
  version: string;
  publisher: string;
  licence: string;
  region: string;
  year: number;
  factors: {
    key: string;
    activity: string;
    unit: string;
    kg_co2e_per_unit: number;
    /** Biomass: the CO2 DESNZ reports "outside of scopes", per unit. */
    co2_biogenic_per_unit?: number;
    scope: 1 | 2 | 3;
    method?: EmissionFactor['method'];
    basis: string;
    table: string;
    row: string;
  }[];
}

/** DESNZ factors are the UK's, and serve as the global default where no country has its own. */
function desnzFactors(file: DesnzFile): EmissionFactor[] {
  return file.factors.flatMap((f) =>
    [file.region, 'GLOBAL'].map((region) => ({
      id: `${file.dataset}:${f.key}${region === 'GLOBAL' ? '' : `:${region}`}`,
      version: file.version,
      activity: f.activity,
      unit: f.unit,
      region,
      year: file.year,
      kg_co2e_per_unit: f.kg_co2e_per_unit,
      gases: { ...NO_GASES, co2_biogenic: f.co2_biogenic_per_unit ?? null },
      scope: f.scope,
      method: f.method ?? null,
      basis: f.basis,
      gwp_set: null,
      source: { publisher: file.publisher, dataset: file.dataset, table: f.table, row: f.row },
      licence: file.licence,
      organization_id: null,
    })),
  );
}

interface GwpFile {
  dataset: string;
  version: string;
  publisher: string;
  licence: string;
  gases: Record<string, Record<string, number>>;
  refrigerants: Record<string, Record<string, number>>;
}

/** A blend's GWP is the mass-weighted sum of its components' (IPCC / F-gas regulation practice). */
export function blendGwp(composition: Record<string, number>, gases: GwpFile['gases'], set: 'AR5' | 'AR6'): number {
  const total = Object.entries(composition).reduce((sum, [gas, fraction]) => sum + fraction * gases[gas]![set]!, 0);
  return Math.round(total * 10) / 10;
}

function refrigerants(file: GwpFile): EmissionFactor[] {
  return Object.entries(file.refrigerants).flatMap(([name, composition]) =>
    (['AR5', 'AR6'] as const).map((set) => ({
      id: `${file.dataset}:${name}:${set}`,
      version: file.version,
      activity: `refrigerant:${name}`,
      unit: 'kg',
      region: 'GLOBAL',
      year: set === 'AR5' ? 2013 : 2021,
      kg_co2e_per_unit: blendGwp(composition, file.gases, set),
      gases: NO_GASES,
      scope: 1 as const,
      method: null,
      basis: `GWP-100, ${Object.entries(composition).map(([gas, f]) => `${Math.round(f * 100)}% ${gas}`).join(' + ')}`,
      gwp_set: set,
      source: { publisher: file.publisher, dataset: file.dataset, table: 'GWP-100', row: name },
      licence: file.licence,
      organization_id: null,
    })),
  );
}

let library: EmissionFactor[] | undefined;

/** Every factor shipped with Carbon Atlas, loaded once. */
export function factorLibrary(): readonly EmissionFactor[] {
  library ??= [
    ...electricity(resource('ember-grid-electricity.json')),
    ...desnzFactors(resource('desnz-2024.json')),
    ...desnzFactors(resource('desnz-2025-water.json')),
    ...desnzFactors(resource('desnz-2025-heat-bioenergy.json')),
    ...refrigerants(resource('refrigerants-gwp.json')),
  ];
  return library;
}

export function gwpTable(): GwpFile['gases'] {
  return (resource('refrigerants-gwp.json') as GwpFile).gases;
}
