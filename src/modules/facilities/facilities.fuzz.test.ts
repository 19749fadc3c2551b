import { fuzzModule } from '../../../test/support/fuzz/fuzz-suite.js';
import { MODULE_ROUTES } from '../../../test/support/fuzz/modules.js';
import { baseWorld, post, remember } from '../../../test/support/fuzz/world.js';
import { seedDemoFacilities } from './facilities.seed.js';

// Issue 12: every route of the facilities API, fed requests generated from its schemas and mutated.
await fuzzModule({
  name: 'facilities',
  select: MODULE_ROUTES.facilities,
  runs: 150,
  world: async (ctx) => {
    const { owner, rivalKey, world } = await baseWorld(ctx);
    await seedDemoFacilities(ctx.db, owner.id);
    const listed = await ctx.request({ method: 'GET', url: '/v1/facilities?size=100', key: world.credentials[0] });
    const rivalSite = await post(ctx, rivalKey, '/v1/facilities', { name: 'Rival Site', type: 'office', country: 'DE' });
    remember(world, 'facility_id', [...(listed.json().items as { id: string }[]).map((item) => item.id), rivalSite.id]);
    return world;
  },
});
