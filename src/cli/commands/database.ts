import { seedDemoData, type SeedResult } from '../../seed.js';
import { migrate } from '../../platform/db/migrate.js';
import { configuredBlobStore } from '../../platform/storage/configured-blob-store.js';
import { loadBundledAdministrativeAreas } from '../../modules/geo/areas/bundled-areas.js';
import { recalculateForLibraryRelease } from '../../modules/emissions/consumption/consumption.service.js';
import type { Registration, Terminal } from '../context.js';

/** What `seed` and `serve --seed` print: the lines a user needs to try the API at once. */
export function printSeed(terminal: Terminal, result: SeedResult) {
  terminal.out(`Demo organization: ${result.organizationId} (${result.facilities} facilities, ${result.emissions} emission records, ${result.plumes} plumes)`);
  if (result.apiKey) terminal.out(`Demo API key (shown once, previous demo key revoked): ${result.apiKey}`);
  else terminal.out('Demo API key: the value of BOOTSTRAP_API_KEY');
  if (result.user.password) terminal.out(`Demo user: ${result.user.email} / ${result.user.password} (password reset at every seed)`);
  else terminal.out(`Demo user: ${result.user.email} is an account outside the demo organization; left alone (no demo user this time)`);
}

export const registerDatabase: Registration = (program, { terminal, withDatabase, config }) => {
  program
    .command('migrate')
    .description('Apply pending database migrations and name each one applied')
    .action(() =>
      withDatabase(
        async (db) => {
          const applied = await migrate(db);
          for (const migration of applied) terminal.out(`Applied ${String(migration.version).padStart(4, '0')}_${migration.name}`);
          terminal.out(applied.length ? `Applied ${applied.length} migration(s); the schema is up to date.` : 'Database schema is up to date (no pending migration).');
          const areas = await loadBundledAdministrativeAreas(db);
          terminal.out(areas.loaded ? `Loaded ${areas.loaded} administrative areas (${areas.version})` : `Administrative areas are up to date (${areas.version})`);
        },
        { migrate: false },
      ),
    );

  program
    .command('seed')
    .description('Load the demo data (one transaction, idempotent); mints a new demo key and demo password')
    .action(() => withDatabase(async (db) => printSeed(terminal, await seedDemoData(db, config().BOOTSTRAP_API_KEY, { assets: configuredBlobStore(config()) }))));

  program
    .command('recalculate')
    .description('Recalculate emissions whose shipped emission factor changed in this release (the server also does this at start)')
    .action(() =>
      withDatabase(async (db) => {
        const { recalculated } = await db.withAdvisoryLock('emission-factor-library', () => recalculateForLibraryRelease(db));
        terminal.out(recalculated ? `Recalculated ${recalculated} emission(s); the old records are voided with the reason.` : 'Every calculated emission uses the current factor library.');
      }),
    );
};
