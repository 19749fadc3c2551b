import type { Database, Queryable } from '../../../platform/db/database.js';
import { NotFoundError, ValidationError } from '../../../platform/errors.js';
import * as facilities from '../../facilities/facilities.service.js';
import * as emissions from '../emissions.queries.js';
import { newEmissionId, view as emissionView } from '../emissions.service.js';
import { libraryVersions, replaceFactor, resolveFactor } from '../factors/factors.service.js';
import { calculate } from './calculation.js';
import * as queries from './consumption.queries.js';

export type Category = queries.ConsumptionRow['category'];

export interface ConsumptionBody {
  category: Category;
  fuel?: string | undefined;
  water_service?: 'supply' | 'treatment' | undefined;
  refrigerant?: string | undefined;
  quantity: number;
  unit: string;
  period_start: string;
  period_end: string;
  cups?: string | undefined;
  supplier_factor?: number | undefined;
}

/** What a category measures: electricity is fixed; water is supplied or treated; heat names its fuel, recharge its refrigerant. */
function activityOf(body: ConsumptionBody): string {
  if (body.water_service && body.category !== 'water') throw ValidationError.field('body', ['water_service'], 'Only for water');
  switch (body.category) {
    case 'electricity':
      return 'electricity';
    case 'water':
      return `water_${body.water_service ?? 'supply'}`;
    case 'heat':
      if (!body.fuel) throw ValidationError.field('body', ['fuel'], 'Required for heat: natural_gas, diesel, petrol, lpg, heating_oil, wood_pellets, district_heat…');
      return body.fuel;
    case 'recharge':
      if (!body.refrigerant) throw ValidationError.field('body', ['refrigerant'], 'Required for recharge, e.g. R-410A');
      return `refrigerant:${body.refrigerant}`;
  }
}

function fieldsOf(body: ConsumptionBody): queries.ConsumptionFields {
  if (body.period_end < body.period_start) throw ValidationError.field('body', ['period_end'], 'Must not be before period_start');
  if (body.cups && body.category !== 'electricity') throw ValidationError.field('body', ['cups'], 'Only electricity is metered by CUPS');
  return {
    category: body.category,
    activity: activityOf(body),
    quantity: body.quantity,
    unit: body.unit,
    periodStart: body.period_start,
    periodEnd: body.period_end,
    cups: body.cups ?? null,
    supplierFactor: body.supplier_factor ?? null,
  };
}

async function facilityFor(db: Queryable, organizationId: string, facilityId: string, category: Category, cups: string | null) {
  const facility = await facilities.getFacility(db, organizationId, facilityId);
  if (!facility.categories.includes(category)) {
    throw ValidationError.field('body', ['category'], `The facility does not track ${category}; its categories are ${facility.categories.join(', ') || 'none'}`);
  }
  if (cups && !facility.cups_list.includes(cups)) throw ValidationError.field('body', ['cups'], 'Not one of the facility’s CUPS');
  return facility;
}

/** The factor for the facility's country and the year of the period's end, in a unit the entry's converts to. */
async function factorFor(tx: Queryable, organizationId: string, row: queries.ConsumptionRow, country: string) {
  const request = { activity: row.activity, region: country, year: Number(row.period_end.slice(0, 4)) };
  try {
    return await resolveFactor(tx, organizationId, { ...request, unit: row.unit });
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    const inOtherUnit = await resolveFactor(tx, organizationId, request).catch(() => undefined);
    if (inOtherUnit) throw ValidationError.field('body', ['unit'], `No ${row.activity} factor converts from ${row.unit}: ${inOtherUnit.factor.id} is per ${inOtherUnit.factor.unit}`);
    throw ValidationError.field('body', ['category'], `No emission factor for ${row.activity}`);
  }
}

/**
 * Calculates the entry's emission with the factor chosen for the facility's country and the
 * period's year, voiding the entry's previous record (the audit trail), then refreshes the
 * facility's totals: all in the caller's transaction, so they are always consistent.
 */
async function recalculate(tx: Queryable, organizationId: string, country: string, row: queries.ConsumptionRow, reason: string) {
  await emissions.voidCalculatedEmission(tx, organizationId, row.id, reason);
  const { factor, reason: why } = await factorFor(tx, organizationId, row, country);
  if (row.supplier_factor !== null && factor.scope !== 2) {
    throw ValidationError.field('body', ['supplier_factor'], `Only for bought electricity or heat (scope 2); ${row.activity} is scope ${factor.scope}`);
  }
  const result = calculate({ quantity: row.quantity, unit: row.unit, supplierFactor: row.supplier_factor }, factor);
  // Unreachable: factorFor only chooses factors whose unit the entry's converts to, and says so when none does.
  if (!result) throw new Error(`${factor.id} (per ${factor.unit}) was chosen for a quantity in ${row.unit}`);
  await emissions.insertCalculatedEmission(tx, organizationId, {
    id: newEmissionId(),
    facilityId: row.facility_id,
    consumptionId: row.id,
    scope: result.scope,
    category: row.category,
    valueKg: result.kg_co2e,
    biomassKg: result.kg_co2e_biomass,
    occurredAt: new Date(`${row.period_end}T00:00:00Z`),
    factorId: factor.id,
    factorVersion: factor.version,
    calculation: { ...result, activity: row.activity, quantity: row.quantity, unit: row.unit, factor_choice: why },
    metadata: { period_start: row.period_start, period_end: row.period_end, ...(row.cups ? { cups: row.cups } : {}) },
  });
}

