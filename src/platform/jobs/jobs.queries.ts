import sql from 'sql-template-tag';
import type { Queryable } from '../db/database.js';

export interface JobRow {
  id: number;
  queue: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
}

export async function insertJob(db: Queryable, queue: string, payload: Record<string, unknown>) {
  const [row] = await db.query<{ id: number }>(sql`INSERT INTO jobs (queue, payload) VALUES (${queue}, ${JSON.stringify(payload)}::jsonb) RETURNING id`);
  return Number(row!.id);
}

/**
 * How long until a queue's next job is due (0 or less: one is due now; undefined: none waits),
 * by a plain read: an idle worker's look writes nothing (and so does not count as a write, which
 * would wake every other worker of this process). A running job is "due" when its lease runs out.
 */
export async function msUntilNextJob(db: Queryable, queue: string): Promise<number | undefined> {
  const [row] = await db.query<{ wait_ms: number | null }>(sql`
    SELECT extract(epoch FROM min(CASE WHEN state = 'queued' THEN run_after ELSE locked_until END) - now())::float8 * 1000 AS wait_ms
    FROM jobs WHERE queue = ${queue} AND state IN ('queued', 'running')`);
  return row?.wait_ms ?? undefined;
}

/** Leases the next due job of a queue; a job whose lease ran out (its worker died) is due again. */
export async function leaseJob(db: Queryable, queue: string, leaseSeconds: number) {
  const [row] = await db.query<JobRow>(sql`
    UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = now() + make_interval(secs => ${leaseSeconds})
    WHERE id = (
      SELECT id FROM jobs
      WHERE queue = ${queue}
        AND ((state = 'queued' AND run_after <= now()) OR (state = 'running' AND locked_until < now()))
      ORDER BY run_after, id LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id, queue, payload, attempts, max_attempts`);
  return row ? { ...row, id: Number(row.id) } : undefined;
}

/** Done jobs are deleted: what they did is recorded by their module; only failures stay for inspection. */
export async function markDone(db: Queryable, id: number) {
  await db.query(sql`DELETE FROM jobs WHERE id = ${id}`);
}

/** Retries with exponential back-off (2, 4, 8 … seconds) until max_attempts, then gives up. */
export async function markFailed(db: Queryable, id: number, error: string) {
  await db.query(sql`
    UPDATE jobs SET
      state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
      run_after = now() + make_interval(secs => power(2, least(attempts, 12))::int),
      finished_at = CASE WHEN attempts >= max_attempts THEN now() END,
      locked_until = NULL, last_error = ${error.slice(0, 2000)}
    WHERE id = ${id}`);
}

export async function defer(db: Queryable, id: number, seconds: number) {
  await db.query(sql`
    UPDATE jobs SET state = 'queued', attempts = attempts - 1, locked_until = NULL, run_after = now() + make_interval(secs => ${seconds})
    WHERE id = ${id}`);
}

/** A stopping worker gives its job back: due again at once, the attempt not counted. */
export async function handBack(db: Queryable, id: number) {
  await db.query(sql`
    UPDATE jobs SET state = 'queued', attempts = greatest(attempts - 1, 0), locked_until = NULL, run_after = now()
    WHERE id = ${id} AND state = 'running'`);
}

/** A running job's worker is alive: its lease goes on. */
export async function extendLease(db: Queryable, id: number, leaseSeconds: number) {
  await db.query(sql`UPDATE jobs SET locked_until = now() + make_interval(secs => ${leaseSeconds}) WHERE id = ${id} AND state = 'running'`);
}
