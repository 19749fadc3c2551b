import { LRUCache } from 'lru-cache';

interface Entry {
  revision: number;
  body: string;
}

/**
 * Serialized responses, each valid for one revision of the data it shows. The revision lives in
 * the database and changes in the same transaction as the data, so every process checks it on
 * each request and never serves a stale body, while an unchanged list skips query and serialisation.
 */
export class RevisionedCache {
  /** Absent when the budget is 0: caching disabled. */
  private readonly entries: LRUCache<string, Entry> | undefined;

  constructor(maxBytes: number) {
    this.entries =
      maxBytes > 0
        ? new LRUCache<string, Entry>({ maxSize: maxBytes, sizeCalculation: (entry, key) => entry.body.length + key.length })
        : undefined;
  }

  get enabled(): boolean {
    return this.entries !== undefined;
  }

  get(key: string, revision: number): string | undefined {
    const entry = this.entries?.get(key);
    return entry?.revision === revision ? entry.body : undefined;
  }

  set(key: string, revision: number, body: string): void {
    this.entries?.set(key, { revision, body });
  }
}
