import type { Database } from './database.js';
import { FreshReadCoalescer } from './fresh-read-coalescer.js';

/** Where revision bumps are announced, as `name:value` (migration 0043). */
export const REVISION_CHANNEL = 'carbon_atlas_revisions';

/**
 * Revision counters kept in the database (bumped in the transaction of every change they count),
 * held in memory so that reading one costs no round trip, and still never stale by more than a
 * notification's delivery:
 * - the database announces each bump with NOTIFY at commit; this process LISTENs and raises its
 *   copy (values only ever rise: a late or reordered notification cannot lower it);
 * - this process's own writes are seen at once, without waiting for their notification: any
 *   statement that may have written since a value was read makes the next caller read it again;
 * - while the listener is down (connecting, lost, a heartbeat unanswered) nothing is trusted:
 *   every caller reads the counter (one query per wave of concurrent callers), as without a watch.
 * The embedded database is written by this process only, so its copy is exact.
 */
export class RevisionWatch {
  private listening = false;
  /** Bumped on every change of `listening`: a read begun before one is not kept. */
  private epoch = 0;
  private readonly known = new Map<string, { value: number; writes: number }>();
  /** The highest value announced per name since listening began (kept even before a first read). */
  private readonly announced = new Map<string, number>();
  private readonly reads = new FreshReadCoalescer<number>();
  private stop: Promise<(() => Promise<void>) | undefined> = Promise.resolve(undefined);

  constructor(private readonly db: Database) {}

  /** Starts listening (in the background: until it holds, values are read each time). */
  start(): this {
    const listen = this.db.listen;
    if (listen) {
      this.stop = listen
        .call(this.db, REVISION_CHANNEL, (payload) => this.onAnnounced(payload), (listening) => this.onState(listening))
        .catch(() => undefined);
    }
    return this;
  }

  /** Whether values are currently served from memory. */
  get live(): boolean {
    return this.listening && this.db.writesCompleted !== undefined;
  }

  /** The current value of `name`; `read` fetches it from the database when memory cannot be trusted. */
  current(name: string, read: () => Promise<number>): Promise<number> {
    const known = this.known.get(name);
    if (known && this.live && known.writes === this.db.writesCompleted!()) return Promise.resolve(known.value);
    return this.reads.read(name, async () => {
      const epoch = this.epoch;
      const writes = this.db.writesCompleted?.() ?? -1;
      const value = Math.max(await read(), this.announced.get(name) ?? 0);
      if (this.live && epoch === this.epoch) this.known.set(name, { value: Math.max(value, this.known.get(name)?.value ?? 0), writes });
      return value;
    });
  }

  private onAnnounced(payload: string) {
    const at = payload.lastIndexOf(':');
    const name = payload.slice(0, at);
    const value = Number(payload.slice(at + 1));
    if (at <= 0 || !Number.isFinite(value)) return;
    this.announced.set(name, Math.max(value, this.announced.get(name) ?? 0));
    const known = this.known.get(name);
    if (known && value > known.value) known.value = value;
  }

  private onState(listening: boolean) {
    this.listening = listening;
    this.epoch += 1;
    // Announcements may have been missed while not listening: forget everything, read afresh.
    this.known.clear();
    this.announced.clear();
  }

  async close(): Promise<void> {
    const unsubscribe = await this.stop;
    this.onState(false);
    await unsubscribe?.();
  }
}
