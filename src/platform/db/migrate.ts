import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sql from 'sql-template-tag';
import type { Database, Session } from './database.js';

/** Same relative depth from src/ and from dist/, so both find the repository's migrations/. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  script: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export async function readMigrations(directory = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(directory)).filter((file) => file.endsWith('.sql')).sort();
  return Promise.all(
    files.map(async (file) => {
      const match = FILE_NAME.exec(file);
      if (!match) throw new MigrationError(`Migration file ${file} must be named NNNN_snake_case.sql`);
      const script = await readFile(`${directory}/${file}`, 'utf8');
      return {
        version: Number(match[1]),
        name: match[2]!,
        script,
        checksum: createHash('sha256').update(script).digest('hex'),
      };
    }),
  );
}

async function appliedChecksums(session: Session): Promise<Map<number, string>> {
  await session.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const rows = await session.query<{ version: number; checksum: string }>(
    sql`SELECT version, checksum FROM schema_migrations ORDER BY version`,
  );
  return new Map(rows.map((row) => [row.version, row.checksum]));
}

/**
 * Applies pending migrations in order, each in its own transaction, under an advisory lock so two
 * processes starting together do not race. Migrations are forward-only: an applied file that has
 * since changed is an error, never silently re-run.
 */
export async function migrate(database: Database, migrations?: Migration[]): Promise<Migration[]> {
  const all = migrations ?? (await readMigrations());
  return database.withAdvisoryLock('carbon-atlas:migrations', async (session) => {
    const applied = await appliedChecksums(session);
    const pending: Migration[] = [];
    for (const migration of all) {
      const checksum = applied.get(migration.version);
      if (checksum === undefined) pending.push(migration);
      else if (checksum !== migration.checksum) {
        throw new MigrationError(
          `Migration ${migration.version}_${migration.name} was changed after it was applied; add a new migration instead.`,
        );
      }
    }
    for (const migration of pending) {
      // The record goes in the same transaction as the change. Its values come from the file name
      // (digits, [a-z0-9_]) and a hex digest, so they are safe to write into the script.
      const record = `INSERT INTO schema_migrations (version, name, checksum) VALUES (${migration.version}, '${migration.name}', '${migration.checksum}');`;
      try {
        await session.exec(`BEGIN;\n${migration.script}\n;\n${record}\nCOMMIT;`);
      } catch (error) {
        await session.exec('ROLLBACK').catch(() => undefined);
        throw new MigrationError(`Migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`);
      }
    }
    return pending;
  });
}
