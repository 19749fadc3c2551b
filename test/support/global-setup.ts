import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/platform/db/open-database.js';
import { migrate } from '../../src/platform/db/migrate.js';
import { loadBundledAdministrativeAreas } from '../../src/modules/geo/areas/bundled-areas.js';
import { databaseUrlFor } from './database-url.js';
import { ensureBuiltCli } from './built-cli.js';
import { ensureBuiltConsole } from './built-console.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite: a migrated data directory each test file copies. PostgreSQL: a migrated template database. */
    templateDataDir: string;
    templateDatabase: string;
  }
}

/** Migrates once per run; every test file then starts from a copy of the result. */
export default async function setup(project: TestProject) {
  ensureBuiltCli();
  ensureBuiltConsole();
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const name = `carbon_atlas_template_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const db = await openDatabase({ DATABASE_URL: databaseUrlFor(databaseUrl, name), dataDir: os.tmpdir() });
    await migrate(db);
    await loadBundledAdministrativeAreas(db);
    await db.close();
    project.provide('templateDatabase', name);
    project.provide('templateDataDir', '');
    return async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    };
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-template-'));
  const db = await openDatabase({ dataDir });
  await migrate(db);
  await loadBundledAdministrativeAreas(db);
  await db.close();
  project.provide('templateDataDir', dataDir);
  project.provide('templateDatabase', '');
  return () => rm(dataDir, { recursive: true, force: true });
}
