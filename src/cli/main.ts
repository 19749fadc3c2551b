#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig, type Config } from '../platform/config.js';
import { openDatabase } from '../platform/db/open-database.js';
import type { Database } from '../platform/db/database.js';
import { migrate } from '../platform/db/migrate.js';
import { isScope, ROLES, SCOPES, TIERS, type Role, type Scope, type Tier } from '../platform/auth/scopes.js';
import * as identity from '../platform/identity/identity.service.js';
import { seedDemoData, type SeedResult } from '../platform/seed.js';
import { startServer } from '../server.js';
import { deliverDueMail, listMail, smtpTransport } from '../platform/mail/outbox.js';
import { startWorker } from '../platform/jobs/jobs.js';
import { startSweeper } from '../platform/jobs/sweeper.js';
import { describeDatabaseError, isTransientDatabaseError } from '../platform/db/database-errors.js';
import * as registry from '../modules/registry/registry.service.js';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fromCsv, fromNdjson, ingest } from '../modules/emissions/ingest/ingest.service.js';
import * as imports from '../modules/emissions/ingest/imports.service.js';
import * as plumeImports from '../modules/catalog/plume-imports.service.js';
import { importPlumeCsv } from '../modules/catalog/plume-import.js';
import { loadDemoCatalog } from '../modules/catalog/demo/demo.service.js';
import { assetStore } from '../modules/catalog/assets.routes.js';
import { storeSceneRasterFile } from '../modules/geo/raster/scene-rasters.service.js';
import { recalculateForLibraryRelease } from '../modules/emissions/consumption/consumption.service.js';

function config(): Config {
  return loadConfig(process.env);
}

/** Opens the database with migrations applied, runs `work`, and always closes it. */
async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(config());
  try {
    await migrate(db);
    return await work(db);
  } finally {
    await db.close();
  }
}

function parseScopes(value: string): Scope[] {
  const scopes = value === 'all' ? [...SCOPES] : value.split(',').map((scope) => scope.trim()).filter(Boolean);
  const unknown = scopes.filter((scope) => !isScope(scope));
  if (unknown.length || scopes.length === 0) {
    throw new InvalidArgumentError(`Unknown scope(s): ${unknown.join(', ') || '(none)'}. Known: all, ${SCOPES.join(', ')}`);
  }
  return scopes as Scope[];
}

function printSeed(result: SeedResult) {
  console.log(`Demo organization: ${result.organizationId} (${result.facilities} facilities, ${result.plumes} plumes)`);
  if (result.apiKey) console.log(`Demo API key (shown once, previous demo key revoked): ${result.apiKey}`);
  else console.log('Demo API key: the value of BOOTSTRAP_API_KEY');
}

const program = new Command('carbon-atlas').description('Carbon Atlas: greenhouse-gas data server').showHelpAfterError();

program
  .command('serve')
  .description('Apply migrations and start the HTTP server')
  .option('--seed', 'load idempotent demo data first')
  .action(async (options: { seed?: boolean }) => {
    const settings = config();
    const app = await startServer(settings, { seed: options.seed ?? false, onSeeded: printSeed });
    const bound = app.server.address();
    const port = typeof bound === 'object' && bound ? bound.port : settings.PORT;
    const address = `http://${settings.HOST}:${port}`;
    console.log(`Carbon Atlas listening on ${address} (database: ${app.db.kind}); API reference at ${address}/docs`);
  });

program
  .command('migrate')
  .description('Apply pending database migrations')
  .action(() =>
    withDatabase(async (db) => {
      // withDatabase already migrated; report what is applied now.
      const applied = await migrate(db);
      console.log(applied.length ? `Applied ${applied.length} migration(s)` : 'Database schema is up to date');
    }),
  );

program
  .command('seed')
  .description('Load idempotent demo data')
  .action(() => withDatabase(async (db) => printSeed(await seedDemoData(db, config().BOOTSTRAP_API_KEY, { assets: assetStore(config()) }))));

