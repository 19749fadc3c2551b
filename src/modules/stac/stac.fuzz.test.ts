import { fuzzModule } from '../../../test/support/fuzz/fuzz-suite.js';
import { MODULE_ROUTES } from '../../../test/support/fuzz/modules.js';
import { baseWorld } from '../../../test/support/fuzz/world.js';

// The stac routes fed generated and mutated requests by an owner and a rival organization.
await fuzzModule({
  name: 'stac',
  select: MODULE_ROUTES.stac,
  runs: 40,
  world: async (ctx) => (await baseWorld(ctx)).world,
});
