import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../test/support/test-app.js';
import { databaseUrlFor } from '../../../test/support/database-url.js';
import { runCli } from '../../../test/support/cli.js';
import { DataDirectoryBusyError, lockDataDirectory } from './data-dir-lock.js';
import { migrate, MigrationError, readMigrations } from './migrate.js';
import { isoInstant } from './iso-instant.js';
import { openDatabase } from './open-database.js';
import type { Database } from './database.js';

describe('migrations', () => {
  let db: Database;
  let drop: () => Promise<void>;
  let databaseUrl: string | undefined;

  beforeAll(async () => {
    const fresh = await freshDatabase();
    drop = fresh.drop;
    databaseUrl = fresh.env.DATABASE_URL;
    db = await openDatabase({ DATABASE_URL: fresh.env.DATABASE_URL, dataDir: fresh.env.DATA_DIR! });
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  it('are numbered files applied once each, in order, with PostGIS available', async () => {
    const files = await readMigrations();
    expect(files.map((m) => m.version)).toEqual([...files.map((m) => m.version)].sort((a, b) => a - b));
    expect(await migrate(db)).toEqual([]);
    const applied = await db.query<{ version: number }>(sql`SELECT version FROM schema_migrations ORDER BY version`);
    expect(applied.map((row) => row.version)).toEqual(files.map((m) => m.version));
    const [point] = await db.query<{ wkt: string }>(sql`SELECT ST_AsText(ST_SetSRID(ST_MakePoint(-3.7038, 40.4168), 4326)) AS wkt`);
    expect(point!.wkt).toBe('POINT(-3.7038 40.4168)');
  });

  it('plan every PostgreSQL statement with its values, without JIT and without parallel workers (decisions 0018, 0030, 0032)', async () => {
    if (db.kind !== 'postgres') return;
    // Named statements otherwise fall to a generic plan after five runs: 10× slower for a box and a date range.
    for (let run = 0; run < 7; run += 1) {
      const [settings] = await db.query<{ plans: string; jit: string; workers: string }>(
        sql`SELECT current_setting('plan_cache_mode') AS plans, current_setting('jit') AS jit, current_setting('max_parallel_workers_per_gather') AS workers`,
      );
      expect(settings).toEqual({ plans: 'force_custom_plan', jit: 'off', workers: '0' });
    }
  });

  it('format instants as Date.toISOString() does (isoInstant), milliseconds truncated like the driver’s Date', async () => {
    const instants = ['2023-06-28T19:10:11Z', '2023-06-28T19:10:11.123789Z', '2024-02-29T23:59:59.999999+05:30', '1969-12-31T23:59:59.5Z', '2000-01-01T00:00:00.001Z'];
    const rows = await db.query<{ value: Date; text: string }>(
      sql`SELECT t AS value, ${isoInstant(sql`t`)} AS text FROM unnest(${instants}::timestamptz[]) AS t`,
    );
    expect(rows.map((row) => row.text)).toEqual(rows.map((row) => row.value.toISOString()));
    expect(rows[1]!.text).toBe('2023-06-28T19:10:11.123Z');
  });

  it('answer rows as plain objects keyed by column name, in column order, parsed by type (the last of two equal names wins)', async () => {
    const rows = await db.query(sql`SELECT n, n::text AS label, n > 1 AS big, 2::bigint AS twice, 'first' AS same, 'last' AS same, NULL::text AS nothing FROM generate_series(1, 2) AS n`);
    expect(rows).toEqual([
      { n: 1, label: '1', big: false, twice: 2, same: 'last', nothing: null },
      { n: 2, label: '2', big: true, twice: 2, same: 'last', nothing: null },
    ]);
    expect(Object.keys(rows[0]!)).toEqual(['n', 'label', 'big', 'twice', 'same', 'nothing']);
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
  });

  it.runIf(process.env.DATABASE_URL)('keep a column named __proto__ a key, never the prototype (PostgreSQL)', async () => {
    const [row] = await db.query<Record<string, unknown>>(sql`SELECT 1 AS a, 'x' AS "__proto__"`);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe('x');
    expect(row!.a).toBe(1);
  });

  it('run several reads on one read-only snapshot that writesCompleted does not count', async () => {
    const before = db.writesCompleted!();
    const settings = await db.readSnapshot(async (snapshot) => {
      const [first] = await snapshot.query<{ isolation: string; readOnly: string; started: Date }>(
        sql`SELECT current_setting('transaction_isolation') AS isolation, current_setting('transaction_read_only') AS "readOnly", now() AS started`,
      );
      const [second] = await snapshot.query<{ started: Date }>(sql`SELECT now() AS started`);
      return { ...first!, sameTransaction: first!.started.getTime() === second!.started.getTime() };
    });
    expect(settings).toMatchObject({ isolation: 'repeatable read', readOnly: 'on', sameTransaction: true });
    expect(db.writesCompleted!()).toBe(before);
    await expect(db.readSnapshot((snapshot) => snapshot.query(sql`CREATE TEMP TABLE refused (id int)`))).rejects.toThrow(/read-only/);
  });

  it('set planner settings for one read-only snapshot alone (PostgreSQL)', async () => {
    if (db.kind !== 'postgres') return;
    const setting = sql`SELECT current_setting('enable_bitmapscan') AS bitmaps, current_setting('max_parallel_workers_per_gather') AS workers, current_setting('transaction_read_only') AS "readOnly"`;
    const inside = await db.readSnapshot((snapshot) => snapshot.query(setting), { settings: ['enable_bitmapscan = off', 'max_parallel_workers_per_gather = 2'] });
    expect(inside).toEqual([{ bitmaps: 'off', workers: '2', readOnly: 'on' }]);
    // Pooled connections come back as they were: every later statement sees the defaults.
    for (let run = 0; run < 12; run += 1) expect(await db.query(setting)).toEqual([{ bitmaps: 'on', workers: '0', readOnly: 'off' }]);
  });

  it('run maintenance past the requests’ statement timeout, on a session of its own, committed or rolled back, within a bound of its own (PostgreSQL)', async () => {
    if (db.kind !== 'postgres') return;
    const limited = await openDatabase({ DATABASE_URL: databaseUrl, dataDir: '', DB_STATEMENT_TIMEOUT_MS: 150 });
    try {
      await limited.query(sql`CREATE TABLE IF NOT EXISTS maintenance_probe (n int)`);
      const slow = sql`SELECT pg_sleep(0.4)`;
      await expect(limited.transaction((tx) => tx.query(slow))).rejects.toMatchObject({ code: '57014' });
      const [inside] = await limited.maintenanceTransaction(async (tx) => {
        await tx.query(slow);
        await tx.query(sql`INSERT INTO maintenance_probe VALUES (1)`);
        return tx.query<{ timeout: string }>(sql`SELECT current_setting('statement_timeout') AS timeout`);
      });
      expect(inside).toEqual({ timeout: '0' });
      await expect(limited.maintenanceTransaction(async (tx) => {
        await tx.query(sql`INSERT INTO maintenance_probe VALUES (2)`);
        throw new Error('changed its mind');
      })).rejects.toThrow('changed its mind');
      expect(await limited.query(sql`SELECT array_agg(n)::int[] AS ns FROM maintenance_probe`)).toEqual([{ ns: [1] }]);
    } finally {
      await limited.close();
    }
    // A limit set on the database (or the role) instead, which no connection option overrides.
    await db.query(sql`DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET statement_timeout = 150', current_database()); END $$`);
    // And maintenance has a bound of its own (DB_MAINTENANCE_TIMEOUT_MS), which replaces that limit.
    const limitedByDatabase = await openDatabase({ DATABASE_URL: databaseUrl, dataDir: '', DB_MAINTENANCE_TIMEOUT_MS: 1000 });
    try {
      await expect(limitedByDatabase.transaction((tx) => tx.query(sql`SELECT pg_sleep(0.4)`))).rejects.toMatchObject({ code: '57014' });
      await limitedByDatabase.maintenanceTransaction((tx) => tx.query(sql`SELECT pg_sleep(0.4)`));
      await expect(limitedByDatabase.maintenanceTransaction((tx) => tx.query(sql`SELECT pg_sleep(1.5)`))).rejects.toMatchObject({ code: '57014' });
    } finally {
      await limitedByDatabase.close();
      await db.query(sql`DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET statement_timeout', current_database()); END $$`);
    }
  });

  it('fork a read-only snapshot to another connection that sees the same data, not a later commit (PostgreSQL)', async () => {
    if (db.kind !== 'postgres') {
      // One connection: nothing to fork to (and a write beside the snapshot would wait for it).
      expect(await db.readSnapshot((_snapshot, fork) => fork())).toBeUndefined();
      return;
    }
    await db.query(sql`CREATE TABLE IF NOT EXISTS fork_probe (n int)`);
    await db.query(sql`INSERT INTO fork_probe VALUES (1)`);
    const count = sql`SELECT count(*)::int AS n, current_setting('transaction_read_only') AS "readOnly", pg_backend_pid() AS pid FROM fork_probe`;
    const seen = await db.readSnapshot(async (snapshot, fork) => {
      const [mine] = await snapshot.query<{ n: number; pid: number }>(count);
      await db.query(sql`INSERT INTO fork_probe VALUES (2)`);
      const other = (await fork())!;
      const [theirs] = await other.query<{ n: number; readOnly: string; pid: number }>(count);
      return { mine, other: theirs };
    });
    expect(seen.other).toMatchObject({ n: seen.mine!.n, readOnly: 'on' });
    expect(seen.other!.pid).not.toBe(seen.mine!.pid);
    expect(await db.query(count)).toMatchObject([{ n: seen.mine!.n + 1 }]);
  });

  it('run a fork’s statement on the snapshot’s own connection when a lock it needs is queued for (PostgreSQL)', async () => {
    if (db.kind !== 'postgres') return;
    await db.query(sql`CREATE TABLE IF NOT EXISTS fork_probe (n int)`);
    const count = sql`SELECT count(*)::int AS n, pg_backend_pid() AS pid FROM fork_probe`;
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    try {
      let locked: Promise<unknown> | undefined;
      const seen = await db.readSnapshot(async (snapshot, fork) => {
        const [mine] = await snapshot.query<{ n: number; pid: number }>(count);
        // A migration's ALTER would queue so: behind this snapshot's lock, ahead of the fork's.
        locked = locker.query('BEGIN; LOCK TABLE fork_probe IN ACCESS EXCLUSIVE MODE');
        for (let waited = 0; waited < 100; waited++) {
          const [queued] = await db.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'fork_probe'::regclass`);
          if (queued!.n > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        const [theirs] = await (await fork())!.query<{ n: number; pid: number }>(count);
        return { mine: mine!, theirs: theirs! };
      });
      expect(seen.theirs).toEqual(seen.mine);
      await locked;
    } finally {
      await locker.end();
    }
  });

  it('refuse to run when an applied migration file was edited (forward-only)', async () => {
    const files = await readMigrations();
    const edited = files.map((m, index) => (index === 0 ? { ...m, checksum: 'edited' } : m));
    await expect(migrate(db, edited)).rejects.toBeInstanceOf(MigrationError);
  });

  it('index every tenant table by organization_id first', async () => {
    const rows = await db.query<{ table_name: string }>(sql`
      SELECT c.table_name FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = 'public' AND c.column_name = 'organization_id'
        AND NOT EXISTS (
          SELECT 1 FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
          WHERE t.relname = c.table_name AND a.attname = 'organization_id')`);
    expect(rows).toEqual([]);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('migrations from two processes at once', () => {
  it('apply each migration exactly once while both wait their turn', async () => {
    const base = process.env.DATABASE_URL!;
    const name = `carbon_atlas_race_${Date.now()}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = databaseUrlFor(base, name);
    const [first, second] = await Promise.all([openDatabase({ DATABASE_URL: url, dataDir: os.tmpdir() }), openDatabase({ DATABASE_URL: url, dataDir: os.tmpdir() })]);
    try {
      const [a, b] = await Promise.all([migrate(first), migrate(second)]);
      const total = (await readMigrations()).length;
      expect(a.length + b.length).toBe(total);
      expect(Math.min(a.length, b.length)).toBe(0);
      const [row] = await first.query<{ count: number }>(sql`SELECT count(*)::int AS count FROM schema_migrations`);
      expect(row!.count).toBe(total);
    } finally {
      await first.close();
      await second.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});

describe('embedded data directory', () => {
  let dataDir: string;
  let release: () => Promise<void>;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-lock-'));
    release = await lockDataDirectory(dataDir);
  });
  afterAll(async () => {
    await release?.();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('cannot be opened twice', async () => {
    await expect(openDatabase({ dataDir })).rejects.toBeInstanceOf(DataDirectoryBusyError);
  });

  it('makes a second process fail at once with a clear message', async () => {
    // Waiting for the lock would hang until the test's own timeout: no clock is read here.
    const result = await runCli(['serve'], { DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is already open in another Carbon Atlas process');
  });
});