program
  .command('recalculate')
  .description('Recalculate emissions whose shipped emission factor changed in this release (the server also does this at start)')
  .action(() =>
    withDatabase(async (db) => {
      const { recalculated } = await db.withAdvisoryLock('emission-factor-library', () => recalculateForLibraryRelease(db));
      console.log(recalculated ? `Recalculated ${recalculated} emission(s); the old records are voided with the reason.` : 'Every calculated emission uses the current factor library.');
    }),
  );

const org = program.command('org').description('Organizations');
org
  .command('create')
  .requiredOption('--name <name>', 'organization name')
  .addOption(new Option('--tier <tier>', 'rate-limit tier').choices(TIERS).default('standard'))
  .option('--json', 'print JSON')
  .action((options: { name: string; tier: Tier; json?: boolean }) =>
    withDatabase(async (db) => {
      const created = await identity.createOrganization(db, { name: options.name, tier: options.tier });
      console.log(options.json ? JSON.stringify(created) : `${created.id}\t${created.name}\t${created.tier}`);
    }),
  );
org
  .command('list')
  .option('--json', 'print JSON')
  .action((options: { json?: boolean }) =>
    withDatabase(async (db) => {
      const organizations = await identity.listOrganizations(db);
      if (options.json) console.log(JSON.stringify(organizations, null, 2));
      else for (const o of organizations) console.log(`${o.id}\t${o.name}\t${o.tier}`);
    }),
  );

const apiKey = program.command('api-key').description('API keys');
apiKey
  .command('create')
  .requiredOption('--org <id>', 'organization id')
  .requiredOption('--scopes <list>', `comma-separated scopes, or "all" (${SCOPES.join(', ')})`, parseScopes)
  .addOption(new Option('--tier <tier>', 'rate-limit tier').choices(TIERS).default('standard'))
  .option('--name <name>', 'label', 'cli')
  .option('--json', 'print JSON')
  .action((options: { org: string; scopes: Scope[]; tier: Tier; name: string; json?: boolean }) =>
    withDatabase(async (db) => {
      const { apiKey: created, secret } = await identity.createApiKey(db, { organizationId: options.org, name: options.name, scopes: options.scopes, tier: options.tier });
      if (options.json) console.log(JSON.stringify({ ...created, key: secret }));
      else {
        console.log(secret);
        console.error(`API key ${created.id} (${created.prefix}…) for organization ${created.organization_id}; store it now, it is not shown again.`);
      }
    }),
  );
apiKey
  .command('list')
  .requiredOption('--org <id>', 'organization id')
  .option('--json', 'print JSON')
  .action((options: { org: string; json?: boolean }) =>
    withDatabase(async (db) => {
      const keys = await identity.listApiKeys(db, options.org);
      if (options.json) console.log(JSON.stringify(keys, null, 2));
      else for (const k of keys) console.log(`${k.id}\t${k.prefix}…\t${k.tier}\t${k.revoked_at ? 'revoked' : 'live'}\t${k.scopes.join(',')}`);
    }),
  );
apiKey
  .command('revoke')
  .requiredOption('--org <id>', 'organization id')
  .argument('<key-id>')
  .action((keyId: string, options: { org: string }) =>
    withDatabase(async (db) => {
      await identity.revokeApiKey(db, options.org, keyId);
      console.log(`Revoked ${keyId}`);
    }),
  );