async function refreshTotals(tx: Queryable, organizationId: string, facilityId: string) {
  await facilities.setEmissionTotals(tx, organizationId, facilityId, await emissions.sumCalculatedEmissions(tx, organizationId, facilityId));
}

async function withEmissions(db: Queryable, organizationId: string, row: queries.ConsumptionRow) {
  const records = await emissions.selectEmissionsOfConsumption(db, organizationId, row.id);
  const current = records.find((r) => r.voided_ms === null);
  return {
    ...row,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    emission: current ? emissionView(current) : null,
    history: records.filter((r) => r.voided_ms !== null).map(emissionView),
  };
}

export async function addConsumption(db: Database, organizationId: string, facilityId: string, body: ConsumptionBody) {
  const fields = fieldsOf(body);
  const row = await db.transaction(async (tx) => {
    const facility = await facilityFor(tx, organizationId, facilityId, fields.category, fields.cups);
    const inserted = await queries.insertConsumption(tx, organizationId, facilityId, fields);
    await recalculate(tx, organizationId, facility.country, inserted, 'recalculated');
    await refreshTotals(tx, organizationId, facilityId);
    return inserted;
  });
  return withEmissions(db, organizationId, row);
}

export async function replaceConsumption(db: Database, organizationId: string, facilityId: string, id: string, body: ConsumptionBody) {
  const fields = fieldsOf(body);
  const row = await db.transaction(async (tx) => {
    const facility = await facilityFor(tx, organizationId, facilityId, fields.category, fields.cups);
    const updated = await queries.updateConsumption(tx, organizationId, facilityId, id, fields);
    if (!updated) throw new NotFoundError(`Consumption entry ${id} not found.`);
    await recalculate(tx, organizationId, facility.country, updated, 'consumption entry changed');
    await refreshTotals(tx, organizationId, facilityId);
    return updated;
  });
  return withEmissions(db, organizationId, row);
}

export async function removeConsumption(db: Database, organizationId: string, facilityId: string, id: string) {
  await db.transaction(async (tx) => {
    await facilities.getFacility(tx, organizationId, facilityId);
    if (!(await queries.deleteConsumption(tx, organizationId, facilityId, id))) throw new NotFoundError(`Consumption entry ${id} not found.`);
    await emissions.voidCalculatedEmission(tx, organizationId, id, 'consumption entry deleted');
    await refreshTotals(tx, organizationId, facilityId);
  });
}

export async function getConsumption(db: Queryable, organizationId: string, facilityId: string, id: string) {
  await facilities.getFacility(db, organizationId, facilityId);
  const row = await queries.selectConsumption(db, organizationId, facilityId, id);
  if (!row) throw new NotFoundError(`Consumption entry ${id} not found.`);
  return withEmissions(db, organizationId, row);
}

export async function listConsumption(db: Queryable, organizationId: string, facilityId: string, category?: string) {
  await facilities.getFacility(db, organizationId, facilityId);
  const rows = await queries.selectConsumptions(db, organizationId, facilityId, category);
  return { items: await Promise.all(rows.map((row) => withEmissions(db, organizationId, row))) };
}

/**
 * Replaces the organization's factor with a new version and, in the same transaction, recalculates
 * every consumption entry whose emission used it: old records voided (the audit trail), new ones
 * written, facility totals refreshed.
 */
export async function replaceFactorAndRecalculate(
  db: Database,
  organizationId: string,
  factorId: string,
  values: { kg_co2e_per_unit: number; co2_biogenic_per_unit?: number | undefined; source: string },
) {
  return db.transaction(async (tx) => {
    const factor = await replaceFactor(tx, organizationId, factorId, values);
    const users = await emissions.selectConsumptionsUsingFactor(tx, organizationId, factorId);
    const facilityIds = new Set<string>();
    for (const { consumption_id, facility_id } of users) {
      const facility = await facilities.getFacility(tx, organizationId, facility_id);
      const row = (await queries.selectConsumption(tx, organizationId, facility_id, consumption_id))!;
      await recalculate(tx, organizationId, facility.country, row, `factor ${factorId} replaced by version ${factor.version}`);
      facilityIds.add(facility_id);
    }
    for (const facilityId of facilityIds) await refreshTotals(tx, organizationId, facilityId);
    return { factor, recalculated: users.length };
  });
}

/**
 * After an upgrade that ships a new release of the factor library: every calculated emission whose
 * factor changed or was withdrawn is calculated again with the factor chosen now, the old record
 * voided with the reason (the audit trail), and facility totals refreshed. One transaction per
 * entry; running it again finds nothing to do.
 */
export async function recalculateForLibraryRelease(db: Database) {
  const current = libraryVersions();
  const stale = await emissions.selectStaleLibraryCalculations(db, current);
  const byId = new Map(current.ids.map((id, i) => [id, current.versions[i]]));
  for (const use of stale) {
    const replacement = byId.get(use.factor_id);
    const reason = replacement
      ? `emission-factor library: ${use.factor_id} ${use.factor_version} replaced by ${replacement}`
      : `emission-factor library: ${use.factor_id} ${use.factor_version} withdrawn`;
    await db.transaction(async (tx) => {
      const facility = await facilities.getFacility(tx, use.organization_id, use.facility_id);
      const row = await queries.selectConsumption(tx, use.organization_id, use.facility_id, use.consumption_id);
      if (!row) return;
      await recalculate(tx, use.organization_id, facility.country, row, reason);
      await refreshTotals(tx, use.organization_id, use.facility_id);
    });
  }
  return { recalculated: stale.length };
}
