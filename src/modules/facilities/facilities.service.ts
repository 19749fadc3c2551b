import type { Readable } from 'node:stream';
import type { Database, Queryable } from '../../platform/db/database.js';
import { csvRecord } from '../../platform/http/csv.js';
import { pullStream } from '../../platform/http/streaming.js';
import { type FieldIssue, NotFoundError, ValidationError } from '../../platform/errors.js';
import { checkCups, supplyPointOf } from './cups.js';
import { isIsoCountry } from './countries.js';
import * as queries from './facilities.queries.js';
import type { FacilityFilter, FacilityValues } from './facilities.queries.js';
import { DEFAULT_PAGE, DEFAULT_PAGE_SIZE, type CreateFacilityBody, type Facility, type ListFacilitiesQuery, type UpdateFacilityBody } from './facilities.schemas.js';

export const DEFAULT_LOGISTIC_FACTOR = 0.8;

function notFound(id: string) {
  return new NotFoundError(`Facility with id=${id} not found`);
}

/** Country and CUPS rules that a JSON schema cannot express; all problems are reported at once. */
function normalizeValues(values: FacilityValues): FacilityValues {
  const issues: FieldIssue[] = [];
  const country = values.country.toUpperCase();
  if (!isIsoCountry(country)) {
    issues.push({ location: 'body', path: ['country'], message: `${values.country} is not an ISO 3166-1 alpha-2 country code`, type: 'country_code' });
  }
  const cupsList: string[] = [];
  const seen = new Map<string, number>();
  values.cups_list.forEach((code, index) => {
    const check = checkCups(code);
    if (!check.valid) {
      issues.push({ location: 'body', path: ['cups_list', index], message: `CUPS ${check.cups} is invalid: ${check.reason}`, type: 'cups' });
      return;
    }
    const previous = seen.get(check.supplyPoint);
    if (previous !== undefined) {
      issues.push({ location: 'body', path: ['cups_list', index], message: `CUPS ${check.cups} repeats the supply point of cups_list[${previous}]`, type: 'cups_duplicate' });
      return;
    }
    seen.set(check.supplyPoint, index);
    cupsList.push(check.cups);
  });
  if (issues.length) throw new ValidationError(issues);
  return { ...values, country, cups_list: cupsList, address: values.address?.trim() || null, name: values.name.trim() };
}

/** An active facility holds its supply points; a code held by another active facility is refused. */
async function syncSupplyPoints(tx: Queryable, organizationId: string, facility: Facility) {
  await queries.releaseSupplyPoints(tx, organizationId, facility.id);
  if (facility.status !== 'active') return;
  const supplyPoints = facility.cups_list.map(supplyPointOf);
  const conflicts = await queries.claimSupplyPoints(tx, organizationId, facility.id, supplyPoints);
  if (conflicts.length === 0) return;
  throw new ValidationError(
    conflicts.map((conflict) => ({
      location: 'body' as const,
      path: ['cups_list', supplyPoints.indexOf(conflict.supply_point)],
      message: `CUPS ${facility.cups_list[supplyPoints.indexOf(conflict.supply_point)]} already belongs to active facility ${conflict.facility_id}`,
      type: 'cups_in_use',
    })),
  );
}

export interface ListRequest {
  page: number;
  size: number;
  filter: FacilityFilter;
}

/** Defaults applied and equivalent spellings merged, so equal requests compare equal. */
export function normalizeListQuery(query: ListFacilitiesQuery): ListRequest {
  const statuses = [...new Set([...(query['status[]'] ?? []), ...(query.status ?? [])])].sort();
  return {
    page: query.page ?? DEFAULT_PAGE,
    size: query.size ?? DEFAULT_PAGE_SIZE,
    filter: { name: query.name, country: query.country?.toUpperCase(), type: query.type, statuses },
  };
}

/**
 * A page as the JSON text FacilityPage's serializer would write (its keys in order): the items come
 * from PostgreSQL already written (decision 0039), and Node neither parses nor serializes them.
 */
export async function listFacilities(db: Queryable, organizationId: string, { page, size, filter }: ListRequest): Promise<string> {
  const result = await queries.selectFacilityPage(db, organizationId, filter, size, (page - 1) * size);
  const pages = Math.ceil(result.total / size);
  return `{"items":[${result.itemsJson}],"total":${result.total},"total2":${result.archived},"page":${page},"size":${size},"pages":${pages}}`;
}

