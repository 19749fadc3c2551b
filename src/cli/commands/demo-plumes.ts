import * as identity from '../../platform/identity/identity.service.js';
import { loadDemoCatalog } from '../../modules/catalog/demo/demo.service.js';
import { refreshMaintainedSources } from '../../modules/catalog/sources/sources.service.js';
import type { Registration } from '../context.js';
import { parseInteger, parseOrganizationId } from '../options.js';
import { progressOn } from '../progress.js';

export const registerDemoPlumes: Registration = (program, { terminal, withDatabase }) => {
  program
    .command('demo-plumes')
    .description('Generate a deterministic demo plume catalog (realistic regions, repeated overpasses, null detections); safe beside the demo data')
    .option('--count <n>', 'plumes to generate (1-2000000)', parseInteger('--count', 1, 2_000_000), 10_000)
    .option('--seed <n>', 'random seed: the same seed gives the same catalog', parseInteger('--seed', 0, 2 ** 31 - 1), 42)
    .option('--org <id>', 'organization owning the plumes (see `org list`); public plumes without it', parseOrganizationId)
    .action((options: { count: number; seed: number; org?: string }) =>
      withDatabase(async (db) => {
        if (options.org) await identity.getOrganization(db, options.org);
        const progress = progressOn(terminal, options.count);
        const totals = await loadDemoCatalog(db, {
          plumes: options.count,
          seed: options.seed,
          organizationId: options.org ?? null,
          onProgress: (done) => progress.update(done.plumes, { received: done.plumes, failed: 0 }),
        });
        progress.done();
        // The sources' clusters of the whole catalog, now rather than in the first reader's request.
        await refreshMaintainedSources(db);
        const kept = totals.skipped ? ` (${totals.skipped} already stored or taken by another owner's published name)` : '';
        terminal.out(`${totals.plumes} plumes in ${totals.scenes} scenes (seed ${options.seed})${kept}.`);
      }),
    );
};
