import type { Queryable } from '../db/database.js';
import * as identity from '../identity/identity.queries.js';
import type { ApiKeyCredentialRow } from '../identity/identity.queries.js';

/** How long a process may keep trusting a key it looked up; bounds how late a revocation bites. */
const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;
/** last_used_at is a coarse "is this key still in use" signal: one write per key per minute is plenty. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Looks up API keys by digest with a short per-process cache (a hot key would otherwise cost one
 * query per request) and records their last use at most once a minute, off the request path.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, { row: ApiKeyCredentialRow | undefined; until: number }>();
  private readonly touchedAt = new Map<string, number>();

  constructor(private readonly db: Queryable) {}

  async lookup(keyHash: string): Promise<ApiKeyCredentialRow | undefined> {
    const now = Date.now();
    let entry = this.entries.get(keyHash);
    if (!entry || entry.until <= now) {
      const row = await identity.selectLiveApiKeyByHash(this.db, keyHash);
      entry = { row, until: Math.min(now + TTL_MS, row?.expires_at?.getTime() ?? Infinity) };
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(keyHash, entry);
    }
    if (entry.row) this.touch(entry.row, now);
    return entry.row;
  }

  clear() {
    this.entries.clear();
  }

  private touch(row: ApiKeyCredentialRow, now: number) {
    if ((this.touchedAt.get(row.id) ?? 0) + TOUCH_INTERVAL_MS > now) return;
    this.touchedAt.set(row.id, now);
    identity.touchApiKey(this.db, row.organization_id, row.id).catch(() => this.touchedAt.delete(row.id));
  }
}
