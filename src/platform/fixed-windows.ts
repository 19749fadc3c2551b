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
 * Ended windows are dropped by a sweep four times per window length, so memory follows the keys
 * active in the last window and a quarter. Keys are kept in the order their windows opened (a
 * reopened window moves its key to the end), which is the order they end in: a sweep stops at the
 * first window still open, so it costs the windows it drops, not all of them.
 */
export class FixedWindows {
  private readonly windows = new Map<string, { consumed: number; endsAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly durationMs: number) {
    this.sweeper = setInterval(() => this.sweep(Date.now()), Math.max(1, Math.floor(durationMs / 4)));
    this.sweeper.unref();
  }

  /** Counts one call. */
  consume(key: string, now = Date.now()): WindowCount {
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      if (window) this.windows.delete(key);
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

  /** Keys held: open windows, and ended ones the next sweep drops. */
  get size(): number {
    return this.windows.size;
  }

  sweep(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.endsAt > now) return;
      this.windows.delete(key);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
