import type { Queryable } from '../../platform/db/database.js';
import * as ledger from './ledger.queries.js';
import type { Ledger } from './registry.queries.js';
import { chainTxId, contentHash, GENESIS_TX_ID, type ChainContent } from './chain.js';

/** Records a settled transaction as the next link of its ledger's chain (under the chain head's lock). */
export async function appendToChain(tx: Queryable, row: ledger.TransactionRow, serialRanges: [number, number][]) {
  const head = await ledger.lockChainHead(tx, row.ledger);
  const sequence = head.sequence + 1;
  const hash = contentHash(chainContent({ ...row, sequence, serial_ranges: serialRanges }));
  const txId = chainTxId(head.txId, hash);
  await ledger.recordOnChain(tx, { id: row.id, ledger: row.ledger, sequence, contentHash: hash, previousTxId: head.txId, txId, serialRanges });
  return txId;
}

function chainContent(row: Pick<ledger.TransactionRow, 'id' | 'ledger' | 'action' | 'organization_id' | 'to_organization_id' | 'to_address' | 'batch_id' | 'amount' | 'serial_ranges' | 'retirement_reason' | 'retirement_beneficiary' | 'retirement_comment'> & { sequence: number }): ChainContent {
  return {
    id: row.id,
    ledger: row.ledger,
    sequence: Number(row.sequence),
    action: row.action,
    organizationId: row.organization_id,
    toOrganizationId: row.to_organization_id,
    toAddress: row.to_address,
    batchId: row.batch_id,
    amount: Number(row.amount),
    serialRanges: row.serial_ranges.map(([a, b]) => [Number(a), Number(b)]),
    retirement: { reason: row.retirement_reason, beneficiaryName: row.retirement_beneficiary, comment: row.retirement_comment },
  };
}

/** Recomputes every processed transaction's hash and link; the first mismatch is reported. */
export async function verifyChain(db: Queryable, ledgerName: Ledger) {
  const rows = await ledger.selectChain(db, ledgerName);
  let previous = GENESIS_TX_ID;
  for (const [index, row] of rows.entries()) {
    const sequence = Number(row.sequence);
    const hash = contentHash(chainContent({ ...row, sequence }));
    const problem =
      sequence !== index + 1 ? 'sequence gap' : row.previous_tx_id !== previous ? 'broken link' : row.content_hash !== hash ? 'content changed' : row.tx_id !== chainTxId(previous, hash) ? 'wrong txId' : null;
    if (problem) return { ledger: ledgerName, valid: false, length: rows.length, brokenAt: { sequence, transactionId: row.id, problem }, headTxId: previous };
    previous = row.tx_id!;
  }
  return { ledger: ledgerName, valid: true, length: rows.length, brokenAt: null, headTxId: previous };
}
