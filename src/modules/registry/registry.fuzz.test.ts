import { fuzzModule } from '../../../test/support/fuzz/fuzz-suite.js';
import { MODULE_ROUTES } from '../../../test/support/fuzz/modules.js';
import { baseWorld, post, remember } from '../../../test/support/fuzz/world.js';
import { drainQueue } from '../../platform/jobs/jobs.js';
import { seedDemoRegistry } from './registry.seed.js';
import { processTransaction, TRANSACTIONS_QUEUE } from './registry.service.js';

// Issue 12: every route of the credit registry, fed requests generated from its schemas and mutated.
// Workers are off: the world's transactions are processed once while seeding; generated ones stay queued.
await fuzzModule({
  name: 'registry',
  select: MODULE_ROUTES.registry,
  runs: 120,
  env: { REGISTRY_WORKERS: '0' },
  world: async (ctx) => {
    const { owner, ownerKey, rival, world } = await baseWorld(ctx);
    await seedDemoRegistry(ctx.db, owner.id);
    const inventory = await ctx.request({ method: 'GET', url: `/organizations/${owner.id}/inventory`, key: ownerKey });
    const creditId = (inventory.json().credits as { id: string }[])[0]!.id;
    const project = await post(ctx, ownerKey, '/projects', { fullName: 'Fuzz Peatland', countryCode: 'ISL' });
    const transfer = await post(ctx, ownerKey, `/organizations/${owner.id}/inventory/action/transfer`, { creditId, amount: 10, toOrganizationId: rival.id });
    const retire = await post(ctx, ownerKey, `/organizations/${owner.id}/inventory/action/retire`, { creditId, amount: 5, retirementData: { reason: 'fuzz', beneficiaryName: 'Fuzz Owner' } });
    await drainQueue(ctx.db, TRANSACTIONS_QUEUE, (payload, db) => processTransaction(db, String(payload.transactionId)));
    const retired = await ctx.request({ method: 'GET', url: `/organizations/${owner.id}/transactions/${retire.id}`, key: ownerKey });
    remember(world, 'id', [project.id, retired.json().retirementId]);
    remember(world, 'transactionId', [transfer.id, retire.id]);
    remember(world, 'creditId', [creditId]);
    remember(world, 'toOrganizationId', [rival.id, owner.id]);
    return world;
  },
});
