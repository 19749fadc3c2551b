import { fuzzModule } from '../../../test/support/fuzz/fuzz-suite.js';
import { MODULE_ROUTES } from '../../../test/support/fuzz/modules.js';
import { pair } from '../../../test/support/accounts.js';
import { baseWorld, post, remember } from '../../../test/support/fuzz/world.js';

// Issue 12: every account and token route of the plume platform, fed generated and mutated requests.
await fuzzModule({
  name: 'accounts',
  select: MODULE_ROUTES.accounts,
  runs: 60,
  world: async (ctx) => {
    const { user, world } = await baseWorld(ctx);
    // A second session of the same user: refreshing (or reusing) its token must not end the fuzzer's own.
    const spare = (await pair(ctx, user.email, user.password)).json();
    const stac = await post(ctx, user.access, '/api/v1/account/tokens/create-stac', { name: 'fuzz' });
    const tokens = await ctx.request({ method: 'GET', url: '/api/v1/account/tokens', key: user.access });
    const search = await post(ctx, user.access, '/api/v1/account/search-request', { name: 'fuzz', query: { gas: 'CH4' } });
    world.credentials = [user.access];
    remember(world, 'user_id', [user.number, user.number + 1]);
    remember(world, 'jti', (tokens.json() as { jti: string }[]).map((token) => token.jti));
    remember(world, 'pk', [search.id]);
    remember(world, 'email', [user.email, 'nobody@example.org']);
    remember(world, 'password', [user.password]);
    remember(world, 'old_password', [user.password]);
    remember(world, 'refresh', [spare.refresh]);
    remember(world, 'token', [spare.access, stac.token_value]);
    return world;
  },
});
