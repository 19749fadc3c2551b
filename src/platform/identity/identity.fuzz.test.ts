import { fuzzModule } from '../../../test/support/fuzz/fuzz-suite.js';
import { MODULE_ROUTES } from '../../../test/support/fuzz/modules.js';
import { baseWorld, remember } from '../../../test/support/fuzz/world.js';
import * as identity from './identity.service.js';

// Issue 12: the platform's own routes (identity, API keys, health), fed generated and mutated requests.
await fuzzModule({
  name: 'identity',
  select: MODULE_ROUTES.identity,
  runs: 120,
  world: async (ctx) => {
    const { owner, user, world } = await baseWorld(ctx);
    // A key the generated DELETEs may revoke; the fuzzer's own key id is never offered.
    const spare = await identity.createApiKey(ctx.db, { organizationId: owner.id, name: 'spare', scopes: ['facilities:read'], tier: 'standard' });
    const session = await ctx.request({ method: 'POST', url: '/v1/auth/token', payload: { email: user.email, password: user.password } });
    remember(world, 'key_id', [spare.apiKey.id]);
    remember(world, 'organization_id', [owner.id]);
    remember(world, 'email', [user.email]);
    remember(world, 'password', [user.password]);
    remember(world, 'refresh_token', [session.json().refresh_token]);
    return world;
  },
});
