import { fuzzModule } from '../../../test/support/fuzz/fuzz-suite.js';
import { MODULE_ROUTES } from '../../../test/support/fuzz/modules.js';
import { baseWorld, post, remember } from '../../../test/support/fuzz/world.js';
import { DEMO_TLE } from './tasking.seed.js';

const B = '/api/v1/tasking';
const area = { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [-103.5, 31.9] }, properties: { name: 'Permian' } }] };

// Every tasking route, fed generated and mutated requests, aimed at the owner's and a rival's decks,
// specs, captures and platforms.
await fuzzModule({
  name: 'tasking',
  select: MODULE_ROUTES.tasking,
  runs: 40,
  world: async (ctx) => {
    const { ownerKey, rivalKey, world } = await baseWorld(ctx);
    const platform = await post(ctx, ownerKey, `${B}/platform`, DEMO_TLE);
    const rivalPlatform = await post(ctx, rivalKey, `${B}/platform`, DEMO_TLE);
    const draft = await post(ctx, ownerKey, `${B}/target_deck`, { name: 'fuzz-draft' });
    const draftSpec = await post(ctx, ownerKey, `${B}/target_deck/${draft.id}/target_spec`, { areas: area, start_time: '2026-12-02T00:00:00Z', end_time: '2026-12-03T00:00:00Z' });
    const active = await post(ctx, ownerKey, `${B}/target_deck`, { name: 'fuzz-active' });
    const activeSpec = await post(ctx, ownerKey, `${B}/target_deck/${active.id}/target_spec`, { areas: area });
    for (const status of ['SUBMITTED', 'ACTIVE']) await ctx.request({ method: 'PATCH', url: `${B}/target_deck/${active.id}`, key: ownerKey, payload: { status } });
    const capture = await post(ctx, ownerKey, `${B}/task_capture`, { target_spec_id: activeSpec.id, platform_id: platform.id, captured_at: '2026-12-02T17:45:06Z' });
    await post(ctx, ownerKey, `${B}/task_capture/${capture.id}/review`, { decision: 'REJECTED', rejection: { reason: 'HAZE' } });
    const rivalDeck = await post(ctx, rivalKey, `${B}/target_deck`, { name: 'fuzz-rival' });
    remember(world, 'target_deck_id', [draft.id, active.id, rivalDeck.id]);
    remember(world, 'target_spec_id', [draftSpec.id, activeSpec.id]);
    remember(world, 'task_capture_id', [capture.id]);
    remember(world, 'platform_id', [platform.id, rivalPlatform.id]);
    return world;
  },
});
