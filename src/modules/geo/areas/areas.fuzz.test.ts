import { fuzzModule } from '../../../../test/support/fuzz/fuzz-suite.js';
import { MODULE_ROUTES } from '../../../../test/support/fuzz/modules.js';
import { baseWorld, post, remember } from '../../../../test/support/fuzz/world.js';

// AOIs and administrative areas, fed generated and mutated requests: the owner's AOIs, the rival's,
// and GADM ids that exist.
await fuzzModule({
  name: 'areas',
  select: MODULE_ROUTES.areas,
  runs: 60,
  world: async (ctx) => {
    const { ownerKey, rivalKey, world } = await baseWorld(ctx);
    const square = { type: 'Polygon', coordinates: [[[10, 10], [11, 10], [11, 11], [10, 11], [10, 10]]] };
    const own = await post(ctx, ownerKey, '/api/v1/layers/aoi', { geometry_json: square, name: 'own' });
    const rival = await post(ctx, rivalKey, '/api/v1/layers/aoi', { geometry_json: square, name: 'rival' });
    remember(world, 'aoi_id', [own.id, rival.id]);
    remember(world, 'gadm_composite_id', ['USA', 'USA.44_1', 'USA.44.1_1']);
    remember(world, 'search', ['texas', 'sao', 'york']);
    return world;
  },
});
