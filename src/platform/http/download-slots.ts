export interface DownloadLimits {
  /** Concurrent downloads one client (an address, or an authenticated principal) may hold. */
  perClient: number;
  /** Concurrent downloads this process serves, whoever asks. */
  total: number;
}

/**
 * Counts the long downloads in flight, per client and in total. A slot is a promise of the
 * memory, socket and database time one download costs; the counts live in this process because
 * those are this process's resources (another process behind the same balancer has its own).
 */
export class DownloadSlots {
  private readonly perClient = new Map<string, number>();
  private inFlight = 0;

  constructor(private readonly limits: DownloadLimits) {}

  /** The slot's release (safe to call more than once), or undefined when the client or the server is at its bound. */
  tryAcquire(client: string): (() => void) | undefined {
    const held = this.perClient.get(client) ?? 0;
    if (held >= this.limits.perClient || this.inFlight >= this.limits.total) return undefined;
    this.perClient.set(client, held + 1);
    this.inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      const left = (this.perClient.get(client) ?? 1) - 1;
      if (left > 0) this.perClient.set(client, left);
      else this.perClient.delete(client);
    };
  }

  /** Downloads in flight, in total and for one client. */
  count(client?: string): number {
    return client === undefined ? this.inFlight : (this.perClient.get(client) ?? 0);
  }
}
