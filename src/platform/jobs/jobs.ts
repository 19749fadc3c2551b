import type { Database, Queryable } from '../db/database.js';
import { isTransientDatabaseError, OUTAGE_RETRY_AFTER_SECONDS } from '../db/database-errors.js';
import { JobInterrupted, JobTakenOver, yieldToEventLoop } from './interruption.js';
import * as queries from './jobs.queries.js';

export type { JobRow } from './jobs.queries.js';
export { JobInterrupted, JobTakenOver, betweenChunks, yieldToEventLoop } from './interruption.js';

/** Queues a job in the caller's transaction: it runs only if that transaction commits. */
export function enqueueJob(db: Queryable, queue: string, payload: Record<string, unknown>) {
  return queries.insertJob(db, queue, payload);
}

/**
 * `signal` aborts when the worker is stopping: a long handler checks it between chunks
 * (`betweenChunks`) and throws `JobInterrupted` to hand the job back; a short one just finishes.
 */
export type JobHandler = (payload: Record<string, unknown>, db: Database, signal: AbortSignal) => Promise<void>;

/** Thrown by a handler that cannot run yet (e.g. a rate limit): the job runs again later, the attempt not counted. */
export class DeferJob extends Error {
  constructor(readonly seconds: number) {
    super(`deferred ${seconds} s`);
  }
}

const NEVER = new AbortController().signal;

/** Runs one leased job and records how it ended. */
async function runJob(db: Database, job: queries.JobRow, handler: JobHandler, leaseSeconds: number, signal: AbortSignal) {
  const heartbeat = setInterval(() => void queries.extendLease(db, job.id, leaseSeconds).catch(() => undefined), (leaseSeconds * 1000) / 2);
  try {
    await handler(job.payload, db, signal);
    await queries.markDone(db, job.id);
  } catch (error) {
    if (error instanceof JobTakenOver) return; // its new owner records how it ends
    if (error instanceof JobInterrupted) await queries.handBack(db, job.id);
    else if (error instanceof DeferJob) await queries.defer(db, job.id, error.seconds);
    // A lost connection or a restarting database is passing: run the job again, do not fail it.
    else if (isTransientDatabaseError(error)) await queries.defer(db, job.id, OUTAGE_RETRY_AFTER_SECONDS);
    else await queries.markFailed(db, job.id, error instanceof Error ? error.message : String(error));
  } finally {
    clearInterval(heartbeat);
  }
}

/**
 * Runs every due job of a queue once; returns how many ran. Used by workers and by tests. While a
 * handler runs, its lease is renewed every half lease: a long job (a large import) keeps it, and
 * the job of a worker that died is free again within one lease. Once `signal` aborts no further
 * job is leased, so a stopping worker waits for one job at most, not for the whole queue.
 */
export async function drainQueue(db: Database, queue: string, handler: JobHandler, leaseSeconds = 60, signal: AbortSignal = NEVER) {
  let ran = 0;
  while (!signal.aborted) {
    const job = await queries.leaseJob(db, queue, leaseSeconds);
    if (!job) break;
    await runJob(db, job, handler, leaseSeconds, signal);
    ran += 1;
    await yieldToEventLoop();
  }
  return ran;
}

export interface Worker {
  /** Drain now instead of waiting for the next poll (e.g. right after enqueueing). */
  wake(): void;
  /** Takes no further job, interrupts a long one at its next chunk, and resolves once none runs. */
  stop(): Promise<void>;
}

/**
 * How long a worker of the embedded database waits between polls while this process writes
 * nothing: no other process can enqueue (the data directory is locked to this one), so only a job
 * coming due (a retry's back-off, a dead worker's lease) needs a look without a write.
 */
const EMBEDDED_IDLE_POLL_MS = 5_000;

/**
 * Polls a queue every `pollMs` and drains it; several workers (and processes) may share a queue.
 * On the embedded database a poll runs only after this process wrote something (an enqueue, a
 * hand-back), once the next waiting job comes due (a retry's back-off, a lease running out), or
 * every EMBEDDED_IDLE_POLL_MS: there each poll runs on this process's own thread, and six workers
 * polling four times a second took a quarter of a core from an idle server. A poll first reads
 * whether anything is due, so an idle one writes nothing.
 */
export function startWorker(db: Database, queue: string, handler: JobHandler, onError: (error: unknown) => void, pollMs = 250, idlePollMs = EMBEDDED_IDLE_POLL_MS): Worker {
  const stopping = new AbortController();
  const sleepsBetweenWrites = db.kind === 'pglite' && typeof db.writesCompleted === 'function';
  let running: Promise<void> = Promise.resolve();
  let pending = false;
  let writesSeen = -1;
  // On performance.now()'s clock: a wall clock stepped back must not hold a worker asleep.
  let nextLookAt = 0;
  const quiet = () => sleepsBetweenWrites && db.writesCompleted!() === writesSeen && performance.now() < nextLookAt;
  const poll = async () => {
    pending = false;
    if (stopping.signal.aborted) return;
    const startedAt = performance.now();
    writesSeen = sleepsBetweenWrites ? db.writesCompleted!() : -1;
    try {
      const wait = await queries.msUntilNextJob(db, queue);
      nextLookAt = startedAt + Math.min(idlePollMs, wait ?? Infinity);
      if (wait === undefined || wait > 0) return;
      await drainQueue(db, queue, handler, 60, stopping.signal);
      writesSeen = -1; // what the jobs wrote may have queued more
    } catch (error) {
      writesSeen = -1; // look again at the next tick, not after the next write
      throw error;
    }
  };
  const schedule = (force: boolean) => {
    if (stopping.signal.aborted || pending || (!force && quiet())) return;
    pending = true;
    running = running.then(poll).catch(onError);
  };
  const timer = setInterval(() => schedule(false), pollMs);
  timer.unref();
  return {
    wake: () => schedule(true),
    async stop() {
      stopping.abort();
      clearInterval(timer);
      await running;
    },
  };
}