const user = program.command('user').description('Users');
user
  .command('create')
  .requiredOption('--email <email>')
  .requiredOption('--org <id>', 'organization to join')
  .addOption(new Option('--role <role>').choices(ROLES).default('member'))
  .option('--name <full name>', 'full name', '')
  .option('--staff', 'platform staff')
  .description('Create a user; the password is read from CARBON_ATLAS_PASSWORD or standard input')
  .action((options: { email: string; org: string; role: Role; name: string; staff?: boolean }) =>
    withDatabase(async (db) => {
      const password = process.env.CARBON_ATLAS_PASSWORD ?? (await readStdin()).trim();
      if (password.length < 8) throw new InvalidArgumentError('Password must have at least 8 characters.');
      const created = await identity.createUser(db, { email: options.email, password, ...identity.splitFullName(options.name), isStaff: options.staff ?? false });
      await identity.addMember(db, options.org, created.id, options.role);
      console.log(`${created.id}\t${created.email}\t${options.role} of ${options.org}`);
    }),
  );

const mail = program.command('mail').description('The e-mail outbox (verification and password-reset links)');
mail
  .command('list')
  .description('Show queued and sent messages, newest first, so an operator without SMTP can pass links on')
  .option('--to <email>', 'only messages to this address')
  .option('--unsent', 'only messages not yet delivered')
  .option('--limit <n>', 'how many', (value) => Number.parseInt(value, 10), 20)
  .option('--json', 'machine-readable output')
  .action((options: { to?: string; unsent?: boolean; limit: number; json?: boolean }) =>
    withDatabase(async (db) => {
      const messages = await listMail(db, { ...(options.to ? { to: options.to } : {}), unsentOnly: options.unsent ?? false, limit: options.limit });
      if (options.json) return console.log(JSON.stringify(messages, null, 2));
      for (const message of messages) {
        const status = message.sent_at ? `sent ${message.sent_at.toISOString()}` : `queued${message.last_error ? ` (last error: ${message.last_error})` : ''}`;
        console.log(`#${message.id} to ${message.to_address} · ${message.created_at.toISOString()} · ${status}\nSubject: ${message.subject}\n\n${message.body_text}\n`);
      }
      if (messages.length === 0) console.log('No messages.');
    }),
  );
mail
  .command('send')
  .description('Deliver every due message now through SMTP_URL')
  .action(() =>
    withDatabase(async (db) => {
      const settings = config();
      if (!settings.SMTP_URL) throw new InvalidArgumentError('Set SMTP_URL to send mail.');
      const transport = smtpTransport(settings.SMTP_URL);
      try {
        const { sent, failed } = await deliverDueMail(db, transport, settings.MAIL_FROM);
        console.log(`Sent ${sent}, failed ${failed} (failures are retried with back-off).`);
      } finally {
        transport.close();
      }
    }),
  );

/** A background failure on stderr: an outage as one line (it repeats at every poll), anything else with its stack. */
function consoleFailure(what: string) {
  return (error: unknown) => {
    if (isTransientDatabaseError(error)) console.error(`${what}: database unavailable, retrying (${describeDatabaseError(error)})`);
    else console.error(`${what} failed:`, error);
  };
}

program
  .command('worker')
  .description('Process queued registry transactions, emission imports and plume imports without serving HTTP (run several against one PostgreSQL)')
  .option('--concurrency <n>', 'workers in this process', (value) => Number.parseInt(value, 10), 1)
  .action(async (options: { concurrency: number }) => {
    const db = await openDatabase(config());
    await migrate(db);
    const workers = Array.from({ length: Math.max(1, options.concurrency) }, () => [
      startWorker(db, registry.TRANSACTIONS_QUEUE, (payload, jobDb) => registry.processTransaction(jobDb, String(payload.transactionId)), consoleFailure('registry worker'), 50),
      startWorker(db, imports.IMPORT_QUEUE, (payload, jobDb, signal) => imports.runImport(jobDb, String(payload.importId), signal), consoleFailure('import worker'), 250),
      startWorker(db, plumeImports.PLUME_IMPORT_QUEUE, (payload, jobDb, signal) => plumeImports.runPlumeImport(jobDb, String(payload.importId), signal), consoleFailure('plume import worker'), 250),
    ]).flat();
    const sweepers = [startSweeper(() => imports.sweepAbandoned(db), consoleFailure('import sweep')), startSweeper(() => plumeImports.sweepAbandoned(db), consoleFailure('plume import sweep'))];
    console.log(`Processing ${registry.TRANSACTIONS_QUEUE}, ${plumeImports.PLUME_IMPORT_QUEUE} and ${imports.IMPORT_QUEUE} with ${Math.max(1, options.concurrency)} worker(s) each (database: ${db.kind}); SIGTERM to stop.`);
    // At SIGTERM no further job is taken; a running import stops after its current chunk and goes
    // back to the queue with its progress, to be resumed by the next worker.
    const stop = async () => {
      const force = setTimeout(() => process.exit(1), 10_000);
      force.unref();
      await Promise.all([...workers, ...sweepers].map((worker) => worker.stop()));
      await db.close();
      process.exit(0);
    };
    process.once('SIGTERM', () => void stop());
    process.once('SIGINT', () => void stop());
  });

