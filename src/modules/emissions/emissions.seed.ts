import type { Database } from '../../platform/db/database.js';
import { addConsumption, listConsumption, type ConsumptionBody } from './consumption/consumption.service.js';
import { fromArray, ingest } from './ingest/ingest.service.js';

/** The demo year: the README's examples ask for 2024. */
export const DEMO_YEAR = 2024;

export interface DemoSite {
  id: string;
  name: string;
  status?: string | undefined;
  categories?: string[] | undefined;
}

type Season = 'winter' | 'summer' | 'flat';

/** Yearly activity per site, spread over the months by season (heating peaks in January, cooling in July). */
const ACTIVITY: Record<string, { body: Omit<ConsumptionBody, 'quantity' | 'period_start' | 'period_end'>; yearly: number; season: Season }[]> = {
  'Madrid Office': [
    { body: { category: 'electricity', unit: 'MWh' }, yearly: 180, season: 'summer' },
    { body: { category: 'heat', fuel: 'natural_gas', unit: 'kWh' }, yearly: 120_000, season: 'winter' },
    { body: { category: 'water', water_service: 'supply', unit: 'm3' }, yearly: 2_400, season: 'summer' },
  ],
  'Barcelona Warehouse': [{ body: { category: 'electricity', unit: 'MWh' }, yearly: 320, season: 'summer' }],
  'Lyon Factory': [
    { body: { category: 'electricity', unit: 'MWh' }, yearly: 2_400, season: 'flat' },
    { body: { category: 'heat', fuel: 'natural_gas', unit: 'kWh' }, yearly: 1_800_000, season: 'winter' },
    { body: { category: 'water', water_service: 'supply', unit: 'm3' }, yearly: 30_000, season: 'flat' },
  ],
  'Frankfurt Datacenter': [
    { body: { category: 'electricity', unit: 'MWh' }, yearly: 5_200, season: 'flat' },
    { body: { category: 'water', water_service: 'supply', unit: 'm3' }, yearly: 8_000, season: 'summer' },
  ],
};

/** A refrigerant top-up once a year (scope 1 fugitive emissions). */
const RECHARGES: Record<string, { month: number; kg: number }> = { 'Barcelona Warehouse': { month: 6, kg: 12 }, 'Lyon Factory': { month: 9, kg: 25 } };

/** Directly reported monthly records (kg CO2e): fleet fuel (scope 1) and value-chain emissions (scope 3). */
const REPORTED: Record<string, { scope: 1 | 2 | 3; category: string; monthlyKg: number }[]> = {
  'Madrid Office': [
    { scope: 1, category: 'company_vehicles', monthlyKg: 620 },
    { scope: 3, category: 'business_travel', monthlyKg: 1_850 },
    { scope: 3, category: 'employee_commuting', monthlyKg: 930 },
  ],
  'Barcelona Warehouse': [
    { scope: 1, category: 'company_vehicles', monthlyKg: 2_100 },
    { scope: 3, category: 'upstream_transport', monthlyKg: 5_400 },
  ],
  'Lyon Factory': [
    { scope: 1, category: 'company_vehicles', monthlyKg: 2_450 },
    { scope: 3, category: 'purchased_goods', monthlyKg: 12_300 },
    { scope: 3, category: 'business_travel', monthlyKg: 1_100 },
  ],
  'Frankfurt Datacenter': [{ scope: 3, category: 'purchased_goods', monthlyKg: 3_800 }],
};

/** One outlier the insights' anomaly check finds (a trade fair trip in October). */
const OUTLIER = { site: 'Lyon Factory', category: 'business_travel', month: 9, times: 4.5 };

function seasonal(season: Season, month: number): number {
  const angle = (2 * Math.PI * month) / 12;
  if (season === 'winter') return 1 + 0.65 * Math.cos(angle);
  if (season === 'summer') return 1 - 0.18 * Math.cos(angle);
  return 1;
}

/** A fixed wobble per site and month (±4 %), so months differ without randomness. */
function wobble(text: string, month: number): number {
  let hash = 2166136261;
  for (const char of `${text}:${month}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return 1 + (((hash >>> 0) % 801) - 400) / 10_000;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const day = (month: number, date: number) => new Date(Date.UTC(DEMO_YEAR, month, date)).toISOString().slice(0, 10);

/** Entries for one site: 12 months of each activity, plus its refrigerant top-up. */
function consumptionOf(site: DemoSite): ConsumptionBody[] {
  const entries: ConsumptionBody[] = [];
  for (const activity of ACTIVITY[site.name] ?? []) {
    const weights = Array.from({ length: 12 }, (_, month) => seasonal(activity.season, month) * wobble(`${site.name}:${activity.body.category}`, month));
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    weights.forEach((weight, month) =>
      entries.push({ ...activity.body, quantity: round((activity.yearly * weight) / total, 2), period_start: day(month, 1), period_end: day(month + 1, 0) }),
    );
  }
  const recharge = RECHARGES[site.name];
  if (recharge) entries.push({ category: 'recharge', refrigerant: 'R-410A', unit: 'kg', quantity: recharge.kg, period_start: day(recharge.month, 1), period_end: day(recharge.month + 1, 0) });
  return entries.filter((entry) => site.categories?.includes(entry.category) ?? true);
}

function reportedOf(site: DemoSite) {
  return (REPORTED[site.name] ?? []).flatMap(({ scope, category, monthlyKg }) =>
    Array.from({ length: 12 }, (_, month) => {
      const outlier = site.name === OUTLIER.site && category === OUTLIER.category && month === OUTLIER.month ? OUTLIER.times : 1;
      return {
        facility_id: site.id,
        scope,
        category,
        value: round(monthlyKg * wobble(`${site.name}:${category}`, month) * outlier, 1),
        unit: 'kgCO2e',
        timestamp: `${day(month, 15)}T12:00:00Z`,
        external_id: `demo-${DEMO_YEAR}-${site.id.slice(-4)}-${category}-${String(month + 1).padStart(2, '0')}`,
        metadata: { source: 'carbon-atlas demo data' },
      };
    }),
  );
}

/**
 * A year of consumption on the active demo sites (calculated into scope 1, 2 and 3 CO2e with the
 * shipped factors) and directly reported scope 1 and 3 records, in the caller's transaction.
 * Idempotent: a site that has consumption keeps it; reported records carry external ids.
 * Returns how many emission records the demo year holds.
 */
export async function seedDemoEmissions(db: Database, organizationId: string, sites: readonly DemoSite[]): Promise<number> {
  let records = 0;
  const reported = [];
  for (const site of sites.filter((s) => (s.status ?? 'active') === 'active')) {
    const entries = consumptionOf(site);
    records += entries.length;
    if ((await listConsumption(db, organizationId, site.id)).items.length === 0) {
      for (const entry of entries) await addConsumption(db, organizationId, site.id, entry);
    }
    reported.push(...reportedOf(site));
  }
  const report = await ingest(db, organizationId, 'batch', fromArray(reported));
  if (report.failed > 0) throw new Error(`Demo emission records refused: ${JSON.stringify(report.errors.slice(0, 3))}`);
  return records + report.received;
}
