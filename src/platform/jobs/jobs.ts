import type { Database, Queryable } from '../db/database.js';
import * as queries from './jobs.queries.js';

export type { JobRow } from './jobs.queries.js';

/** Queues a job in the caller's transaction: it runs only if that transaction commits. */
export function enqueueJob(db: Queryable, queue: string, payload: Record<string, unknown>) {
  return queries.insertJob(db, queue, payload);
}

export type JobHandler = (payload: Record<string, unknown>, db: Database) => Promise<void>;

/** Thrown by a handler that cannot run yet (e.g. a rate limit): the job runs again later, the attempt not counted. */
export class DeferJob extends Error {
  constructor(readonly seconds: number) {
    super(`deferred ${seconds} s`);
  }
}

/**
 * Runs every due job of a queue once; returns how many ran. Used by workers and by tests. While a
 * handler runs, its lease is renewed every half lease: a long job (a large import) keeps it, and
 * the job of a worker that died is free again within one lease.
 */
export async function drainQueue(db: Database, queue: string, handler: JobHandler, leaseSeconds = 60) {
  let ran = 0;
  for (let job = await queries.leaseJob(db, queue, leaseSeconds); job; job = await queries.leaseJob(db, queue, leaseSeconds)) {
    const id = job.id;
    const heartbeat = setInterval(() => void queries.extendLease(db, id, leaseSeconds).catch(() => undefined), (leaseSeconds * 1000) / 2);
    try {
      await handler(job.payload, db);
      await queries.markDone(db, id);
    } catch (error) {
      if (error instanceof DeferJob) await queries.defer(db, id, error.seconds);
      else await queries.markFailed(db, id, error instanceof Error ? error.message : String(error));
    } finally {
      clearInterval(heartbeat);
    }
    ran += 1;
  }
  return ran;
}

export interface Worker {
  /** Drain now instead of waiting for the next poll (e.g. right after enqueueing). */
  wake(): void;
  stop(): Promise<void>;
}

/** Polls a queue every `pollMs` and drains it; several workers (and processes) may share a queue. */
export function startWorker(db: Database, queue: string, handler: JobHandler, onError: (error: unknown) => void, pollMs = 250): Worker {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let pending = false;
  const tick = () => {
    if (stopped || pending) return;
    pending = true;
    running = running
      .then(async () => {
        pending = false;
        if (!stopped) await drainQueue(db, queue, handler);
      })
      .catch(onError);
  };
  const timer = setInterval(tick, pollMs);
  timer.unref();
  return {
    wake: tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
