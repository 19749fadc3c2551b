import { fuzzModule } from '../../../test/support/fuzz/fuzz-suite.js';
import { MODULE_ROUTES } from '../../../test/support/fuzz/modules.js';
import { baseWorld, post, remember } from '../../../test/support/fuzz/world.js';
import { seedDemoFacilities } from '../facilities/facilities.seed.js';

const RECORD = { facility_id: 'fac_8x92m1', scope: 2, category: 'electricity', value: 1250.5, unit: 'kgCO2e', timestamp: '2024-03-01T00:00:00Z', external_id: 'fuzz-1' };
const CONSUMPTION = { category: 'electricity', quantity: 1200, unit: 'kWh', period_start: '2024-01-01', period_end: '2024-01-31' };
const COLUMNS = Object.keys(RECORD);

// Issue 12: every route of the emissions API (records, ingestion, insights, factors, webhooks) and of
// the facilities' consumption, which this module computes, fed generated and mutated requests.
await fuzzModule({
  name: 'emissions',
  select: MODULE_ROUTES.emissions,
  runs: 80,
  world: async (ctx) => {
    const { owner, ownerKey, rivalKey, world } = await baseWorld(ctx);
    await seedDemoFacilities(ctx.db, owner.id);
    const emission = await post(ctx, ownerKey, '/v2/emissions', RECORD);
    const rivalEmission = await post(ctx, rivalKey, '/v2/emissions', { ...RECORD, external_id: 'rival-1' });
    const csv = `${COLUMNS.join(',')}\n${Object.values({ ...RECORD, external_id: 'fuzz-2' }).join(',')}\n`;
    const job = await ctx.request({ method: 'POST', url: '/v2/emissions/imports', key: ownerKey, headers: { 'content-type': 'text/csv' }, payload: csv });
    const factors = await ctx.request({ method: 'GET', url: '/v2/emission-factors?limit=5&offset=0', key: ownerKey });
    const ownFactor = await post(ctx, ownerKey, '/v2/emission-factors', { activity: 'fuzz_fuel', unit: 'kWh', region: 'ES', year: 2024, kg_co2e_per_unit: 0.2, scope: 2, source: 'fuzz' });
    const facilityId = '550e8400-e29b-41d4-a716-446655440000';
    const consumption = await post(ctx, ownerKey, `/v1/facilities/${facilityId}/consumption`, CONSUMPTION);
    const hook = await ctx.request({ method: 'POST', url: '/v2/webhooks', key: ownerKey, payload: { url: 'https://hooks.example.com/carbon', events: ['emission.created'] } });
    remember(world, 'id', [emission.id, rivalEmission.id, job.json().id, ownFactor.id, consumption.id, hook.json().id, ...(factors.json().data as { id: string }[]).map((f) => f.id)]);
    remember(world, 'facility_id', [facilityId, '550e8400-e29b-41d4-a716-446655440004', RECORD.facility_id]);
    remember(world, 'scope', [1, 2, 3]);
    world.uploads['POST /v2/emissions/import'] = { columns: COLUMNS, sampleRow: Object.fromEntries(Object.entries(RECORD).map(([k, v]) => [k, String(v)])) };
    world.uploads['POST /v2/emissions/imports'] = world.uploads['POST /v2/emissions/import'];
    return world;
  },
});
