import type { Queryable } from '../../../platform/db/database.js';
import { NotFoundError } from '../../../platform/errors.js';
import { factorLibrary, type EmissionFactor } from './library.js';
import { chooseFactor, type FactorRequest } from './selection.js';
import * as queries from './factors.queries.js';
import { randomId } from '../quantities.js';


function fromRow(row: queries.OrganizationFactorRow): EmissionFactor {
  return {
    id: row.id,
    version: String(row.version),
    activity: row.activity,
    unit: row.unit,
    region: row.region,
    year: row.year,
    kg_co2e_per_unit: row.kg_co2e_per_unit,
    gases: { co2: null, ch4: null, n2o: null, co2_biogenic: row.co2_biogenic_per_unit },
    scope: row.scope,
    method: row.method,
    basis: null,
    gwp_set: null,
    source: { publisher: row.source, dataset: 'organization', table: null, row: null },
    licence: 'the organization’s own',
    organization_id: row.organization_id,
  };
}

/** The library plus the organization's own factors: what an organization may choose from. */
async function candidates(db: Queryable, organizationId: string, activity?: string) {
  const own = (await queries.selectFactors(db, organizationId, activity)).map(fromRow);
  return [...own, ...factorLibrary().filter((f) => !activity || f.activity === activity)];
}

export interface FactorSearch {
  activity?: string | undefined;
  region?: string | undefined;
  year?: number | undefined;
  limit: number;
  offset: number;
}

export async function searchFactors(db: Queryable, organizationId: string, search: FactorSearch) {
  const all = (await candidates(db, organizationId, search.activity)).filter(
    (f) => (!search.region || f.region === search.region) && (search.year === undefined || f.year === search.year),
  );
  return { data: all.slice(search.offset, search.offset + search.limit), total: all.length };
}

export async function getFactor(db: Queryable, organizationId: string, id: string) {
  const own = id.startsWith('ef_') ? await queries.selectFactor(db, organizationId, id) : undefined;
  const factor = own ? fromRow(own) : factorLibrary().find((f) => f.id === id);
  if (!factor) throw new NotFoundError(`Emission factor ${id} not found.`);
  return factor;
}

export async function resolveFactor(db: Queryable, organizationId: string, request: FactorRequest) {
  const choice = chooseFactor(await candidates(db, organizationId, request.activity), request);
  if (!choice) throw new NotFoundError(`No emission factor for ${request.activity}.`);
  return choice;
}

export interface NewFactor {
  activity: string;
  unit: string;
  region: string;
  year: number;
  kg_co2e_per_unit: number;
  co2_biogenic_per_unit?: number | undefined;
  scope: 1 | 2 | 3;
  method?: 'location-based' | 'market-based' | undefined;
  source: string;
}

export async function createFactor(db: Queryable, organizationId: string, input: NewFactor) {
  const id = randomId('ef');
  return fromRow(
    await queries.insertFactor(db, {
      organization_id: organizationId,
      id,
      activity: input.activity,
      unit: input.unit,
      region: input.region,
      year: input.year,
      kg_co2e_per_unit: input.kg_co2e_per_unit,
      co2_biogenic_per_unit: input.co2_biogenic_per_unit ?? null,
      scope: input.scope,
      method: input.method ?? null,
      source: input.source,
    }),
  );
}

/** A new version of the organization's factor; the caller recalculates what used the old one. */
export async function replaceFactor(db: Queryable, organizationId: string, id: string, values: { kg_co2e_per_unit: number; co2_biogenic_per_unit?: number | undefined; source: string }) {
  const row = await queries.replaceFactorValues(db, organizationId, id, {
    kgCo2ePerUnit: values.kg_co2e_per_unit,
    co2BiogenicPerUnit: values.co2_biogenic_per_unit ?? null,
    source: values.source,
  });
  if (!row) throw new NotFoundError(`Emission factor ${id} not found (only your own factors can be replaced).`);
  return fromRow(row);
}

export async function factorVersions(db: Queryable, organizationId: string, id: string) {
  return (await queries.selectFactorVersions(db, organizationId, id)).map((v) => ({ ...v, version: String(v.version), replaced_at: v.replaced_at.toISOString() }));
}

/** The shipped library's factor ids and their versions, as two parallel arrays. */
export function libraryVersions() {
  const factors = factorLibrary();
  return { ids: factors.map((f) => f.id), versions: factors.map((f) => f.version) };
}