const importCommand = program.command('import').description('Bulk data');

/** One line of progress on stderr: bytes read of the file, rows so far, rate. */
function showProgress(read: number, size: number, started: number, progress: { received: number; failed: number }) {
  const percent = size ? Math.min(100, (read / size) * 100) : 100;
  const bar = '#'.repeat(Math.round(percent / 4)).padEnd(25, '.');
  const rate = progress.received / Math.max(0.001, (Date.now() - started) / 1000);
  process.stderr.write(`\r[${bar}] ${percent.toFixed(0).padStart(3)}%  ${progress.received} rows, ${progress.failed} rejected, ${rate.toFixed(0)}/s`);
}
importCommand
  .command('emissions <file>')
  .description('Stream emission records from an NDJSON (.ndjson/.jsonl) or CSV (.csv) file into an organization, with progress')
  .requiredOption('--org <id>', 'organization id')
  .option('--json', 'print the report as JSON')
  .action((file: string, options: { org: string; json?: boolean }) =>
    withDatabase(async (db) => {
      await identity.getOrganization(db, options.org);
      const size = (await stat(file)).size;
      const stream = createReadStream(file);
      let read = 0;
      stream.on('data', (chunk) => (read += chunk.length));
      const records = /\.csv$/i.test(file) ? fromCsv(stream) : fromNdjson(stream);
      const started = Date.now();
      const report = await ingest(db, options.org, /\.csv$/i.test(file) ? 'csv' : 'ndjson', records, { onProgress: (progress) => {
        showProgress(read, size, started, progress);
      } });
      process.stderr.write('\n');
      if (options.json) console.log(JSON.stringify(report));
      else {
        console.log(`${report.received} records: ${report.created} created, ${report.duplicates} already stored, ${report.failed} rejected`);
        for (const error of report.errors.slice(0, 20)) console.log(`  row ${error.row}: ${error.message}`);
      }
      if (report.failed > 0) process.exitCode = 1;
    }),
  );

importCommand
  .command('plumes <file>')
  .description('Import plumes from a CSV in the public plume export format, with progress (re-importing updates by plume_id)')
  .option('--org <id>', 'organization owning the plumes (its analysts curate them)')
  .option('--json', 'print the report as JSON')
  .action((file: string, options: { org?: string; json?: boolean }) =>
    withDatabase(async (db) => {
      if (options.org) await identity.getOrganization(db, options.org);
      const size = (await stat(file)).size;
      const stream = createReadStream(file);
      let read = 0;
      stream.on('data', (chunk) => (read += chunk.length));
      const started = Date.now();
      const report = await importPlumeCsv(db, stream, options.org ?? null, (progress) => showProgress(read, size, started, progress));
      process.stderr.write('\n');
      if (options.json) console.log(JSON.stringify(report));
      else {
        console.log(`${report.received} plumes: ${report.created} created, ${report.updated} updated, ${report.failed} rejected`);
        for (const error of report.errors.slice(0, 20)) console.log(`  row ${error.row}: ${error.message}`);
      }
      if (report.failed > 0) process.exitCode = 1;
    }),
  );

