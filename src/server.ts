import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './platform/config.js';
import { openDatabase } from './platform/db/open-database.js';
import { migrate } from './platform/db/migrate.js';
import { resolveJwtSecret } from './platform/auth/jwt-secret.js';
import * as identity from './platform/identity/identity.service.js';
import { seedDemoData, type SeedResult } from './seed.js';
import { configuredBlobStore } from './platform/storage/configured-blob-store.js';
import { recalculateForLibraryRelease } from './modules/emissions/consumption/consumption.service.js';
import { loadBundledAdministrativeAreas } from './modules/geo/areas/bundled-areas.js';
import { backgroundRebuildsSettled, refreshMaintainedSources, stopBackgroundRebuilds } from './modules/catalog/sources/sources.service.js';

export interface StartOptions {
  seed?: boolean;
  onSeeded?: (result: SeedResult) => void;
  /** Called once the app is built, before it listens (e.g. to open the CLI's control socket). */
  beforeListen?: (app: FastifyInstance) => Promise<void>;
}

/** Opens the database, applies migrations, bootstraps, optionally seeds, and builds the app (not listening yet). */
export async function prepareServer(config: Config, options: StartOptions = {}): Promise<FastifyInstance> {
  const db = await openDatabase(config);
  try {
    await migrate(db);
    // The shipped boundaries, once per database and data version (a no-op on later starts).
    await loadBundledAdministrativeAreas(db);
    if (options.seed) options.onSeeded?.(await seedDemoData(db, config.BOOTSTRAP_API_KEY, { assets: configuredBlobStore(config) }));
    else if (config.BOOTSTRAP_API_KEY) await identity.ensureBootstrapApiKey(db, config.BOOTSTRAP_API_KEY);
    // A new release of the shipped factor library recalculates what its changed factors produced.
    const release = await db.withAdvisoryLock('emission-factor-library', () => recalculateForLibraryRelease(db));
    const jwtSecret = await resolveJwtSecret(config.JWT_SECRET, config.dataDir);
    const app = await buildApp({ config, db, jwtSecret });
    if (release.recalculated > 0) app.log.info(release, 'emissions recalculated for the new emission-factor library');
    // The sources' maintained clusters after an upgrade or a bulk change (a rebuild takes ~30 s at a
    // million plumes), in the background: meanwhile readers cluster on demand (decision 0034). Not
    // on the embedded database: its one connection would hold every request until it is done.
    if (db.kind === 'postgres') {
      const refreshing = refreshMaintainedSources(db).catch((error: unknown) => app.log.warn({ err: error }, 'maintained sources not refreshed at start; the first reader will'));
      // Closing waits for it (the pool would anyway): the database closes after it, never under it.
      app.addHook('preClose', () => refreshing);
      app.addHook('preClose', () => {
        stopBackgroundRebuilds();
        return backgroundRebuildsSettled();
      });
    }
    return app;
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Listens and closes gracefully on SIGINT/SIGTERM: in-flight requests finish, then the database closes. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<FastifyInstance> {
  const app = await prepareServer(config, options);
  await options.beforeListen?.(app);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  try {
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (error) {
    // A port in use: release the database (and the data directory) before the process reports it.
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}
