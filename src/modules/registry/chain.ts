import { createHash } from 'node:crypto';

export const GENESIS_TX_ID = `0x${'0'.repeat(64)}`;

/** What a processed transaction commits to; any later change to these fields breaks the chain. */
export interface ChainContent {
  id: string;
  ledger: string;
  sequence: number;
  action: string;
  organizationId: string;
  toOrganizationId: string | null;
  toAddress: string | null;
  batchId: string;
  amount: number;
  serialRanges: [number, number][];
  retirement: { reason: string | null; beneficiaryName: string | null; comment: string | null };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with keys in a fixed order, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function contentHash(content: ChainContent): string {
  return sha256(canonicalJson(content));
}

/** A transaction's id on the chain: the hash of the previous id and this content's hash. */
export function chainTxId(previousTxId: string, hashOfContent: string): string {
  return `0x${sha256(`${previousTxId}:${hashOfContent}`)}`;
}
