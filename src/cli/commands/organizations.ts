import { Option } from 'commander';
import { TIERS, type Tier } from '../../platform/auth/scopes.js';
import * as identity from '../../platform/identity/identity.service.js';
import type { Registration } from '../context.js';

export const registerOrganizations: Registration = (program, { terminal, withDatabase }) => {
  const org = program.command('org').description('Organizations: the tenants that own data and API keys');
  org
    .command('create')
    .description('Create an organization and print its id')
    .requiredOption('--name <name>', 'organization name')
    .addOption(new Option('--tier <tier>', 'rate-limit tier of its keys').choices(TIERS).default('standard'))
    .option('--json', 'print JSON')
    .action((options: { name: string; tier: Tier; json?: boolean }) =>
      withDatabase(async (db) => {
        const created = await identity.createOrganization(db, { name: options.name, tier: options.tier });
        terminal.out(options.json ? JSON.stringify(created) : `${created.id}\t${created.name}\t${created.tier}`);
      }),
    );
  org
    .command('list')
    .description('List organizations: id, name, tier')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) =>
      withDatabase(async (db) => {
        const organizations = await identity.listOrganizations(db);
        if (options.json) terminal.out(JSON.stringify(organizations, null, 2));
        else for (const o of organizations) terminal.out(`${o.id}\t${o.name}\t${o.tier}`);
      }),
    );
};