export const facilitiesRevision = queries.selectFacilityRevision;

export async function getFacility(db: Queryable, organizationId: string, id: string) {
  const facility = await queries.selectFacility(db, organizationId, id);
  if (!facility) throw notFound(id);
  return facility;
}

/** Creates a facility; a fixed `id` makes it idempotent (demo data): an existing one is kept. */
export async function createFacility(db: Database, organizationId: string, input: CreateFacilityBody, id?: string) {
  const values = normalizeValues({
    name: input.name,
    type: input.type,
    country: input.country,
    address: input.address ?? null,
    status: input.status ?? 'active',
    logistic_factor: input.logistic_factor ?? DEFAULT_LOGISTIC_FACTOR,
    categories: input.categories ?? [],
    cups_list: input.cups_list ?? [],
    facility_purpose_type: input.facility_purpose_type ?? 'facilities',
  });
  return db.transaction(async (tx) => {
    const facility = await queries.insertFacility(tx, organizationId, values, id);
    if (!facility) return getFacility(tx, organizationId, id!);
    await syncSupplyPoints(tx, organizationId, facility);
    return facility;
  });
}

export async function updateFacility(db: Database, organizationId: string, id: string, patch: UpdateFacilityBody) {
  return db.transaction(async (tx) => {
    const current = await queries.selectFacility(tx, organizationId, id, { forUpdate: true });
    if (!current) throw notFound(id);
    const values = normalizeValues({
      name: patch.name ?? current.name,
      type: patch.type ?? current.type,
      country: patch.country ?? current.country,
      address: patch.address === undefined ? current.address : patch.address,
      status: patch.status ?? current.status,
      logistic_factor: patch.logistic_factor ?? current.logistic_factor,
      categories: patch.categories ?? current.categories,
      cups_list: patch.cups_list ?? current.cups_list,
      facility_purpose_type: patch.facility_purpose_type ?? current.facility_purpose_type,
    });
    const facility = await queries.updateFacilityRow(tx, organizationId, id, values);
    await syncSupplyPoints(tx, organizationId, facility);
    return facility;
  });
}

export async function deleteFacility(db: Queryable, organizationId: string, id: string) {
  if (!(await queries.deleteFacilityRow(db, organizationId, id))) throw notFound(id);
}

/** For the emissions module: the facility's co2e and co2e_biomass after its consumption changed. */
export const setEmissionTotals = queries.updateEmissionTotals;

/** The export's columns: the list's fields, with the array fields joined by semicolons. */
export const FACILITY_CSV_COLUMNS = ['id', 'name', 'type', 'country', 'address', 'status', 'co2e', 'co2e_biomass', 'logistic_factor', 'categories', 'cups_list', 'facility_purpose_type', 'created_at', 'updated_at'] as const;
const EXPORT_CHUNK = 1000;

/**
 * Every facility matching the list's filters as CSV, newest first, read a chunk at a time as the
 * client takes it (keyset, so a facility created meanwhile never shifts or repeats a row).
 */
export async function facilitiesCsv(db: Queryable, organizationId: string, filter: FacilityFilter): Promise<Readable> {
  // The first chunk is read before answering, so that a query that fails does so as an error
  // answer, not as a download cut short after its 200.
  let rows = await queries.selectFacilityExportChunk(db, organizationId, filter, null, EXPORT_CHUNK);
  let header = true;
  return pullStream(async () => {
    if (header) {
      header = false;
      return csvRecord(FACILITY_CSV_COLUMNS);
    }
    if (rows.length === 0) return null;
    const text = rows.map((row) => facilityCsvRecord(queries.toFacility(row))).join('');
    const last = rows.at(-1)!;
    rows = rows.length < EXPORT_CHUNK ? [] : await queries.selectFacilityExportChunk(db, organizationId, filter, { createdKey: last.created_key, id: last.id }, EXPORT_CHUNK);
    return text;
  });
}

function facilityCsvRecord(facility: Facility): string {
  return csvRecord(FACILITY_CSV_COLUMNS.map((column) => (Array.isArray(facility[column]) ? (facility[column] as string[]).join(';') : facility[column])));
}
