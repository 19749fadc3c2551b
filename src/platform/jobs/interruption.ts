/**
 * Thrown by a job at a safe point (between chunks) once its worker is stopping: the job is handed
 * back to the queue, not failed, and resumes from what it recorded.
 */
export class JobInterrupted extends Error {
  constructor() {
    super('interrupted: the worker is stopping');
  }
}

/**
 * Lets timers and I/O run. A job whose database is in this process (PGlite) otherwise resolves
 * every query on the microtask queue and never gives the HTTP server a turn until it ends.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Between two chunks of a long job: give requests a turn, and stop here if the worker is stopping. */
export async function betweenChunks(signal: AbortSignal | undefined) {
  await yieldToEventLoop();
  if (signal?.aborted) throw new JobInterrupted();
}

/**
 * Thrown by a job that finds another worker has taken it over (its lease ran out while it was
 * stalled): it stops without touching the job, whose new owner carries on.
 */
export class JobTakenOver extends Error {
  constructor() {
    super('taken over by another worker');
  }
}
