import type { Span, Tracer } from '@opentelemetry/api';
import sql from 'sql-template-tag';
import { describe, expect, it } from 'vitest';
import { NO_FORK, type Database, type Queryable } from '../db/database.js';
import { tracedDatabase } from './tracing.js';

/** A tracer that records the statement of each span it is asked to start. */
function recordingTracer(traced: string[]): Tracer {
  const span = { end: () => undefined, setStatus: () => span } as unknown as Span;
  return {
    startActiveSpan: (_name: string, options: { attributes: Record<string, string> }, run: (span: Span) => unknown) => {
      traced.push(options.attributes['db.statement']!);
      return run(span);
    },
  } as unknown as Tracer;
}

const connection: Queryable = { query: async () => [] };
const database: Database = {
  kind: 'postgres',
  query: connection.query,
  transaction: (work) => work(connection),
  maintenanceTransaction: (work) => work(connection),
  readSnapshot: (work) => work(connection, NO_FORK),
  withAdvisoryLock: (_key, work) => work({ ...connection, exec: async () => undefined }),
  close: async () => undefined,
};

describe('tracedDatabase', () => {
  it('spans every statement: alone, in a transaction, in a read-only snapshot and in a locked session', async () => {
    const traced: string[] = [];
    const db = tracedDatabase(database, recordingTracer(traced));
    await db.query(sql`SELECT 'alone'`);
    await db.transaction((tx) => tx.query(sql`SELECT 'in a transaction'`));
    await db.readSnapshot((snapshot) => snapshot.query(sql`SELECT 'in a snapshot'`), { settings: ['enable_bitmapscan = off'] });
    await db.withAdvisoryLock('key', (session) => session.query(sql`SELECT 'in a session'`));
    expect(traced).toEqual([`SELECT 'alone'`, `SELECT 'in a transaction'`, `SELECT 'in a snapshot'`, `SELECT 'in a session'`]);
  });
});
