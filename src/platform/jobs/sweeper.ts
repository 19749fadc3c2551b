/**
 * Periodic clean-up of work whose owner died (a killed process leaves an upload half-stored, an
 * import 'uploading'). Runs at start and every `everyMs`, in every server and worker: sweeps are
 * single statements on expired leases, so several processes sweeping at once do no harm.
 */
export interface Sweeper {
  stop(): Promise<void>;
}

export function startSweeper(sweep: () => Promise<unknown>, onError: (error: unknown) => void, everyMs = 30_000): Sweeper {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    running = running.then(() => sweep()).then(() => undefined, onError);
  };
  const first = setTimeout(tick, 0);
  const timer = setInterval(tick, everyMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
