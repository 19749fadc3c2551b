import { Option } from 'commander';
import { SCOPES, TIERS, type Scope, type Tier } from '../../platform/auth/scopes.js';
import * as identity from '../../platform/identity/identity.service.js';
import type { Registration } from '../context.js';
import { parseOrganizationId, parseScopes, parseUuid } from '../options.js';

export const registerApiKeys: Registration = (program, { terminal, withDatabase }) => {
  const apiKey = program.command('api-key').description("API keys: an organization's credentials, shown once");
  apiKey
    .command('create')
    .description('Create an API key and print it once (only its prefix and digest are stored)')
    .requiredOption('--org <id>', 'organization id (see `org list`)', parseOrganizationId)
    .requiredOption('--scopes <list>', `comma-separated scopes, or "all" (${SCOPES.join(', ')})`, parseScopes)
    .addOption(new Option('--tier <tier>', 'rate-limit tier').choices(TIERS).default('standard'))
    .option('--name <name>', 'label', 'cli')
    .option('--json', 'print JSON')
    .action((options: { org: string; scopes: Scope[]; tier: Tier; name: string; json?: boolean }) =>
      withDatabase(async (db) => {
        await identity.getOrganization(db, options.org);
        const { apiKey: created, secret } = await identity.createApiKey(db, { organizationId: options.org, name: options.name, scopes: options.scopes, tier: options.tier });
        if (options.json) terminal.out(JSON.stringify({ ...created, key: secret }));
        else {
          terminal.out(secret);
          terminal.err(`API key ${created.id} (${created.prefix}…) for organization ${created.organization_id}; store it now, it is not shown again.`);
        }
      }),
    );
  apiKey
    .command('list')
    .description("List an organization's API keys (prefixes, never the keys)")
    .requiredOption('--org <id>', 'organization id (see `org list`)', parseOrganizationId)
    .option('--json', 'print JSON')
    .action((options: { org: string; json?: boolean }) =>
      withDatabase(async (db) => {
        const keys = await identity.listApiKeys(db, options.org);
        if (options.json) terminal.out(JSON.stringify(keys, null, 2));
        else for (const k of keys) terminal.out(`${k.id}\t${k.prefix}…\t${k.tier}\t${k.revoked_at ? 'revoked' : 'live'}\t${k.scopes.join(',')}`);
      }),
    );
  apiKey
    .command('revoke')
    .description('Revoke an API key at once')
    .requiredOption('--org <id>', 'organization id (see `org list`)', parseOrganizationId)
    .argument('<key-id>', 'the key id from `api-key list`', parseUuid('<key-id>'))
    .action((keyId: string, options: { org: string }) =>
      withDatabase(async (db) => {
        await identity.revokeApiKey(db, options.org, keyId);
        terminal.out(`Revoked ${keyId}`);
      }),
    );
};
