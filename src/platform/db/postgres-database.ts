import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Sql } from 'sql-template-tag';
import type { Database, Queryable } from './database.js';

const INT8_OID = 20;
const MAX_ATTEMPTS = 5;
const RETRYABLE = new Set(['40P01', '40001']);

function isRetryable(error: unknown): boolean {
  return RETRYABLE.has((error as { code?: string } | null)?.code ?? '');
}

/** Counts and other bigints come back as numbers, as PGlite returns them, so both databases read alike. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * Every statement runs as a named prepared statement, so each connection parses and plans a query
 * shape once. Names are digests of the text; texts never contain input (values are always
 * parameters), so the set of names is bounded by the code's query shapes.
 */
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `ca_${createHash('sha1').update(text).digest('base64url')}`;
    statementNames.set(text, name);
  }
  return name;
}

function asQueryable(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<Row>(statement: Sql) {
      const result = await client.query({ name: statementName(statement.text), text: statement.text, values: statement.values as unknown[] });
      return result.rows as Row[];
    },
  };
}

export async function openPostgresDatabase(connectionString: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString, max: poolSize, types, application_name: 'carbon-atlas' });
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => undefined);
  const plain = asQueryable(pool);
  return {
    kind: 'postgres',
    query: plain.query,
    async transaction(work) {
      // A deadlock or serialisation failure aborts one of the transactions involved; running it
      // again is what PostgreSQL asks for, and the work is database-only, so it can be re-run.
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await work(asQueryable(client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          if (attempt < MAX_ATTEMPTS && isRetryable(error)) continue;
          throw error;
        } finally {
          client.release();
        }
      }
    },
    async withAdvisoryLock(lockKey, work) {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
        try {
          return await work({ ...asQueryable(client), exec: async (script) => void (await client.query(script)) });
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
        }
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