program
  .command('demo-plumes')
  .description('Generate a deterministic demo plume catalog (realistic regions, repeated overpasses, null detections)')
  .option('--count <n>', 'plumes to generate', (value) => Number.parseInt(value, 10), 10_000)
  .option('--seed <n>', 'random seed: the same seed gives the same catalog', (value) => Number.parseInt(value, 10), 42)
  .option('--org <id>', 'organization owning the plumes')
  .action((options: { count: number; seed: number; org?: string }) =>
    withDatabase(async (db) => {
      if (options.org) await identity.getOrganization(db, options.org);
      const started = Date.now();
      const totals = await loadDemoCatalog(db, {
        plumes: options.count,
        seed: options.seed,
        organizationId: options.org ?? null,
        onProgress: (done) => showProgress(done.plumes, options.count, started, { received: done.plumes, failed: 0 }),
      });
      process.stderr.write('\n');
      console.log(`${totals.plumes} plumes in ${totals.scenes} scenes (seed ${options.seed}).`);
    }),
  );

program
  .command('scene-raster')
  .description("Store a scene's ch4, co2 or rgb GeoTIFF for its owner (converted to a COG when it is not one), as PUT /api/v1/layers/scene/{scene_id}/{product} does")
  .requiredOption('--scene <id>', 'scene id (uuid)')
  .addOption(new Option('--product <product>', 'which product the file is').choices(['ch4', 'co2', 'rgb']).makeOptionMandatory())
  .requiredOption('--org <id>', 'the organization owning the scene')
  .argument('<file>', 'the GeoTIFF')
  .option('--json', 'print JSON')
  .action((file: string, options: { scene: string; product: 'ch4' | 'co2' | 'rgb'; org: string; json?: boolean }) =>
    withDatabase(async (db) => {
      const stored = await storeSceneRasterFile({ db, store: assetStore(config()) }, { sceneId: options.scene, product: options.product, organizationId: options.org, file });
      if (options.json) console.log(JSON.stringify(stored));
      else console.log(`${stored.key}\t${stored.width}×${stored.height} px, EPSG:${stored.epsg}${stored.converted ? ', converted to COG' : ''}, default v_max ${stored.v_max_default ?? '-'}`);
    }),
  );

const registryCommand = program.command('registry').description('Carbon-credit registry');
registryCommand
  .command('verify')
  .description("Recompute the ledger's hash chain; exits 1 if it was tampered with")
  .addOption(new Option('--ledger <ledger>').choices(['live', 'sandbox']).default('live'))
  .option('--json', 'machine-readable output')
  .action((options: { ledger: 'live' | 'sandbox'; json?: boolean }) =>
    withDatabase(async (db) => {
      const result = await registry.verifyChain(db, options.ledger);
      if (options.json) console.log(JSON.stringify(result));
      else if (result.valid) console.log(`${result.ledger} ledger: ${result.length} transactions, chain intact, head ${result.headTxId}`);
      else console.log(`${result.ledger} ledger: BROKEN at #${result.brokenAt?.sequence} (${result.brokenAt?.transactionId}): ${result.brokenAt?.problem}`);
      if (!result.valid) process.exitCode = 1;
    }),
  );
registryCommand
  .command('operator')
  .description('Let an organization register projects and issue credits')
  .requiredOption('--org <id>', 'organization id')
  .option('--public', 'also make its registry profile public')
  .action((options: { org: string; public?: boolean }) =>
    withDatabase(async (db) => {
      await identity.getOrganization(db, options.org);
      await registry.updateRegistryProfile(db, options.org, { isRegistryOperator: true, type: 'registryOperator', ...(options.public ? { isPublic: true } : {}) });
      console.log(`${options.org} is a registry operator`);
    }),
  );

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
