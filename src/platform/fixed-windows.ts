export interface WindowCount {
  /** Calls counted in the current window, this one included. */
  consumed: number;
  /** Milliseconds until the window ends and the count starts again. */
  msBeforeNext: number;
}

/**
 * Fixed-window counters in this process's memory, answering synchronously: a window opens at a
 * key's first call and lasts `durationMs`, as rate-limiter-flexible's own memory store does. The
 * per-request budgets use these rather than that store, whose promise per call (and the awaits
 * around it) cost about a fifth of the server's time on the cached-tile path (decision 0029).
 * Ended windows are dropped by a sweep once per window length, so memory follows the keys active
 * in the last window.
 */
export class FixedWindows {
  private readonly windows = new Map<string, { consumed: number; endsAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly durationMs: number) {
    this.sweeper = setInterval(() => this.sweep(Date.now()), durationMs);
    this.sweeper.unref();
  }

  /** Counts one call. */
  consume(key: string, now = Date.now()): WindowCount {
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { consumed: 0, endsAt: now + this.durationMs };
      this.windows.set(key, window);
    }
    window.consumed += 1;
    return { consumed: window.consumed, msBeforeNext: window.endsAt - now };
  }

  /** The current window's count without counting; undefined when no window is open. */
  peek(key: string, now = Date.now()): WindowCount | undefined {
    const window = this.windows.get(key);
    return window && window.endsAt > now ? { consumed: window.consumed, msBeforeNext: window.endsAt - now } : undefined;
  }

  /** Keys with an open window (for tests and metrics). */
  get size(): number {
    return this.windows.size;
  }

  sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
