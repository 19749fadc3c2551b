/** Pure shaping for the Registry screen: serial ranges, transaction states, the retire/transfer form. */
import type { paths } from '../../api/openapi.js';

/** The body of `POST /organizations/{id}/inventory/action/{action}`, as its OpenAPI declares it. */
export type ActionBody = paths['/organizations/{id}/inventory/action/{action}']['post']['requestBody']['content']['application/json'];

export interface SerialRange {
  text: string;
  country: string;
  project: string;
  first: number;
  last: number;
  tonnes: number;
  realised: boolean;
  vintage: string;
}

const SERIAL = /^ICR-([A-Z]{3})-(\d+)-(\d+)-(\d+)-([RA])-\d+-(\d{4})$/;

/**
 * `ICR-ISL-100-10000-10999-R-0-2021[,ICR-…]` → its ranges. Pieces that do not parse are left out
 * (the text is still shown as it is), so a new serialization format never breaks the screen.
 */
export function serialRanges(serialization: string): SerialRange[] {
  const ranges: SerialRange[] = [];
  for (const piece of serialization.split(',').map((part) => part.trim())) {
    const match = SERIAL.exec(piece);
    if (!match) continue;
    const first = Number(match[3]);
    const last = Number(match[4]);
    ranges.push({ text: piece, country: match[1]!, project: match[2]!, first, last, tonnes: last - first + 1, realised: match[5] === 'R', vintage: match[6]! });
  }
  return ranges;
}

export type TransactionState = 'pending' | 'processing' | 'processed' | 'failed' | 'cancelled';

/** Whether a state can still change: the screen polls only those. */
export function isSettled(state: string): boolean {
  return state === 'processed' || state === 'failed' || state === 'cancelled';
}

export const STATE_WORDS: Record<TransactionState, string> = {
  pending: 'Pending — tonnes reserved, waiting for the ledger',
  processing: 'Processing',
  processed: 'Processed — on the ledger',
  failed: 'Failed — tonnes released',
  cancelled: 'Cancelled — tonnes released',
};

/** The fields of `Transaction` (docs/registry.md) the screen reads. */
export interface TrackedTransaction {
  id: string;
  action: string;
  state: string;
  amount: number;
  creditId: string;
  serialization: string;
  createdAt: string;
  updatedAt: string;
  retirementId: string | null;
  failureReason: string | null;
  txId: string | null;
}

export interface ActionDraft {
  action: 'retire' | 'transfer' | 'transfer_retire';
  creditId: string;
  amount: string;
  available: number;
  toOrganizationId: string;
  beneficiaryName: string;
  reason: string;
  comment: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The action request body, or what to fix, in words. */
export function actionBody(draft: ActionDraft): { ok: true; body: ActionBody } | { ok: false; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const amount = Number(draft.amount);
  if (!draft.creditId) problems.creditId = 'Choose the credits to use.';
  if (!Number.isInteger(amount) || amount < 1) problems.amount = 'Enter a whole number of tonnes, at least 1.';
  else if (amount > draft.available) problems.amount = `Only ${draft.available} t are available in this batch.`;
  const transfers = draft.action !== 'retire';
  const retires = draft.action !== 'transfer';
  if (transfers && !UUID.test(draft.toOrganizationId.trim())) problems.toOrganizationId = 'Enter the receiving organization’s id (a UUID).';
  if (retires && !draft.beneficiaryName.trim()) problems.beneficiaryName = 'Name the beneficiary of the retirement.';
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  const body: ActionBody = { creditId: draft.creditId, amount };
  if (transfers) body.toOrganizationId = draft.toOrganizationId.trim();
  if (retires) body.retirementData = { beneficiaryName: draft.beneficiaryName.trim(), reason: draft.reason.trim(), comment: draft.comment.trim() };
  return { ok: true, body };
}

/** "0x1234…cdef" for long hashes and addresses. */
export function shortHash(hash: string | null | undefined): string {
  if (!hash) return '—';
  return hash.length > 14 ? `${hash.slice(0, 8)}…${hash.slice(-6)}` : hash;
}
