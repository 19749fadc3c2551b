import { Option } from 'commander';
import * as identity from '../../platform/identity/identity.service.js';
import * as registry from '../../modules/registry/registry.service.js';
import type { Registration } from '../context.js';
import { parseOrganizationId } from '../options.js';

export const registerRegistry: Registration = (program, { terminal, withDatabase }) => {
  const registryCommand = program.command('registry').description('Carbon-credit registry');
  registryCommand
    .command('verify')
    .description("Recompute the ledger's hash chain; exits 1 if it was tampered with")
    .addOption(new Option('--ledger <ledger>', 'which ledger').choices(['live', 'sandbox']).default('live'))
    .option('--json', 'machine-readable output')
    .action((options: { ledger: 'live' | 'sandbox'; json?: boolean }) =>
      withDatabase(async (db) => {
        const result = await registry.verifyChain(db, options.ledger);
        if (options.json) terminal.out(JSON.stringify(result));
        else if (result.valid) terminal.out(`${result.ledger} ledger: ${result.length} transactions, chain intact, head ${result.headTxId}`);
        else terminal.out(`${result.ledger} ledger: BROKEN at #${result.brokenAt?.sequence} (${result.brokenAt?.transactionId}): ${result.brokenAt?.problem}`);
        if (!result.valid) terminal.setExitCode(1);
      }),
    );
  registryCommand
    .command('operator')
    .description('Let an organization register projects and issue credits')
    .requiredOption('--org <id>', 'organization id (see `org list`)', parseOrganizationId)
    .option('--public', 'also make its registry profile public')
    .action((options: { org: string; public?: boolean }) =>
      withDatabase(async (db) => {
        await identity.getOrganization(db, options.org);
        await registry.updateRegistryProfile(db, options.org, { isRegistryOperator: true, type: 'registryOperator', ...(options.public ? { isPublic: true } : {}) });
        terminal.out(`${options.org} is a registry operator`);
      }),
    );
};
