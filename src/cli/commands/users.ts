import { Option } from 'commander';
import { ROLES, type Role } from '../../platform/auth/scopes.js';
import * as identity from '../../platform/identity/identity.service.js';
import type { Registration } from '../context.js';
import { parseOrganizationId } from '../options.js';

export const registerUsers: Registration = (program, { terminal, withDatabase }) => {
  const user = program.command('user').description('Users: people who sign in with an e-mail and password');
  user
    .command('create')
    .description('Create a user (e-mail already verified) in an organization; the password is read from CARBON_ATLAS_PASSWORD or standard input')
    .requiredOption('--email <email>', 'sign-in address')
    .requiredOption('--org <id>', 'organization to join (see `org list`)', parseOrganizationId)
    .addOption(new Option('--role <role>', 'role in the organization').choices(ROLES).default('member'))
    .option('--name <full name>', 'full name', '')
    .option('--staff', 'platform staff')
    .action((options: { email: string; org: string; role: Role; name: string; staff?: boolean }) =>
      withDatabase(async (db) => {
        await identity.getOrganization(db, options.org);
        const password = terminal.env('CARBON_ATLAS_PASSWORD') ?? (await terminal.readStdin()).trim();
        if (password.length < 8) throw new Error('Password must have at least 8 characters (set CARBON_ATLAS_PASSWORD or pipe it on standard input).');
        await db.transaction(async (tx) => {
          const created = await identity.createUser(tx, { email: options.email, password, ...identity.splitFullName(options.name), isStaff: options.staff ?? false });
          await identity.addMember(tx, options.org, created.id, options.role);
          terminal.out(`${created.id}\t${created.email}\t${options.role} of ${options.org}`);
        });
      }),
    );
};
