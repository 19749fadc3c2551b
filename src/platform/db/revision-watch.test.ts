import pg from 'pg';
import sql from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freshDatabase } from '../../../test/support/test-app.js';
import type { Database } from './database.js';
import { openDatabase } from './open-database.js';
import { RevisionWatch } from './revision-watch.js';

const onPostgres = Boolean(process.env.DATABASE_URL);

describe('revision watch', () => {
  let db: Database;
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  let watch: RevisionWatch;
  const reads = { count: 0 };
  const readCatalog = async () => {
    reads.count += 1;
    const [row] = await db.query<{ revision: number }>(sql`SELECT revision FROM catalog_revision`);
    return Number(row!.revision);
  };
  /** A write by another process: a statement-level trigger bumps and announces the revision. */
  async function writeElsewhere() {
    const other = new pg.Client({ connectionString: env.DATABASE_URL });
    await other.connect();
    try {
      await other.query('TRUNCATE plumes CASCADE');
    } finally {
      await other.end();
    }
  }

  beforeAll(async () => {
    const fresh = await freshDatabase();
    env = fresh.env;
    drop = fresh.drop;
    db = await openDatabase({ DATABASE_URL: env.DATABASE_URL, dataDir: env.DATA_DIR! });
    watch = new RevisionWatch(db).start();
    await vi.waitFor(() => expect(watch.live).toBe(true), { timeout: 10_000 });
  });
  afterAll(async () => {
    await watch?.close();
    await db?.close();
    await drop?.();
  });

  it('when nothing changes, the revision is read once and then answered from memory', async () => {
    const first = await watch.current('catalog', readCatalog);
    const before = reads.count;
    expect(await watch.current('catalog', readCatalog)).toBe(first);
    expect(await watch.current('catalog', readCatalog)).toBe(first);
    expect(reads.count).toBe(before);
  });

  it('when this process writes, the next caller reads the new revision at once', async () => {
    const first = await watch.current('catalog', readCatalog);
    await db.query(sql`UPDATE catalog_revision SET revision = revision + 1`);
    expect(await watch.current('catalog', readCatalog)).toBe(first + 1);
  });

  it.runIf(onPostgres)('when another process commits a change, its NOTIFY raises the revision here without a read', async () => {
    const first = await watch.current('catalog', readCatalog);
    const before = reads.count;
    await writeElsewhere();
    await vi.waitFor(async () => expect(await watch.current('catalog', readCatalog)).toBe(first + 1), { timeout: 10_000 });
    expect(reads.count).toBe(before);
  });

  it.runIf(onPostgres)('when the listening connection is lost, every caller reads until listening holds again', async () => {
    await watch.current('catalog', readCatalog);
    const admin = new pg.Client({ connectionString: env.DATABASE_URL });
    await admin.connect();
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND (query LIKE 'LISTEN%' OR query = 'SELECT 1')`);
    await admin.end();
    await vi.waitFor(() => expect(watch.live).toBe(false), { timeout: 10_000 });
    const before = reads.count;
    await writeElsewhere();
    const fresh = await watch.current('catalog', readCatalog);
    expect(reads.count).toBe(before + 1);
    expect(fresh).toBe(await readCatalog());
    await vi.waitFor(() => expect(watch.live).toBe(true), { timeout: 10_000 });
  });
});
