import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Config } from '../src/platform/config.js';

export interface Backend {
  name: 'postgres' | 'pglite';
  env: Record<string, string>;
  dispose(): Promise<void>;
}

function withDatabase(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh PostgreSQL database on the given server, dropped by `dispose`. */
export async function postgresBackend(adminUrl: string): Promise<Backend> {
  const name = `carbon_atlas_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-bench-'));
  return {
    name: 'postgres',
    env: { DATABASE_URL: withDatabase(adminUrl, name), DATA_DIR: dataDir },
    async dispose() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * An existing PostgreSQL database (e.g. a copy of the 1M-plume template `ca_bench_1m`), kept as it
 * is by `dispose`: benches that find their data already loaded skip loading it.
 */
export async function existingPostgresBackend(url: string): Promise<Backend> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-bench-'));
  return { name: 'postgres', env: { DATABASE_URL: url, DATA_DIR: dataDir }, dispose: () => rm(dataDir, { recursive: true, force: true }) };
}

export async function pgliteBackend(): Promise<Backend> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-bench-'));
  return { name: 'pglite', env: { DATA_DIR: dataDir }, dispose: () => rm(dataDir, { recursive: true, force: true }) };
}

/** Budgets high enough that the limiter still counts every request but never refuses one. */
export function benchEnv(backend: Backend): Record<string, string> {
  return { ...backend.env, LOG_LEVEL: 'silent', RATE_LIMIT_ENTERPRISE: '1000000000', RATE_LIMIT_ANONYMOUS: '1000000000', RATE_LIMIT_TILES: '1000000000', DB_STATEMENT_TIMEOUT_MS: '0', JWT_SECRET: randomBytes(32).toString('hex') };
}

export type { Config };
